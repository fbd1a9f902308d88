import CZlib
import Foundation
import Rectifier
import Testing

/// Helpers for the file-format tests: writing files, expecting a refusal, odd streams, bombs.
enum FormatTestSupport {
    /// Writes `bytes` to `dir/name` and returns the path.
    @discardableResult
    static func write(_ bytes: [UInt8], _ name: String, in dir: String) -> String {
        let path = dir + "/" + name
        try? FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        _ = FileManager.default.createFile(atPath: path, contents: Data(bytes))
        return path
    }

    /// Expects `body` to throw a FileError naming `path` (when given) whose problem contains
    /// `fragment`.
    static func expectError(path: String?, containing fragment: String, sourceLocation: SourceLocation = #_sourceLocation,
                            _ body: () throws -> Void) {
        do {
            try body()
            Issue.record("accepted; expected an error containing '\(fragment)'", sourceLocation: sourceLocation)
        } catch let error as FileError {
            if let path { #expect(error.path == path, "\(error)", sourceLocation: sourceLocation) }
            #expect(error.problem.contains(fragment), "\(error)", sourceLocation: sourceLocation)
        } catch {
            Issue.record("unexpected error \(error)", sourceLocation: sourceLocation)
        }
    }

    /// A single-member gzip stream of `head` followed by `zeros` zero bytes, written without
    /// ever holding the zeros: one megabyte of zeros is deflated once, ended by a full flush
    /// (byte-aligned, no references back), and that block repeated. The stream ends where
    /// the zeros do, without the gzip trailer: a reader that inflates it whole runs into a
    /// truncation only after producing everything.
    static func gzipBomb(head: [UInt8], zeros: Int) -> [UInt8] {
        let megabyte = 1 << 20
        precondition(zeros % megabyte == 0)
        var stream = z_stream()
        precondition(deflateInit2_(&stream, 9, Z_DEFLATED, 15 + 16, 9, Z_DEFAULT_STRATEGY, ZLIB_VERSION,
                                   Int32(MemoryLayout<z_stream>.size)) == Z_OK)
        defer { deflateEnd(&stream) }
        func deflated(_ input: [UInt8]) -> [UInt8] {
            var out = [UInt8](repeating: 0, count: Int(deflateBound(&stream, UInt(input.count))) + 64)
            let produced = input.withUnsafeBufferPointer { i in
                out.withUnsafeMutableBufferPointer { o in
                    stream.next_in = UnsafeMutablePointer(mutating: i.baseAddress)
                    stream.avail_in = UInt32(i.count)
                    stream.next_out = o.baseAddress
                    stream.avail_out = UInt32(o.count)
                    precondition(deflate(&stream, Z_FULL_FLUSH) == Z_OK && stream.avail_in == 0)
                    return o.count - Int(stream.avail_out)
                }
            }
            return Array(out.prefix(produced))
        }
        let start = deflated(head)
        let block = deflated([UInt8](repeating: 0, count: megabyte))
        var bomb = start
        bomb.reserveCapacity(start.count + block.count * (zeros / megabyte))
        for _ in 0..<(zeros / megabyte) { bomb += block }
        return bomb
    }
}

/// A stream that hands out at most `piece` bytes per read, as a pipe or a slow inflater may:
/// readers must not assume a read fills their buffer.
struct TricklingStream: ByteStream {
    var inner: MemoryStream
    let piece: Int

    init(_ bytes: [UInt8], path: String, piece: Int) {
        inner = MemoryStream(bytes, path: path)
        self.piece = piece
    }

    var path: String { inner.path }
    var maximumRemaining: Int { inner.maximumRemaining }

    mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        try inner.read(into: UnsafeMutableRawBufferPointer(rebasing: buffer.prefix(piece)))
    }
}
