import Foundation
import Rectifier
import Testing

/// LeCun's binary matrix format (the NORB files): every element type, written here, read whole
/// and record by record, raw and gzip; broken headers and data refused with the file named.
@Suite struct BinaryMatrixTests {
    let dir = TestSupport.temporaryDirectory()

    /// One small matrix of every element type, of 1 to 5 dimensions.
    static let samples: [BinaryMatrix] = [
        BinaryMatrix(shape: [2, 3], elements: .float32([0, 1.5, -2, .infinity, 1e-30, 3.25])),
        BinaryMatrix(shape: [4], elements: .float64([.pi, -1, 0, 1e300])),
        BinaryMatrix(shape: [2, 2, 2, 2], elements: .int32((0..<16).map { Int32($0) * 1_000_000 - 7 })),
        BinaryMatrix(shape: [3, 2, 2, 5, 1], elements: .uint8((0..<60).map { UInt8($0 * 4) })),
        BinaryMatrix(shape: [5, 1], elements: .int16([-32768, -1, 0, 1, 32767])),
    ]

    @Test func headerLayoutMatchesTheNORBFiles() {
        // small NORB's -cat files: int32, ndim 1, dims 24300 1 1
        let cat = BinaryMatrixHeader(elementType: .int32, shape: [24300]).encoded()
        #expect(cat == [0x54, 0x4C, 0x3D, 0x1E, 1, 0, 0, 0, 0xEC, 0x5E, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0])
        // -dat files: bytes, ndim 4, dims 24300 2 96 96: the fourth dimension follows the three
        let dat = BinaryMatrixHeader(elementType: .uint8, shape: [24300, 2, 96, 96])
        #expect(dat.encoded() == [0x55, 0x4C, 0x3D, 0x1E, 4, 0, 0, 0, 0xEC, 0x5E, 0, 0, 2, 0, 0, 0, 96, 0, 0, 0, 96, 0, 0, 0])
        #expect(dat.size == 24 && dat.recordCount == 24300 && dat.recordElements == 2 * 96 * 96)
        #expect(dat.dataSize == 24300 * 2 * 96 * 96)
    }

    /// The unused dimensions of a matrix of fewer than three are written as 1 but take no part
    /// in the shape; a file with other values there reads the same.
    @Test func unusedDimensionsAreNotPartOfTheShape() throws {
        var s = MemoryStream(Self.header([0x1E3D4C55, 1, 5, 256, 0]) + [1, 2, 3, 4, 5], path: "odd")
        #expect(try BinaryMatrix.read(from: &s) == BinaryMatrix(shape: [5], elements: .uint8([1, 2, 3, 4, 5])))
    }

    @Test func everyElementTypeRoundTripsRawAndGzip() throws {
        for (i, m) in Self.samples.enumerated() {
            let raw = FormatTestSupport.write(m.encoded(), "m\(i).mat", in: dir)
            let gz = FormatTestSupport.write(Gzip.compress(m.encoded()), "m\(i).mat.gz", in: dir)
            #expect(try BinaryMatrix.read(raw) == m)
            #expect(try BinaryMatrix.read(gz) == m)
        }
        #expect(Self.samples[0].elements.values(as: Float.self)?[2] == -2)
        #expect(Self.samples[0].elements.values(as: Int32.self) == nil)
        // the element bytes are little-endian
        #expect(Array(Self.samples[4].encoded().suffix(10)) == [0x00, 0x80, 0xFF, 0xFF, 0, 0, 1, 0, 0xFF, 0x7F])
    }

    /// Collects the records of `path` as arrays.
    static func records<T: BinaryMatrixScalar>(_ reader: BinaryMatrixReader, as type: T.Type) throws -> [[T]] {
        var out: [[T]] = []
        try reader.forEachRecord(as: type) { index, record in
            #expect(index == out.count)
            out.append(Array(record))
        }
        return out
    }

    @Test func recordByRecordGivesTheSameElements() throws {
        let bytes = Self.samples[3]
        let path = FormatTestSupport.write(Gzip.compress(bytes.encoded()), "u8.mat.gz", in: dir)
        let reader = try BinaryMatrixReader(path)
        #expect(reader.header == bytes.header)
        let records = try Self.records(reader, as: UInt8.self)
        #expect(records.count == 3 && records.allSatisfy { $0.count == 20 })
        #expect(records.flatMap { $0 } == bytes.elements.values(as: UInt8.self))
        let floats = Self.samples[0]
        let f = try Self.records(BinaryMatrixReader(FormatTestSupport.write(floats.encoded(), "f.mat", in: dir)), as: Float.self)
        #expect(f == [[0, 1.5, -2], [.infinity, 1e-30, 3.25]])
        // many records across several 1 MiB chunks, delivered a few bytes at a time
        let big = BinaryMatrix(shape: [3000, 400], elements: .int16((0..<1_200_000).map { Int16(truncatingIfNeeded: $0 &* 31) }))
        let trickle = TricklingStream(big.encoded(), path: "big", piece: 4093)
        let rows = try Self.records(BinaryMatrixReader(from: trickle), as: Int16.self)
        #expect(rows.count == 3000 && rows[2999] == Array(big.elements.values(as: Int16.self)!.suffix(400)))
    }

