import CZlib

/// A gzip stream inflated on the fly through the system zlib, piece by piece as it is read, so
/// a reader can stop as soon as the output passes what a header declares: a small file that
/// inflates to gigabytes (a decompression bomb) costs no more than the declared size.
///
/// Concatenated gzip members (as `cat a.gz b.gz` or pigz make) read as one stream; anything
/// else after the last member is refused. A class because zlib's state must stay at one
/// address and is released once, when the last reference goes.
public final class GzipStream: ByteStream {
    private var source: any ByteStream
    private let zlib: UnsafeMutablePointer<z_stream>
    private let input: UnsafeMutableRawBufferPointer
    /// Bytes produced so far, for error messages.
    private var produced = 0
    /// A member has ended and the next one (if any) has not started.
    private var betweenMembers = false
    private var finished = false

    /// Inflates `source`, whose bytes are gzip (or zlib) data.
    public init(_ source: any ByteStream) throws {
        self.source = source
        zlib = .allocate(capacity: 1)
        zlib.initialize(to: z_stream())
        input = .allocate(byteCount: 1 << 16, alignment: 16)
        // 15 + 32: maximum window, detect the gzip/zlib header automatically.
        guard inflateInit2_(zlib, 15 + 32, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            zlib.deallocate()
            input.deallocate()
            throw FileError(source.path, "zlib could not be initialised")
        }
    }

    deinit {
        inflateEnd(zlib)
        zlib.deallocate()
        input.deallocate()
    }

    public var path: String { source.path }

    public var maximumRemaining: Int {
        if finished { return 0 }
        // Deflate expands at most 1032:1; the slack covers a match zlib has decoded but not yet
        // written out.
        let compressed = source.maximumRemaining.addingReportingOverflow(Int(zlib.pointee.avail_in))
        let (bound, overflow) = compressed.partialValue.multipliedReportingOverflow(by: 1032)
        return compressed.overflow || overflow ? Int.max : bound.addingReportingOverflow(1 << 16).partialValue
    }

    public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        guard !finished, let base = buffer.baseAddress, buffer.count > 0 else { return 0 }
        let z = zlib
        z.pointee.next_out = base.assumingMemoryBound(to: UInt8.self)
        z.pointee.avail_out = UInt32(min(buffer.count, Int(UInt32.max)))
        let requested = Int(z.pointee.avail_out)
        while Int(z.pointee.avail_out) == requested {
            var sourceEnded = false
            if z.pointee.avail_in == 0 {
                let n = try source.read(into: input)
                z.pointee.next_in = input.baseAddress!.assumingMemoryBound(to: UInt8.self)
                z.pointee.avail_in = UInt32(n)
                sourceEnded = n == 0
            }
            if betweenMembers {
                if sourceEnded {
                    finished = true
                    break
                }
                guard z.pointee.next_in.pointee == 0x1F else {
                    throw FileError(path, "unexpected bytes after the end of the gzip data (at \(produced) bytes of output)")
                }
                inflateReset(z)
                betweenMembers = false
            }
            let before = z.pointee.avail_out
            let status = inflate(z, Z_NO_FLUSH)
            produced += Int(before - z.pointee.avail_out)
            switch status {
            case Z_STREAM_END:
                betweenMembers = true
            case Z_OK:
                break
            case Z_BUF_ERROR where sourceEnded:
                throw FileError(path, "truncated gzip stream (ends after \(produced) bytes of output)")
            case Z_BUF_ERROR:
                break  // no progress possible until more input is read
            default:
                let reason = z.pointee.msg.map { String(cString: $0) } ?? "zlib error \(status)"
                throw FileError(path, "corrupt gzip stream: \(reason)")
            }
        }
        return requested - Int(z.pointee.avail_out)
    }
}

extension Gzip {
    /// Opens `path` as a stream, inflated on the fly when the file starts with the gzip magic
    /// number, read as it is otherwise.
    public static func open(_ path: String) throws -> any ByteStream {
        let file = try FileStream(path)
        return isCompressed(try file.peekHead(2)) ? try GzipStream(file) : file
    }

    /// `bytes` as a stream, inflated on the fly when they are gzip data; `path` names them in errors.
    public static func stream(_ bytes: [UInt8], path: String) throws -> any ByteStream {
        let memory = MemoryStream(bytes, path: path)
        return isCompressed(bytes) ? try GzipStream(memory) : memory
    }
}
