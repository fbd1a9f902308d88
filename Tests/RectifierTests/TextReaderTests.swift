import Foundation
import Rectifier
import Testing

/// The shared copies of the Multi-Domain Sentiment Dataset, when present.
enum SentimentData {
    static let domains = ["books", "dvd", "electronics", "kitchen"]

    /// `../shared/data/amazon-sentiment` (processed_acl files), or nil.
    static var processed: String? { directory("amazon-sentiment", probe: "kitchen/positive.review") }
    /// `../shared/data/amazon-sentiment-raw` (pseudo-XML reviews), or nil.
    static var raw: String? { directory("amazon-sentiment-raw", probe: "kitchen/positive.review") }

    static func directory(_ name: String, probe: String) -> String? {
        let path = TestSupport.projectRoot.appendingPathComponent("../shared/data/\(name)").standardized.path
        return FileManager.default.fileExists(atPath: path + "/" + probe) ? path : nil
    }
}

/// Writes `text` to a fresh file and returns its path.
func writeTextFile(_ text: String, _ name: String = "file") -> String {
    let path = TestSupport.temporaryDirectory() + "/" + name
    _ = FileManager.default.createFile(atPath: path, contents: Data(text.utf8))
    return path
}

/// Expects `body` to throw a FileError for `path` whose problem contains `fragment`.
func expectFileError(_ path: String, containing fragment: String, _ body: () throws -> Void,
                     sourceLocation: SourceLocation = #_sourceLocation) {
    do {
        try body()
        Issue.record("accepted, expected an error containing \"\(fragment)\"", sourceLocation: sourceLocation)
    } catch let error as FileError {
        #expect(error.path == path, sourceLocation: sourceLocation)
        #expect(error.problem.contains(fragment), "\(error.problem)", sourceLocation: sourceLocation)
    } catch {
        Issue.record("unexpected error \(error)", sourceLocation: sourceLocation)
    }
}

/// The processed_acl reader.
@Suite struct ProcessedACLTests {
    @Test func readsTermsCountsAndLabels() throws {
        let path = writeTextFile("great:2 great_book:1 #label#:positive\n#label#:negative bad:1\r\nno_newline:3 #label#:x")
        let file = try ProcessedACL.read(path)
        #expect(file.documents.count == 3)
        #expect(file.documents[0] == TextDocument(termCounts: ["great": 2, "great_book": 1], label: "positive", line: 1))
        #expect(file.documents[1] == TextDocument(termCounts: ["bad": 1], label: "negative", line: 2))
        #expect(file.documents[2].termCounts == ["no_newline": 3] && file.documents[2].label == "x")
        #expect(file.skipped.count == 0)
    }

    @Test func splitsEachFieldOnItsLastColon() throws {
        let path = writeTextFile("http://example.com:3 a:b:c:12 <num>_feet:2 #label#:positive\n")
        let doc = try #require(ProcessedACL.read(path).documents.first)
        #expect(doc.termCounts == ["http://example.com": 3, "a:b:c": 12, "<num>_feet": 2])
    }

    @Test func refusesMalformedLinesNamingTheLine() {
        let cases: [(String, String)] = [
            ("a:1 #label#:pos\nb:1 c:2\n", "line 2: no #label# field"),
            ("a:x #label#:pos\n", "line 1: count «x» of term «a» is not a positive integer"),
            ("a:1 #label#:pos\na:0 #label#:pos\n", "line 2: count «0»"),
            ("a:-1 #label#:pos\n", "is not a positive integer"),
            ("a:99999999999999999999 #label#:pos\n", "is not a positive integer"),
            ("a:1 word #label#:pos\n", "line 1: field «word» has no colon"),
            ("a:1 #label#:pos\n\nb:1 #label#:pos\n", "line 2: empty line"),
            ("a:1 #label#:pos\n   \t\n", "line 2: empty line"),
            (":3 #label#:pos\n", "has an empty term"),
            ("a:1 a:2 #label#:pos\n", "term «a» appears twice"),
            ("a:1 #label#:pos #label#:neg\n", "a second #label# field"),
            ("a:1 #label#:\n", "label «» is empty"),
        ]
        for (text, fragment) in cases {
            let path = writeTextFile(text)
            expectFileError(path, containing: fragment) { _ = try ProcessedACL.read(path) }
        }
    }

