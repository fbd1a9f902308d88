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
        var stream = z_stream()
        // 15 + 32: maximum window, detect the gzip/zlib header automatically.
        guard inflateInit2_(&stream, 15 + 32, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw FileError(path, "zlib could not be initialised")
        }
        defer { inflateEnd(&stream) }
        // The gzip trailer's ISIZE (size mod 2^32) is a good first guess for the output size.
        var expected = 1 << 16
        if bytes.count >= 18 {
            let n = bytes.count
            let isize = Int(bytes[n - 4]) | Int(bytes[n - 3]) << 8 | Int(bytes[n - 2]) << 16 | Int(bytes[n - 1]) << 24
            // ISIZE is only a hint (a forged trailer must not make us allocate gigabytes): deflate
            // cannot expand more than 1032:1.
            expected = max(expected, min(isize, limit, bytes.count.multipliedReportingOverflow(by: 1032).partialValue))
        }
        var out = [UInt8](repeating: 0, count: expected)
        var produced = 0
        var status: Int32 = Z_OK
        try bytes.withUnsafeBufferPointer { input in
            guard input.count <= Int(UInt32.max) else { throw FileError(path, "gzip files of 4 GiB or more are not supported") }
            stream.next_in = UnsafeMutablePointer(mutating: input.baseAddress)
            stream.avail_in = UInt32(input.count)
            while status == Z_OK {
                if produced == out.count {
                    guard out.count < limit else {
                        throw FileError(path, "decompresses to more than the limit of \(limit) bytes")
                    }
                    out.append(contentsOf: repeatElement(0, count: min(out.count, limit - out.count)))
                }
                status = out.withUnsafeMutableBufferPointer { o in
                    stream.next_out = o.baseAddress! + produced
                    stream.avail_out = UInt32(min(o.count - produced, Int(UInt32.max)))
                    let before = stream.avail_out
                    let s = inflate(&stream, Z_NO_FLUSH)
                    produced += Int(before - stream.avail_out)
                    return s
                }
                if status == Z_BUF_ERROR && stream.avail_in == 0 {
                    throw FileError(path, "truncated gzip stream (ends after \(produced) bytes of output)")
                }
                if status == Z_BUF_ERROR { status = Z_OK }  // output full: grow and go on
            }
        }
        guard status == Z_STREAM_END else {
            let reason = stream.msg.map { String(cString: $0) } ?? "zlib error \(status)"
            throw FileError(path, "corrupt gzip stream: \(reason)")
        }
        out.removeSubrange(produced...)
        return out
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
