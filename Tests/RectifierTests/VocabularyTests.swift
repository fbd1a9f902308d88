import Foundation
import Rectifier
import Testing

/// The bag-of-words vocabulary: choice of terms, features, and its file.
@Suite struct VocabularyTests {
    // Document frequencies: c 3, b 2, a d e B 1.
    static let train: [[String: Int]] = [["a": 5, "b": 1, "c": 1], ["b": 2, "c": 1, "d": 1], ["c": 1, "e": 1, "B": 1]]

    @Test func choosesTheMostFrequentTermsWithBytewiseTies() throws {
        // Among the frequency-1 ties, "B" (0x42) comes before "a" (0x61) bytewise.
        #expect(try Vocabulary.mostFrequent(in: Self.train, size: 3).terms == ["c", "b", "B"])
        #expect(try Vocabulary.mostFrequent(in: Self.train, size: 4).terms == ["c", "b", "B", "a"])
        #expect(try Vocabulary.mostFrequent(in: Self.train, size: 2).terms == ["c", "b"])
        #expect(try Vocabulary.mostFrequent(in: Self.train, size: 100).terms == ["c", "b", "B", "a", "d", "e"])
        #expect(try Vocabulary.mostFrequent(in: Self.train.reversed(), size: 3) == Vocabulary.mostFrequent(in: Self.train, size: 3))
        #expect(throws: UsageError.self) { try Vocabulary.mostFrequent(in: Self.train, size: 0) }
    }

    @Test func isBuiltFromTrainingDocumentsOnly() throws {
        let test: [String: Int] = ["c": 1, "onlyInTest": 9]
        let vocabulary = try Vocabulary.mostFrequent(in: Self.train, size: 10)
        #expect(vocabulary.column(of: "onlyInTest") == nil)
        #expect(vocabulary.features(of: test).map(\.0) == [0])
        #expect(vocabulary.count == 6 && vocabulary.column(of: "c") == 0 && vocabulary.column(of: "e") == 5)
    }

    @Test func binaryAndCountFeaturesHaveSortedColumns() throws {
        let vocabulary = try Vocabulary(terms: ["z", "b", "c"])
        let document = ["c": 2, "x": 7, "z": 3, "b": 1]
        #expect(vocabulary.features(of: document).map(\.0) == [0, 1, 2])
        #expect(vocabulary.features(of: document).map(\.1) == [1, 1, 1])
        #expect(vocabulary.features(of: document, weighting: .counts).map(\.1) == [3, 1, 2])
        let matrix = vocabulary.matrix([document, [:], ["c": 4]], weighting: .counts)
        #expect(matrix.rows == 3 && matrix.columns == 3)
        #expect(matrix.densified() == Matrix(rows: 3, columns: 3, storage: [3, 1, 2, 0, 0, 0, 0, 0, 4]))
        #expect(vocabulary.matrix([document]).values == [1, 1, 1])
    }

    @Test func savesAndReadsItsFile() throws {
        let vocabulary = try Vocabulary(terms: ["c", "b", "<num>_feet", "(e.g.", "été"])
        let path = TestSupport.temporaryDirectory() + "/vocabulary.txt"
        try vocabulary.save(to: path)
        #expect(String(decoding: try FileIO.read(path), as: UTF8.self) == "rectifier-vocabulary 1 5\nc\nb\n<num>_feet\n(e.g.\nété\n")
        #expect(try Vocabulary.read(path) == vocabulary)
        let empty = try Vocabulary(terms: [])
        #expect(try Vocabulary.parse(Array(empty.text.utf8), source: "e") == empty)
    }

    @Test func refusesBrokenFiles() {
        let cases: [(String, String)] = [
            ("rectifier-vocabulary 1 3\na\nb\na\n", "line 4: term \"a\" already on line 2"),
            ("rectifier-vocabulary 1 3\na\n\nb\n", "line 3: empty term"),
            ("rectifier-vocabulary 1 3\na\nb\n", "declares 3 terms, the file has 2"),
            ("rectifier-vocabulary 1 1\na\nb\n", "declares 1 terms, the file has 2"),
            ("rectifier-vocabulary 1 2\r\na\r\nb\r\n", "line 1: term count"),
            ("rectifier-vocabulary 1 1\na\r\n", "line 2: carriage return"),
            ("rectifier-vocabulary 2 1\na\n", "format version \"2\""),
            ("rectifier-vocabulary 1 -1\n", "is not a non-negative integer"),
            ("a\nb\n", "line 1: not a vocabulary file"),
            ("", "not a vocabulary file"),
        ]
        for (text, fragment) in cases {
            let path = writeTextFile(text, "vocabulary.txt")
            expectFileError(path, containing: fragment) { _ = try Vocabulary.read(path) }
        }
        #expect(throws: UsageError.self) { try Vocabulary(terms: ["a", "a"]) }
        #expect(throws: UsageError.self) { try Vocabulary(terms: ["a\nb"]) }
        #expect(throws: UsageError.self) { try Vocabulary(terms: [""]) }
    }

    @Test func travelsInMetadata() throws {
        let vocabulary = try Vocabulary(terms: ["great", "bad"])
        var metadata = vocabulary.metadata()
        metadata["seed"] = "1"
        #expect(metadata["vocabulary"] == vocabulary.text)
        #expect(try Vocabulary(metadata: metadata, source: "model.safetensors") == vocabulary)
        // Through a real safetensors file and back.
        let path = TestSupport.temporaryDirectory() + "/model.safetensors"
        try FileIO.writeAtomically(SafeTensors(metadata: metadata).encoded(), to: path)
        #expect(try Vocabulary(metadata: SafeTensors.read(path).metadata, source: path) == vocabulary)
        expectFileError("m", containing: "metadata has no \"vocabulary\" entry") { _ = try Vocabulary(metadata: ["seed": "1"], source: "m") }
        expectFileError("m (metadata \"vocabulary\")", containing: "already on line") {
            _ = try Vocabulary(metadata: ["vocabulary": "rectifier-vocabulary 1 2\nx\nx\n"], source: "m")
        }
    }
}