    @Test func skipsAndCountsBadLinesWhenAsked() throws {
        let path = writeTextFile("a:1 #label#:pos\nb:x #label#:neg\n\nc:2 #label#:neg\nd:1\n")
        let file = try ProcessedACL.read(path, badLines: .skip)
        #expect(file.documents.map(\.label) == ["pos", "neg"])
        #expect(file.documents.map(\.line) == [1, 4])
        #expect(file.skipped.count == 3)
        #expect(file.skipped.examples.map { $0.problem.prefix(7) } == ["line 2:", "line 3:", "line 5:"])
        #expect(file.skipped.examples.allSatisfy { $0.path == path })
    }

    @Test func readsGzipCompressedFiles() throws {
        let text = "a:1 b:2 #label#:positive\n"
        let path = TestSupport.temporaryDirectory() + "/file.gz"
        _ = FileManager.default.createFile(atPath: path, contents: Data(Gzip.compress(Array(text.utf8))))
        #expect(try ProcessedACL.read(path).documents == ProcessedACL.read(writeTextFile(text)).documents)
    }

    @Test(.enabled(if: SentimentData.processed != nil, "the shared processed_acl data is absent"))
    func readsTheRealFiles() throws {
        let root = try #require(SentimentData.processed)
        for domain in SentimentData.domains {
            for label in ["positive", "negative"] {
                let file = try ProcessedACL.read("\(root)/\(domain)/\(label).review")
                #expect(file.documents.count == 1000, "\(domain)/\(label)")
                #expect(file.documents.allSatisfy { $0.label == label && !$0.termCounts.isEmpty })
                #expect(file.documents.allSatisfy { $0.termCounts["#label#"] == nil })
            }
        }
        // The first book review, as printed in the file: "... <num>_feet:2 ... novels:3 ...".
        let first = try #require(ProcessedACL.read("\(root)/books/positive.review").documents.first)
        #expect(first.termCounts["<num>_feet"] == 2 && first.termCounts["novels"] == 3 && first.termCounts["analysis.i"] == 1)
    }
}

/// The raw review reader.
@Suite struct ReviewFileTests {
    static func record(rating: String = "5.0", text: String = "Fine.", extra: String = "") -> String {
        """
        <review>
        <unique_id>
        123:title:someone
        </unique_id>
        <asin>
          0785758968
        </asin>
        <product_name>
        Sphere: Books: Michael Crichton
        </product_name>
        <product_type>
        books
        </product_type>
        <helpful>
        3 of 5
        </helpful>
        <rating>
        \(rating)
        </rating>
        <title>
        One of the best
        </title>
        <date>
        July 1, 2006
        </date>
        <reviewer>
        Joseph M
        </reviewer>
        <reviewer_location>
        Colorado, USA
        </reviewer_location>
        <review_text>
        \(text)
        </review_text>\(extra)
        </review>

        """
    }

    @Test func readsEveryField() throws {
        let path = writeTextFile("<reviews>\n" + Self.record(text: "First paragraph.\n\nSecond one.") + Self.record(rating: "1") + "</reviews>")
        let file = try ReviewFile.read(path)
        #expect(file.reviews.count == 2)
        let r = file.reviews[0]
        #expect(r.rating == 5 && file.reviews[1].rating == 1)
        #expect(r.text == "First paragraph.\n\nSecond one.")
        #expect(r.title == "One of the best" && r.asin == "0785758968" && r.uniqueID == "123:title:someone")
        #expect(r.productName == "Sphere: Books: Michael Crichton" && r.productType == "books" && r.helpful == "3 of 5")
        #expect(r.date == "July 1, 2006" && r.reviewer == "Joseph M" && r.reviewerLocation == "Colorado, USA")
        #expect(r.line == 2 && file.reviews[1].line == 39)
    }

    @Test func toleratesStrayAmpersandsAndAngleBrackets() throws {
        let text = "Q&A: a < b && c > d\n<b>\n</rating>\n<review>\nR&amp;B &nbsp; &#; &#xZZ; & done"
        let path = writeTextFile(Self.record(text: text))
        let r = try #require(ReviewFile.read(path).reviews.first)
        #expect(r.text == "Q&A: a < b && c > d\n<b>\n</rating>\n<review>\nR&B &nbsp; &#; &#xZZ; & done")
    }

