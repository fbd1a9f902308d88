import Foundation
import Rectifier
import Testing

/// CIFAR-10's binary batches, written here in the real format (a few records per file), read
/// from files, gzip files, a directory and a .tar.gz laid out like cifar-10-binary.tar.gz.
@Suite struct CIFARTests {
    let dir = TestSupport.temporaryDirectory()
    static let names = ["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"]
    static let meta = Array((names.joined(separator: "\n") + "\n\n").utf8)

    /// `count` records; pixel (channel c, row y, column x) of image i is (i + 3c + 5y + 7x) mod 256.
    static func batch(_ count: Int, firstLabel: Int = 0) -> CIFAR10Batch {
        var pixels: [UInt8] = []
        for i in 0..<count {
            for c in 0..<3 { for y in 0..<32 { for x in 0..<32 { pixels.append(UInt8((i + 3 * c + 5 * y + 7 * x) % 256)) } } }
        }
        return CIFAR10Batch(pixels: pixels, labels: (0..<count).map { UInt8((firstLabel + $0) % 10) })
    }

    @Test func recordLayoutIsLabelThenChannelMajorPixels() throws {
        let b = Self.batch(3, firstLabel: 7)
        let bytes = b.encoded()
        #expect(bytes.count == 3 * 3073)
        // record 1: label 8, then R plane, G plane, B plane, each row-major
        #expect(bytes[3073] == 8)
        #expect(bytes[3073 + 1 + 0 * 1024 + 2 * 32 + 5] == UInt8((1 + 0 + 10 + 35) % 256))  // R(2, 5)
        #expect(bytes[3073 + 1 + 2 * 1024 + 31 * 32 + 31] == UInt8((1 + 6 + 155 + 217) % 256))  // B(31, 31)
        let read = try CIFAR10Batch.read(FormatTestSupport.write(bytes, "data_batch_1.bin", in: dir))
        #expect(read == b)
        #expect(read.labels == [7, 8, 9])
        #expect(read.pixels[1 * 3072 + 2 * 1024 + 31 * 32 + 31] == UInt8((1 + 6 + 155 + 217) % 256))
    }

    @Test func anyWholeNumberOfRecordsRawOrGzip() throws {
        for count in [1, 2, 300] {
            let b = Self.batch(count)
            #expect(try CIFAR10Batch.read(FormatTestSupport.write(b.encoded(), "b\(count).bin", in: dir)) == b)
            #expect(try CIFAR10Batch.read(FormatTestSupport.write(Gzip.compress(b.encoded()), "b\(count).bin.gz", in: dir)) == b)
        }
        var trickle = TricklingStream(Self.batch(3).encoded(), path: "t", piece: 1000)
        #expect(try CIFAR10Batch.read(from: &trickle, size: nil) == Self.batch(3))
    }

    @Test func truncatedFilesAreRefused() throws {
        let bytes = Array(Self.batch(2).encoded().dropLast())
        let raw = FormatTestSupport.write(bytes, "cut.bin", in: dir)
        FormatTestSupport.expectError(path: raw, containing: "truncated: 6145 bytes is not a whole number of 3073-byte records (1 records and 3072 bytes)") {
            _ = try CIFAR10Batch.read(raw)
        }
        let gz = FormatTestSupport.write(Gzip.compress(Array(bytes.prefix(3073 + 100))), "cut.bin.gz", in: dir)
        FormatTestSupport.expectError(path: gz, containing: "truncated: ends 100 bytes into record 1") {
            _ = try CIFAR10Batch.read(gz)
        }
        let empty = FormatTestSupport.write([], "empty.bin", in: dir)
        #expect(try CIFAR10Batch.read(empty).count == 0, "zero records is a whole number")
    }

    @Test func labelsOutsideZeroToNineAreRefused() {
        var bytes = Self.batch(3).encoded()
        bytes[2 * 3073] = 10
        let path = FormatTestSupport.write(bytes, "bad.bin", in: dir)
        FormatTestSupport.expectError(path: path, containing: "record 2: label 10 is not a class 0-9") { _ = try CIFAR10Batch.read(path) }
    }

    @Test func oversizedFilesAreRefusedBeforeReading() {
        let path = FormatTestSupport.write(Self.batch(2).encoded(), "two.bin", in: dir)
        FormatTestSupport.expectError(path: path, containing: "exceeds the limit of 4000 bytes") { _ = try CIFAR10Batch.read(path, limit: 4000) }
        let gz = FormatTestSupport.write(Gzip.compress(Self.batch(2).encoded()), "two.bin.gz", in: dir)
        FormatTestSupport.expectError(path: gz, containing: "more than the limit of 4000 bytes") { _ = try CIFAR10Batch.read(gz, limit: 4000) }
    }

