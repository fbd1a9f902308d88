import Foundation
import Rectifier
import Testing

/// The gzip stream: inflating piece by piece gives what whole-buffer inflation gives, across
/// member boundaries and short reads; broken streams are refused with the file named.
@Suite struct GzipStreamTests {
    let dir = TestSupport.temporaryDirectory()
    /// 300 kB that compress, but not to nothing.
    static let data: [UInt8] = (0..<300_000).map { UInt8(truncatingIfNeeded: $0 * 7 + $0 / 1000) }

    func readInPieces(_ stream: inout some ByteStream, piece: Int) throws -> [UInt8] {
        var out: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: piece)
        while true {
            let n = try buffer.withUnsafeMutableBytes { try stream.read(into: $0) }
            if n == 0 { return out }
            out += buffer.prefix(n)
        }
    }

    @Test func smallReadsAndTricklingInputGiveTheData() throws {
        let gz = Gzip.compress(Self.data)
        var stream = try GzipStream(MemoryStream(gz, path: "a.gz"))
        #expect(try readInPieces(&stream, piece: 999) == Self.data)
        var trickled = try GzipStream(TricklingStream(gz, path: "a.gz", piece: 7))
        #expect(try readInPieces(&trickled, piece: 4096) == Self.data)
    }

    @Test func maximumRemainingBoundsTheOutput() throws {
        let zeros = [UInt8](repeating: 0, count: 2_000_000)
        let gz = Gzip.compress(zeros, level: 9)
        let stream = try GzipStream(MemoryStream(gz, path: "zeros.gz"))
        // deflate's ratio is at most 1032:1, so the bound holds even for the most compressible data
        #expect(stream.maximumRemaining >= zeros.count)
        #expect(stream.maximumRemaining <= gz.count * 1032 + (1 << 16))
    }

    @Test func concatenatedMembersReadAsOneStream() throws {
        let a = Array(Self.data.prefix(1000)), b = Array(Self.data.suffix(500))
        let gz = Gzip.compress(a) + Gzip.compress(b)
        #expect(try Gzip.decompress(gz, path: "ab.gz") == a + b)
        var stream = try GzipStream(MemoryStream(gz, path: "ab.gz"))
        #expect(try readInPieces(&stream, piece: 64) == a + b)
    }

    @Test func trailingGarbageIsRefused() {
        let gz = Gzip.compress(Self.data) + [0x50, 0x4B, 0x03]
        FormatTestSupport.expectError(path: "x.gz", containing: "unexpected bytes after the end of the gzip data") {
            _ = try Gzip.decompress(gz, path: "x.gz")
        }
    }

    @Test func truncatedAndCorruptStreamsAreRefused() {
        let gz = Gzip.compress(Self.data)
        FormatTestSupport.expectError(path: "cut.gz", containing: "truncated gzip stream") {
            var s = try GzipStream(MemoryStream(Array(gz.prefix(gz.count / 2)), path: "cut.gz"))
            _ = try readInPieces(&s, piece: 1 << 16)
        }
        FormatTestSupport.expectError(path: "empty.gz", containing: "truncated gzip stream (ends after 0 bytes") {
            _ = try Gzip.decompress([], path: "empty.gz")
        }
        var bad = gz
        for i in 20..<40 { bad[i] ^= 0x5A }
        FormatTestSupport.expectError(path: "bad.gz", containing: "corrupt gzip stream") {
            _ = try Gzip.decompress(bad, path: "bad.gz")
        }
    }

    @Test func outputOverTheLimitIsRefused() {
        FormatTestSupport.expectError(path: "big.gz", containing: "more than the limit of 1000 bytes") {
            _ = try Gzip.decompress(Gzip.compress(Self.data), path: "big.gz", limit: 1000)
        }
        // exactly the limit is fine
        #expect((try? Gzip.decompress(Gzip.compress(Self.data), path: "big.gz", limit: Self.data.count)) == Self.data)
    }

    @Test func openTellsGzipFromRawFiles() throws {
        let raw = FormatTestSupport.write(Self.data, "raw.bin", in: dir)
        let gz = FormatTestSupport.write(Gzip.compress(Self.data), "raw.bin.gz", in: dir)
        var rawStream = try Gzip.open(raw)
        var gzStream = try Gzip.open(gz)
        #expect(rawStream.maximumRemaining == Self.data.count, "a plain file's bound is its size")
        #expect(try rawStream.readAll(limit: 1 << 20) == Self.data)
        #expect(try gzStream.readAll(limit: 1 << 20) == Self.data)
        #expect(gzStream.path == gz)
        FormatTestSupport.expectError(path: dir + "/none", containing: "no such file") { _ = try Gzip.open(dir + "/none") }
        FormatTestSupport.expectError(path: dir, containing: "is a directory") { _ = try Gzip.open(dir) }
    }
}
