import Foundation
import Rectifier
import Testing

/// EMNIST ByClass: transposed IDX images read upright, labels 0-61, the mapping file, and the
/// padding of 28x28 characters to the paper's 32x32.
@Suite struct EMNISTTests {
    let dir = TestSupport.temporaryDirectory()

    /// The ByClass mapping: 0-9, A-Z, a-z as ASCII codes.
    static let codes = Array(48...57) + Array(65...90) + Array(97...122)
    static let mappingText = codes.enumerated().map { "\($0) \($1)" }.joined(separator: "\n") + "\n"

    @Test func transposingReadsTheImageUpright() {
        // Stored column by column: the upright 3x2 image [[1, 2], [3, 4], [5, 6]] is stored as the
        // 2x3 [[1, 3, 5], [2, 4, 6]].
        let stored = IDXArray(shape: [2, 2, 3], bytes: [1, 3, 5, 2, 4, 6, 10, 30, 50, 20, 40, 60])
        let upright = EMNIST.transposed(stored)
        #expect(upright.shape == [2, 3, 2])
        #expect(upright.bytes == [1, 2, 3, 4, 5, 6, 10, 20, 30, 40, 50, 60])
        // a square, asymmetric image: an "L" (left column and bottom row)
        let l: [UInt8] = [1, 0, 0,
                          1, 0, 0,
                          1, 1, 1]
        let lStored = EMNIST.transposed(IDXArray(shape: [1, 3, 3], bytes: l))
        #expect(lStored.bytes == [1, 1, 1,
                                  0, 0, 1,
                                  0, 0, 1])
        #expect(EMNIST.transposed(lStored).bytes == l, "transposing twice is the identity")
    }

    @Test func readImagesTransposesAGzipFile() throws {
        let path = FormatTestSupport.write(Gzip.compress(IDXArray(shape: [1, 2, 3], bytes: [1, 3, 5, 2, 4, 6]).encoded()),
                                           "images-idx3-ubyte.gz", in: dir)
        #expect(try EMNIST.readImages(path) == IDXArray(shape: [1, 3, 2], bytes: [1, 2, 3, 4, 5, 6]))
        let labels = FormatTestSupport.write(IDXArray(shape: [3], bytes: [0, 1, 2]).encoded(), "l", in: dir)
        FormatTestSupport.expectError(path: labels, containing: "expected images of rank 3") { _ = try EMNIST.readImages(labels) }
    }

    @Test func labelsAreClassesZeroToSixtyOne() throws {
        let good = FormatTestSupport.write(IDXArray(shape: [3], bytes: [0, 61, 30]).encoded(), "good", in: dir)
        #expect(try EMNIST.readLabels(good) == [0, 61, 30])
        let bad = FormatTestSupport.write(IDXArray(shape: [3], bytes: [0, 62, 30]).encoded(), "bad", in: dir)
        FormatTestSupport.expectError(path: bad, containing: "label 62 at index 1 is not a class 0-61") { _ = try EMNIST.readLabels(bad) }
    }

    @Test func mappingGivesTheCharacters() throws {
        let names = try EMNIST.mapping(Array(Self.mappingText.utf8), path: "m")
        #expect(names.count == 62)
        #expect(names[0] == "0" && names[9] == "9" && names[10] == "A" && names[35] == "Z" && names[36] == "a" && names[61] == "z")
        // any order, CRLF line ends, tabs
        #expect(try EMNIST.mapping(Array("1\t66\r\n0 65\r\n\r\n".utf8), path: "m") == ["A", "B"])
    }

    @Test func brokenMappingsAreRefusedWithTheLine() {
        let cases: [(String, String)] = [
            ("0 48\n1 49\n1 50\n", "line 3: label 1 is mapped twice"),
            ("0 48\n2 50\n", "maps 2 labels but not label 1"),
            ("0 48\n1 10\n", "line 2: 10 is not the code of a printable ASCII character"),
            ("0 48\nA 49\n", "line 2: expected 'label ascii_code', found \"A 49\""),
            ("0 48 49\n", "line 1: expected 'label ascii_code'"),
            ("300 48\n", "line 1: label 300 is not a byte"),
            ("\n\n", "maps no labels"),
        ]
        for (text, fragment) in cases {
            FormatTestSupport.expectError(path: "m.txt", containing: fragment) { _ = try EMNIST.mapping(Array(text.utf8), path: "m.txt") }
        }
        FormatTestSupport.expectError(path: "m.txt", containing: "not UTF-8") { _ = try EMNIST.mapping([0xC3], path: "m.txt") }
    }

    @Test func byClassDirectory() throws {
        let names = EMNIST.fileNames(split: "byclass")
        let train = IDXArray(shape: [2, 2, 3], bytes: [1, 3, 5, 2, 4, 6, 0, 0, 0, 0, 0, 9])
        let test = IDXArray(shape: [1, 2, 3], bytes: [7, 7, 7, 8, 8, 8])
        FormatTestSupport.write(Gzip.compress(train.encoded()), names.trainImages, in: dir)
        FormatTestSupport.write(Gzip.compress(IDXArray(shape: [2], bytes: [10, 61]).encoded()), names.trainLabels, in: dir)
        // an uncompressed file is found under the name without .gz
        FormatTestSupport.write(test.encoded(), String(names.testImages.dropLast(3)), in: dir)
        FormatTestSupport.write(Gzip.compress(IDXArray(shape: [1], bytes: [5]).encoded()), names.testLabels, in: dir)
        FormatTestSupport.write(Array(Self.mappingText.utf8), names.mapping, in: dir)
        let files = try EMNIST.readByClass(directory: dir)
        #expect(files.trainImages == EMNIST.transposed(train) && files.testImages == EMNIST.transposed(test))
        #expect(files.trainLabels == [10, 61] && files.testLabels == [5])
        #expect(files.trainLabels.map { files.classNames[Int($0)] } == ["A", "z"])

        FormatTestSupport.write(Gzip.compress(IDXArray(shape: [3], bytes: [1, 2, 3]).encoded()), names.testLabels, in: dir)
        FormatTestSupport.expectError(path: dir + "/" + names.testLabels, containing: "3 labels for 1 images") {
            _ = try EMNIST.readByClass(directory: dir)
        }
        FormatTestSupport.write(Array("0 48\n1 49\n".utf8), names.mapping, in: dir)
        FormatTestSupport.expectError(path: dir + "/" + names.mapping, containing: "maps 2 labels, ByClass has 62") {
            _ = try EMNIST.readByClass(directory: dir)
        }
        try FileManager.default.removeItem(atPath: dir + "/" + names.mapping)
        FormatTestSupport.expectError(path: dir, containing: "missing EMNIST file emnist-byclass-mapping.txt") {
            _ = try EMNIST.readByClass(directory: dir)
        }
    }

    @Test func paddingTo32x32Centres() throws {
        // 28x28 → 32x32: pixel (y, x) moves to (y + 2, x + 2); the 2-pixel border is the fill.
        let image = (0..<784).map { UInt8($0 % 251 + 1) }
        let padding = try ImagePadding(sourceHeight: 28, sourceWidth: 28, targetHeight: 32, targetWidth: 32)
        let out = padding.apply(image + image)
        #expect(out.count == 2 * 1024)
        for (y, x) in [(0, 0), (13, 27), (27, 27)] {
            #expect(out[(y + 2) * 32 + x + 2] == image[y * 28 + x])
            #expect(out[1024 + (y + 2) * 32 + x + 2] == image[y * 28 + x])
        }
        let border = (0..<1024).filter { i in i / 32 < 2 || i / 32 >= 30 || i % 32 < 2 || i % 32 >= 30 }
        #expect(border.count == 1024 - 784 && border.allSatisfy { out[$0] == 0 })
        // an odd margin puts the extra pixel below and to the right
        let odd = try ImagePadding(sourceHeight: 1, sourceWidth: 1, targetHeight: 2, targetWidth: 3).apply([9], fill: 4)
        #expect(odd == [4, 9, 4,
                        4, 4, 4])
        #expect(throws: UsageError.self) { try ImagePadding(sourceHeight: 32, sourceWidth: 32, targetHeight: 28, targetWidth: 28) }
    }
}
