/// Turns review text into the unigram and bigram term counts of the processed_acl files
/// (Blitzer et al. 2007), by the rules those files were made with. They were recovered from the
/// data: applied to the title and the text of each review of the raw files (read with
/// `ReviewFile` keeping entities), they give exactly the terms and counts of the matching
/// processed_acl line, for all 8,000 labelled reviews of the four domains.
///
/// Each field (title, text) is one token stream; no bigram spans two fields.
/// 1. Line breaks (LF) are deleted, not turned into spaces: the original joined a review's lines
///    without a separator, which is where terms like `analysis.i` come from
///    (`...behavior analysis.` LF LF `I would...`). `newlinesSeparateWords` turns this off.
/// 2. ASCII letters are lower-cased; words are the runs between ASCII white space.
/// 3. Edge punctuation (any byte that is not an ASCII letter or digit) is removed only from a
///    simple word: one whose remaining core is all letters and digits, with punctuation on one
///    side only and at most one leading punctuation byte. So `novel.` → `novel`, `"running` →
///    `running`, `tale).` → `tale`, but `(e.g.`, `"fanatic"`, `(hearing)`, `queen-boy.`,
///    `80's.`, `--powerful` and `$20.00` stay whole. A word of punctuation only (`-`, `&`,
///    `...`) becomes an empty token.
/// 4. Colons are deleted (`http://` → `http//`, `16:9` → `169`).
/// 5. Number classes, for the whole word: `19d`, `19dd`, `20d`, `20dd` → `<year>` (three-digit
///    forms included, as in the data: `200` is a `<year>`); digits and commas (`4`, `3,500`,
///    `2,3,4,`) or `d.d` (`1.25`) → `<num>`; `d-d`, `d-d-d`... → `<dash-num>`; `d/d` →
///    `<fraction>`. Anything else with digits stays (`1990s`, `$20`, `19th`, `5.1.`).
/// 6. Otherwise the word is split at commas, dropping empty pieces at the end only (Java's
///    `String.split`): `tall,just` → `tall`, `just`; `,primarily,` → empty, `primarily`.
/// 7. Unigrams: every non-empty token that is not a stop word. Bigrams `a_b`: every non-empty
///    token `a` with its successor `b` (which may be empty: `book -` gives `book_`), unless
///    both are stop words.
///
/// The stop words (`processedACLStopWords`) are the 55 words that occur in the data's bigrams
/// but never as unigrams.
public struct Tokenizer: Sendable {
    /// Words that give no unigram, and no bigram when paired with another stop word.
    public var stopWords: Set<String>
    /// Whether a line break separates words (true) or is deleted (false, as processed_acl).
    public var newlinesSeparateWords: Bool

    /// The stop list of the processed_acl files.
    public static let processedACLStopWords: Set<String> = [
        "the", "and", "to", "a", "of", "is", "it", "in", "this", "that", "for", "with", "but", "as",
        "on", "are", "have", "or", "at", "be", "from", "by", "an", "can", "has", "will", "would",
        "it's", "up", "had", "do", "were", "these", "there", "any", "into", "am", "could", "does",
        "its", "did", "been", "being", "those", "each", "that's", "until", "isn't", "there's",
        "under", "across", "thats", "it'll", "theres", "it'd",
    ]

    public init(stopWords: Set<String> = Tokenizer.processedACLStopWords, newlinesSeparateWords: Bool = false) {
        self.stopWords = stopWords
        self.newlinesSeparateWords = newlinesSeparateWords
    }

    /// The unigram and bigram counts of `fields`, each field a separate token stream.
    public func termCounts(_ fields: [String]) -> [String: Int] {
        var counts: [String: Int] = [:]
        for field in fields {
            let stream = tokens(field)
            for (k, token) in stream.enumerated() where !token.isEmpty {
                let isStop = stopWords.contains(token)
                if !isStop { counts[token, default: 0] += 1 }
                guard k + 1 < stream.count else { continue }
                let next = stream[k + 1]
                if isStop, stopWords.contains(next) { continue }
                counts[token + "_" + next, default: 0] += 1
            }
        }
        return counts
    }

