import CZlib

/// gzip decompression through the system zlib.
public enum Gzip {
    /// True when `bytes` start with the gzip magic number 1f 8b.
    public static func isCompressed(_ bytes: [UInt8]) -> Bool {
        bytes.count >= 2 && bytes[0] == 0x1F && bytes[1] == 0x8B
    }

    /// Inflates a gzip stream, refusing to produce more than `limit` bytes (a guard against
    /// decompression bombs). `path` names the file in errors.
    public static func decompress(_ bytes: [UInt8], path: String, limit: Int = FileIO.defaultSizeLimit) throws -> [UInt8] {
        // The gzip trailer's ISIZE (size mod 2^32) is a good first guess for the output size;
        // only a guess (readAll bounds it by the limit and by deflate's 1032:1 ratio, so a
        // forged trailer cannot make this allocate gigabytes).
        var expected = 1 << 16
        if bytes.count >= 18 {
            let n = bytes.count
            expected = max(expected, Int(bytes[n - 4]) | Int(bytes[n - 3]) << 8 | Int(bytes[n - 2]) << 16 | Int(bytes[n - 1]) << 24)
        }
        var stream = try GzipStream(MemoryStream(bytes, path: path))
        return try stream.readAll(limit: limit, expectedSize: expected)
    }
}

extension Gzip {
    /// Compresses `bytes` into a gzip stream (header without a timestamp, so the output is
    /// the same for the same input).
    public static func compress(_ bytes: [UInt8], level: Int32 = 6) -> [UInt8] {
        var stream = z_stream()
        // 15 + 16: maximum window, gzip wrapper.
        guard deflateInit2_(&stream, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY, ZLIB_VERSION,
                            Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            preconditionFailure("zlib deflateInit2 failed")
        }
        defer { deflateEnd(&stream) }
        var out = [UInt8](repeating: 0, count: Int(deflateBound(&stream, UInt(bytes.count))) + 32)
        let produced = bytes.withUnsafeBufferPointer { input in
            out.withUnsafeMutableBufferPointer { o in
                stream.next_in = UnsafeMutablePointer(mutating: input.baseAddress)
                stream.avail_in = UInt32(input.count)
                stream.next_out = o.baseAddress
                stream.avail_out = UInt32(o.count)
                let status = deflate(&stream, Z_FINISH)
                precondition(status == Z_STREAM_END, "zlib deflate did not finish in one call")
                return o.count - Int(stream.avail_out)
            }
        }
        return Array(out.prefix(produced))
    }
}