    @Test func classNames() throws {
        #expect(try CIFAR10Binary.classNames(Self.meta, path: "m") == Self.names)
        let crlf = Array((Self.names.joined(separator: "\r\n") + "\r\n").utf8)
        #expect(try CIFAR10Binary.classNames(crlf, path: "m") == Self.names)
        FormatTestSupport.expectError(path: "m", containing: "9 class names, expected 10") {
            _ = try CIFAR10Binary.classNames(Array(Self.names.dropLast().joined(separator: "\n").utf8), path: "m")
        }
        FormatTestSupport.expectError(path: "m", containing: "line 3: empty class name") {
            _ = try CIFAR10Binary.classNames(Array("a\nb\n\nc\n".utf8), path: "m")
        }
        FormatTestSupport.expectError(path: "m", containing: "not UTF-8") { _ = try CIFAR10Binary.classNames([0xFF, 0xFE], path: "m") }
    }

    /// The seven files, batch k with k + 1 records (so a mix-up of files shows).
    static var files: [(name: String, contents: [UInt8])] {
        CIFAR10Binary.trainingFiles.enumerated().map { ($1, batch($0 + 1, firstLabel: $0).encoded()) }
            + [(CIFAR10Binary.testFile, batch(2, firstLabel: 5).encoded()), (CIFAR10Binary.metaFile, meta)]
    }

    static func expected() -> CIFAR10Files {
        CIFAR10Files(training: (0..<5).map { batch($0 + 1, firstLabel: $0) }, test: batch(2, firstLabel: 5), classNames: names)
    }

    @Test func directoryOfTheFiles() throws {
        for file in Self.files { FormatTestSupport.write(file.contents, file.name, in: dir) }
        #expect(try CIFAR10Binary.read(directory: dir) == Self.expected())
        try FileManager.default.removeItem(atPath: dir + "/data_batch_4.bin")
        FormatTestSupport.expectError(path: dir + "/data_batch_4.bin", containing: "no such file") { _ = try CIFAR10Binary.read(directory: dir) }
        FormatTestSupport.expectError(path: dir + "/none", containing: "no such directory") { _ = try CIFAR10Binary.read(directory: dir + "/none") }
    }

    @Test func straightFromTheTarGz() throws {
        // In the real archive's spirit: a folder entry, a readme, the files in a shuffled order.
        var members = [("cifar-10-batches-bin/readme.html", Array("<html/>".utf8))]
        members += Self.files.reversed().map { ("cifar-10-batches-bin/" + $0.name, $0.contents) }
        members.append(("other/data_batch_1.bin", Self.batch(1).encoded()))
        let path = FormatTestSupport.write(Gzip.compress(TarWriter.archive(members)), "cifar-10-binary.tar.gz", in: dir)
        #expect(try CIFAR10Binary.read(archive: path) == Self.expected())

        let noTest = members.filter { !$0.0.hasSuffix(CIFAR10Binary.testFile) }
        let missing = FormatTestSupport.write(Gzip.compress(TarWriter.archive(noTest)), "missing.tar.gz", in: dir)
        FormatTestSupport.expectError(path: missing, containing: "has no cifar-10-batches-bin/test_batch.bin") {
            _ = try CIFAR10Binary.read(archive: missing)
        }
        var badLabel = members
        badLabel[2].1[0] = 200
        let bad = FormatTestSupport.write(Gzip.compress(TarWriter.archive(badLabel)), "bad.tar.gz", in: dir)
        FormatTestSupport.expectError(path: bad + "(\(badLabel[2].0))", containing: "record 0: label 200") {
            _ = try CIFAR10Binary.read(archive: bad)
        }
        var cutMember = members
        cutMember[3].1.removeLast(5)
        let cut = FormatTestSupport.write(Gzip.compress(TarWriter.archive(cutMember)), "cut.tar.gz", in: dir)
        FormatTestSupport.expectError(path: cut + "(\(cutMember[3].0))", containing: "not a whole number of 3073-byte records") {
            _ = try CIFAR10Binary.read(archive: cut)
        }
        let twice = FormatTestSupport.write(TarWriter.archive(members + [members[1]]), "twice.tar", in: dir)
        FormatTestSupport.expectError(path: twice, containing: "holds \"cifar-10-batches-bin/batches.meta.txt\" twice") {
            _ = try CIFAR10Binary.read(archive: twice)
        }
    }
}