    /// The term counts of a review: its title and its text.
    public func termCounts(_ review: ReviewFile.Review) -> [String: Int] {
        termCounts([review.title, review.text])
    }

    /// The token stream of `text` (rules 1-6), with an empty token for each word of punctuation
    /// only.
    public func tokens(_ text: String) -> [String] {
        var out: [String] = []
        var word: [UInt8] = []
        word.reserveCapacity(64)
        var text = text
        text.withUTF8 { bytes in
            for b in bytes {
                if b == ByteScanning.newline, !newlinesSeparateWords { continue }
                if ByteScanning.isWhitespace(b) {
                    if !word.isEmpty { Self.appendTokens(of: word, to: &out) }
                    word.removeAll(keepingCapacity: true)
                } else {
                    word.append(b &- 0x41 < 26 ? b | 0x20 : b)
                }
            }
            if !word.isEmpty { Self.appendTokens(of: word, to: &out) }
        }
        return out
    }

    /// Rules 3-6 for one lower-cased word.
    static func appendTokens(of word: [UInt8], to out: inout [String]) {
        let n = word.count
        var i = 0
        while i < n, !ByteScanning.isAlphanumeric(word[i]) { i += 1 }
        var j = n
        while j > i, !ByteScanning.isAlphanumeric(word[j - 1]) { j -= 1 }
        guard i < j else {
            out.append("")
            return
        }
        let simple = (i == 0 || j == n) && i <= 1 && word[i..<j].allSatisfy(ByteScanning.isAlphanumeric)
        // Stripping removes whole runs of non-ASCII bytes and the pieces below are cut at ASCII
        // bytes, so every token stays valid UTF-8.
        let kept = (simple ? word[i..<j] : word[...]).filter { $0 != ByteScanning.colon }
        if let number = numberClass(kept) {
            out.append(number)
            return
        }
        var pieces = kept.split(separator: UInt8(ascii: ","), omittingEmptySubsequences: false)
        while pieces.count > 1, pieces.last!.isEmpty { pieces.removeLast() }
        for piece in pieces { out.append(String(decoding: piece, as: UTF8.self)) }
    }

    /// The placeholder of rule 5 for `word`, or nil when it is not one of those numbers.
    static func numberClass(_ word: [UInt8]) -> String? {
        guard let first = word.first, ByteScanning.isDigit(first) else { return nil }
        if word.allSatisfy(ByteScanning.isDigit) {
            let century = (word[0], word.count > 1 ? word[1] : 0)
            let isYear = (word.count == 3 || word.count == 4)
                && (century == (UInt8(ascii: "1"), UInt8(ascii: "9")) || century == (UInt8(ascii: "2"), UInt8(ascii: "0")))
            return isYear ? "<year>" : "<num>"
        }
        if word.allSatisfy({ ByteScanning.isDigit($0) || $0 == UInt8(ascii: ",") }) { return "<num>" }
        if digitGroups(word, separatedBy: ".") == 2 { return "<num>" }
        if let groups = digitGroups(word, separatedBy: "-"), groups >= 2 { return "<dash-num>" }
        if digitGroups(word, separatedBy: "/") == 2 { return "<fraction>" }
        return nil
    }

    /// The number of groups when `word` is non-empty runs of digits separated by single
    /// `separator`s, else nil.
    static func digitGroups(_ word: [UInt8], separatedBy separator: Unicode.Scalar) -> Int? {
        let s = UInt8(ascii: separator)
        var groups = 1
        var digits = 0
        for b in word {
            if b == s {
                guard digits > 0 else { return nil }
                groups += 1
                digits = 0
            } else if ByteScanning.isDigit(b) {
                digits += 1
            } else {
                return nil
            }
        }
        return digits > 0 ? groups : nil
    }
}