    @Test func readingAsTheWrongTypeIsRefused() throws {
        let path = FormatTestSupport.write(Self.samples[3].encoded(), "u8.mat", in: dir)
        FormatTestSupport.expectError(path: path, containing: "holds uint8 elements, read as float32") {
            _ = try Self.records(BinaryMatrixReader(path), as: Float.self)
        }
    }

    @Test func truncatedDataIsRefused() throws {
        let m = Self.samples[2]  // 2 records of 8 int32
        let cut = Array(m.encoded().dropLast(4))
        let raw = FormatTestSupport.write(cut, "cut.mat", in: dir)
        FormatTestSupport.expectError(path: raw, containing: "truncated: the header declares 64 bytes of data, the file holds at most 60") {
            _ = try BinaryMatrix.read(raw)
        }
        FormatTestSupport.expectError(path: raw, containing: "the file holds at most 60") { _ = try BinaryMatrixReader(raw) }
        let gz = FormatTestSupport.write(Gzip.compress(cut), "cut.mat.gz", in: dir)
        FormatTestSupport.expectError(path: gz, containing: "truncated: ends inside record 1 of the 2 declared by the header (2x2x2x2 int32)") {
            _ = try BinaryMatrix.read(gz)
        }
        var visited = 0
        FormatTestSupport.expectError(path: gz, containing: "ends inside record 1") {
            try BinaryMatrixReader(gz).forEachRecord(as: Int32.self) { _, _ in visited += 1 }
        }
        #expect(visited == 1, "the whole record before the cut was visited")
        FormatTestSupport.expectError(path: "h", containing: "truncated: 12 bytes, too short for a binary matrix header") {
            var s = MemoryStream(Array(m.encoded().prefix(12)), path: "h")
            _ = try BinaryMatrix.read(from: &s)
        }
        FormatTestSupport.expectError(path: "h", containing: "truncated: 22 bytes, the header of 4 dimensions needs 24") {
            var s = MemoryStream(Array(m.encoded().prefix(22)), path: "h")
            _ = try BinaryMatrix.read(from: &s)
        }
    }

    @Test func trailingBytesAreRefused() {
        let path = FormatTestSupport.write(Self.samples[1].encoded() + [0], "long.mat", in: dir)
        FormatTestSupport.expectError(path: path, containing: "unexpected bytes after the 32 bytes") { _ = try BinaryMatrix.read(path) }
        FormatTestSupport.expectError(path: path, containing: "unexpected bytes after the 32 bytes") {
            _ = try Self.records(BinaryMatrixReader(path), as: Double.self)
        }
    }

    static func header(_ words: [Int32]) -> [UInt8] { words.withUnsafeBytes { Array($0) } }

    @Test func badHeadersAreRefused() {
        let cases: [([UInt8], String)] = [
            (Self.header([0x1E3D4C57, 1, 1, 1, 1]) + [0], "not a binary matrix file (magic number 0x1E3D4C57"),
            (Array("P5\n108 108\n255\n".utf8) + [0, 0, 0, 0, 0], "not a binary matrix file"),
            (Self.header([0x1E3D4C52, 1, 4, 1, 1]) + [0, 0, 0, 0], "packed binary matrices (magic 0x1E3D4C52) are not supported"),
            (Self.header([0x1E3D4C55, 0, 1, 1, 1]), "declares 0 dimensions"),
            (Self.header([0x1E3D4C55, 9, 1, 1, 1]), "declares 9 dimensions"),
            (Self.header([0x1E3D4C55, 2, 3, -5, 1]), "dimension 1 is -5"),
            (Self.header([0x1E3D4C55, 2, 3, 0, 1]), "dimension 1 is 0"),
            (Self.header([0x1E3D4C51, 4, .max, .max, .max, .max]), "absurd size"),
        ]
        for (i, (bytes, fragment)) in cases.enumerated() {
            let path = FormatTestSupport.write(bytes, "bad\(i).mat", in: dir)
            FormatTestSupport.expectError(path: path, containing: fragment) { _ = try BinaryMatrix.read(path) }
            FormatTestSupport.expectError(path: path, containing: fragment) { _ = try BinaryMatrixReader(path) }
        }
    }

    /// A small .mat.gz declaring 10 records of 4 bytes and holding 64 MB of zeros after them:
    /// refused once the stream passes the 40 declared bytes.
    @Test func gzipBombIsRefusedAtTheDeclaredSize() {
        let head = BinaryMatrixHeader(elementType: .uint8, shape: [10, 4]).encoded()
        let path = FormatTestSupport.write(FormatTestSupport.gzipBomb(head: head, zeros: 64 << 20), "bomb.mat.gz", in: dir)
        FormatTestSupport.expectError(path: path, containing: "unexpected bytes after the 40 bytes") { _ = try BinaryMatrix.read(path) }
        FormatTestSupport.expectError(path: path, containing: "unexpected bytes after the 40 bytes") {
            _ = try Self.records(BinaryMatrixReader(path), as: UInt8.self)
        }
    }
}
