import Foundation
import Rectifier
import Testing

/// Error messages that quote a file stay one short line a terminal shows as it is: control
/// characters escaped, long lists and fields cut.
@Suite struct ErrorTextTests {
    @Test func escapesControlCharactersAndCutsLongText() {
        #expect(ErrorText.escaped("a\nb\tc\r\u{1B}[2J\u{7F}\u{9B}é") == #"a\nb\tc\r\u{1B}[2J\u{7F}\u{9B}é"#)
        #expect(ErrorText.quoted("abc") == "\"abc\"")
        #expect(ErrorText.quoted(String(repeating: "x", count: 100), limit: 5) == "\"xxxxx…\"")
        #expect(ErrorText.list((1...3).map(String.init)) == "1, 2, 3")
        #expect(ErrorText.list((1...1000).map(String.init), limit: 2) == "1, 2, … and 998 more")
    }

    /// Whether `text` would reach a terminal as one plain line: no control character at all.
    static func isOnePrintableLine(_ text: String) -> Bool {
        !text.unicodeScalars.contains { $0.properties.generalCategory == .control }
    }

    static let escape = "\u{1B}]0;pwned\u{07}\u{1B}[2J"

    /// Every reader that quotes a file's content in its errors: the escape sequence arrives
    /// escaped.
    @Test(arguments: ["csv-column", "csv-twice", "svmlight", "processed_acl", "reviews", "vocabulary-header", "vocabulary-term",
                      "vocabulary-count", "emnist-mapping", "prediction-input"])
    func fileContentInErrorsIsEscaped(reader: String) throws {
        let e = Self.escape
        let message: String
        do {
            switch reader {
            case "csv-column": _ = try CSVTable.parse(Array("a,b\(e)\n1,2\n".utf8), path: "f").columnIndex("text")
            case "csv-twice": _ = try CSVTable.parse(Array("a\(e),a\(e)\n".utf8), path: "f")
            case "svmlight": _ = try SVMLight.parse(Array("1 1:\(e)\n".utf8), path: "f")
            case "processed_acl": _ = try ProcessedACL.parse(Array("a:\(e) #label#:positive\n".utf8), path: "f")
            case "reviews": _ = try ReviewFile.parse(Array("<review>\n\(e)\n</review>\n".utf8), path: "f")
            case "vocabulary-header": _ = try Vocabulary.parse(Array("rectifier-vocabulary\(e) 1 1\nx\n".utf8), source: "f")
            case "vocabulary-term": _ = try Vocabulary.parse(Array("rectifier-vocabulary 1 2\nx\(e)\nx\(e)\n".utf8), source: "f")
            case "vocabulary-count": _ = try Vocabulary.parse(Array("rectifier-vocabulary 1 \(e)\n".utf8), source: "f")
            case "emnist-mapping": _ = try EMNIST.mapping(Array("0 65\(e)\n".utf8), path: "f")
            default:
                let path = TestSupport.temporaryDirectory() + "/input.txt"
                try "1,2,3\n1,2,\(e)\n".write(toFile: path, atomically: true, encoding: .utf8)
                _ = try PredictionInput.read(path, width: 3)
            }
            Issue.record("\(reader): accepted")
            return
        } catch let error as FileError {
            message = error.description
        }
        #expect(Self.isOnePrintableLine(message), "\(reader): \(message.debugDescription)")
        #expect(message.contains(#"\u{1B}"#), "\(reader): \(message)")
    }

    /// The tool escapes the message of any error it prints, also of a reader that quotes a
    /// file without escaping (here a rating cell, through the text-csv dataset).
    @Test(.enabled(if: CommandLineTests.executable != nil, "needs the rectifier executable"))
    func theToolPrintsNoControlCharacterOfAFile() throws {
        let path = TestSupport.temporaryDirectory() + "/ratings.csv"
        try "text,label\nhello world,\(Self.escape)five\ngood day,3\n".write(toFile: path, atomically: true, encoding: .utf8)
        let r = try CommandLineTests.run(["train", "--dataset", "text-csv", "--data-file", path, "--task", "rating", "--layers", "4",
                                          "--epochs", "1"])
        #expect(r.status == 1)
        #expect(r.stderr.contains(path) && r.stderr.contains(#"\u{1B}"#), "\(r.stderr)")
        #expect(Self.isOnePrintableLine(r.stderr.trimmingCharacters(in: .newlines)), "\(r.stderr.debugDescription)")
    }

    /// The error for a column that is not there lists 20 of a million columns, not all.
    @Test func aMissingColumnListsTwentyOfAMillion() throws {
        let header = (0..<1_000_000).map { "c\($0)" }.joined(separator: ",") + "\n"
        let table = try CSVTable.parse(Array(header.utf8), path: "wide.csv")
        do {
            _ = try table.columnIndex("text")
            Issue.record("found a column that is not there")
        } catch let e as FileError {
            #expect(e.problem.count < 400, "\(e.problem.count) characters")
            #expect(e.problem.contains(#""c19", … and 999980 more"#), "\(e.problem)")
        }
    }
}
