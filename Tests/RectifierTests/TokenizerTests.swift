import Foundation
import Rectifier
import Testing

/// The processed_acl tokenizer: each rule on hand-made text, then the reproduction of the real
/// processed_acl files from the raw reviews.
@Suite struct TokenizerTests {
    let tokenizer = Tokenizer()

    @Test func stripsEdgePunctuationFromSimpleWordsOnly() {
        #expect(tokenizer.tokens("Novel. \"Running (which tale). scissors' -ve _x") == ["novel", "running", "which", "tale", "scissors", "ve", "x"])
        #expect(tokenizer.tokens("(e.g. \"fanatic\" (hearing) queen-boy. 80's. --powerful *(which $20.00 don't")
            == ["(e.g.", "\"fanatic\"", "(hearing)", "queen-boy.", "80's.", "--powerful", "*(which", "$20.00", "don't"])
        #expect(tokenizer.tokens("UPPER Case ÉTÉ") == ["upper", "case", "ÉtÉ"], "only ASCII letters are lower-cased")
    }

    @Test func punctuationOnlyWordsBecomeEmptyTokens() {
        #expect(tokenizer.tokens("book - it ... & :)") == ["book", "", "it", "", "", ""])
    }

    @Test func lineBreaksAreDeletedUnlessAskedOtherwise() {
        #expect(tokenizer.tokens("behavior analysis.\n\nI would") == ["behavior", "analysis.i", "would"])
        #expect(Tokenizer(newlinesSeparateWords: true).tokens("behavior analysis.\n\nI would") == ["behavior", "analysis", "i", "would"])
        #expect(tokenizer.tokens("tab\tand\r\ncr") == ["tab", "and", "cr"], "tab and CR separate words")
    }

    @Test func colonsAreDeletedAfterTheStrippingDecision() {
        // `book:` is a simple word; `book:1)` is not (the colon is inside), so it keeps its `)`.
        #expect(tokenizer.tokens("http://x.com 16:9 vision: book:1) 19:46") == ["http//x.com", "<num>", "vision", "book1)", "<year>"])
    }

    @Test func numbersBecomePlaceholders() {
        let words = "4 1999 2006 200 195 19 20 2100 1899 3,500 2,3,4, 100,000, 1.25 $20 #1 90% 1999."
        #expect(tokenizer.tokens(words) == ["<num>", "<year>", "<year>", "<year>", "<year>", "<num>", "<num>", "<num>", "<num>",
                                            "<num>", "<num>", "<num>", "<num>", "<num>", "<num>", "<num>", "<year>"])
        #expect(tokenizer.tokens("10-12 0-679-41946-2 1/2 24/7") == ["<dash-num>", "<dash-num>", "<fraction>", "<fraction>"])
        #expect(tokenizer.tokens("1990s 19th mp3 5.1. 1.2.3 4-8, 75.5, 1/2/3 (1) $75,000")
            == ["1990s", "19th", "mp3", "5.1.", "1.2.3", "4-8", "75.5", "1/2/3", "(1)", "$75", "000"])
    }

    @Test func splitsAtCommasDroppingOnlyTrailingEmptyPieces() {
        #expect(tokenizer.tokens("tall,just ,primarily, disappointed,,,i \"fiasco,\" \"oh,")
            == ["tall", "just", "", "primarily", "disappointed", "", "", "i", "\"fiasco", "\"", "\"oh"])
    }

    @Test func countsUnigramsAndBigramsPerField() {
        let counts = tokenizer.termCounts(["Great Book", "The book - it is great, buy it"])
        // Text tokens: the book "" it is great buy it. Stop words (the, it, is) give no
        // unigram; `it_is` joins two stop words; an empty token starts no bigram; no bigram
        // joins the two fields (no `book_the`).
        #expect(counts == ["great": 2, "book": 2, "buy": 1, "great_book": 1, "the_book": 1, "book_": 1,
                           "is_great": 1, "great_buy": 1, "buy_it": 1])
        var review = ReviewFile.Review(rating: 5, text: "The book - it is great, buy it", title: "Great Book")
        review.asin = "ignored"
        #expect(tokenizer.termCounts(review) == counts)
    }

    @Test func stopWordsAreConfigurable() {
        #expect(Tokenizer(stopWords: []).termCounts(["the book"]) == ["the": 1, "book": 1, "the_book": 1])
        #expect(Tokenizer.processedACLStopWords.count == 55)
    }

    /// Line i of each processed_acl file is review i of the raw file: the tokenizer applied to
    /// the raw title and text (entities kept) must give that line's terms and counts.
    @Test(.enabled(if: SentimentData.processed != nil && SentimentData.raw != nil, "the shared sentiment data is absent"),
          arguments: ["kitchen"])
    func reproducesTheProcessedFiles(domain: String) throws {
        let processed = try #require(SentimentData.processed)
        let raw = try #require(SentimentData.raw)
        var reference = 0
        var matched = 0
        var exact = 0
        var reviews = 0
        for label in ["positive", "negative"] {
            let documents = try ProcessedACL.read("\(processed)/\(domain)/\(label).review").documents
            let records = try ReviewFile.read("\(raw)/\(domain)/\(label).review", decodesEntities: false).reviews
            try #require(documents.count == records.count)
            for (document, record) in zip(documents, records) {
                let mine = tokenizer.termCounts(record)
                reference += document.termCounts.count
                matched += document.termCounts.keys.filter { mine[$0] != nil }.count
                exact += mine == document.termCounts ? 1 : 0
                reviews += 1
            }
        }
        let overlap = Double(matched) / Double(reference)
        print("\(domain): \(matched)/\(reference) processed_acl term types produced (\(overlap)), \(exact)/\(reviews) reviews exact")
        #expect(exact == reviews)
    }
}