    @Test func decodesTheCommonEntities() throws {
        let text = "&amp; &lt; &gt; &quot; &apos; &#65;&#x42;&#X43; &#x1F600; &#0065; &amp;quot; &#0; &#xD800; &#x110000;"
        let path = writeTextFile(Self.record(text: text))
        #expect(try ReviewFile.read(path).reviews.first?.text == "& < > \" ' ABC 😀 A &quot; &#0; &#xD800; &#x110000;")
        #expect(try ReviewFile.read(path, decodesEntities: false).reviews.first?.text == text)
    }

    @Test func refusesBadRecordsNamingTheLine() {
        let noRating = Self.record().replacingOccurrences(of: "<rating>\n5.0\n</rating>\n", with: "")
        let cases: [(String, String)] = [
            (noRating, "line 1: record has no <rating>"),
            (Self.record(rating: "five"), "line 17: rating «five» is not a number"),
            (Self.record(rating: "nan"), "rating «nan» is not a number"),
            (Self.record(rating: ""), "rating «» is not a number"),
            (String(Self.record().dropLast("</review>\n".count)), "line 1: record not terminated (no </review> before the end"),
            (String(Self.record().dropLast("</review>\n".count)) + Self.record(), "line 1: record not terminated (a new <review> starts on line 35)"),
            (Self.record().replacingOccurrences(of: "</title>\n", with: ""), "</review> before </title> (opened on line 20)"),
            (Self.record(extra: "\n<asin>\n1\n</asin>"), "line 35: a second <asin>"),
            ("stray text\n" + Self.record(), "line 1: text outside a <review> record"),
            (Self.record(extra: "\nloose words"), "line 35: expected an element tag or </review>"),
        ]
        for (text, fragment) in cases {
            let path = writeTextFile(text)
            expectFileError(path, containing: fragment) { _ = try ReviewFile.read(path) }
        }
    }

    @Test func skipsAndCountsBadRecordsWhenAsked() throws {
        let bad = Self.record(rating: "?")
        let broken = Self.record(extra: "\nloose words").replacingOccurrences(of: "Fine.", with: "Broken.")
        let unterminated = String(Self.record().dropLast("</review>\n".count))
        let path = writeTextFile(Self.record(rating: "4") + bad + broken + Self.record(rating: "2") + unterminated)
        let file = try ReviewFile.read(path, badRecords: .skip)
        #expect(file.reviews.map(\.rating) == [4, 2])
        #expect(file.reviews.allSatisfy { $0.text == "Fine." })
        #expect(file.skipped.count == 3)
        #expect(file.skipped.examples.map { String($0.problem.prefix { $0 != ":" }) } == ["line 52", "line 105", "line 142"])
    }

    /// The shared copy: 1000 records per file, ratings as its SOURCE.md counts them.
    @Test(.enabled(if: SentimentData.raw != nil, "the shared raw review data is absent"))
    func readsTheRealFiles() throws {
        let root = try #require(SentimentData.raw)
        let expected: [String: [Double: Int]] = [
            "books/positive": [4: 269, 5: 731], "books/negative": [1: 538, 2: 462],
            "dvd/positive": [4: 286, 5: 714], "dvd/negative": [1: 530, 2: 470],
            "electronics/positive": [4: 320, 5: 680], "electronics/negative": [1: 666, 2: 334],
            "kitchen/positive": [4: 246, 5: 754], "kitchen/negative": [1: 687, 2: 313],
        ]
        var productTypes: Set<String> = []
        for (name, ratings) in expected {
            let file = try ReviewFile.read("\(root)/\(name).review")
            #expect(file.reviews.count == 1000, "\(name)")
            #expect(Dictionary(grouping: file.reviews, by: \.rating).mapValues(\.count) == ratings, "\(name)")
            #expect(file.reviews.allSatisfy { !$0.text.isEmpty && !$0.title.isEmpty && !$0.asin.isEmpty })
            productTypes.formUnion(file.reviews.map(\.productType))
        }
        // One electronics review is filed under "computer &amp; video games".
        #expect(productTypes == ["books", "dvd", "electronics", "kitchen & housewares", "computer & video games"])
    }
}
