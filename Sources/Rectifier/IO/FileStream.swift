import Foundation

/// A file read front to back in pieces, for files too large to hold (the 6.8 GB of
/// jittered-cluttered NORB) or that must not be held before their header is checked.
///
/// A class because it owns an open file descriptor, closed when the last reference goes.
public final class FileStream: ByteStream {
    public let path: String
    /// The file's size when it was opened.
    public let size: Int
    private let descriptor: Int32
    private var offset = 0

    /// Opens `path` for reading; refuses missing files and directories.
    public init(_ path: String) throws {
        var info = stat()
        guard stat(path, &info) == 0 else {
            throw FileError(path, errno == ENOENT ? "no such file" : "cannot be read: \(String(cString: strerror(errno)))")
        }
        guard (info.st_mode & S_IFMT) != S_IFDIR else { throw FileError(path, "is a directory, expected a file") }
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else { throw FileError(path, "cannot be opened: \(String(cString: strerror(errno)))") }
        self.path = path
        self.size = Int(info.st_size)
        self.descriptor = descriptor
    }

    deinit { close(descriptor) }

    public var maximumRemaining: Int { max(0, size - offset) }

    public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        guard let base = buffer.baseAddress, buffer.count > 0 else { return 0 }
        while true {
            let n = pread(descriptor, base, buffer.count, off_t(offset))
            if n >= 0 {
                offset += n
                return n
            }
            guard errno == EINTR else { throw FileError(path, "read failed: \(String(cString: strerror(errno)))") }
        }
    }

    /// The first `count` bytes of the file (fewer if it is shorter), without moving the
    /// position: to tell a gzip file by its magic number before choosing how to read it.
    func peekHead(_ count: Int) throws -> [UInt8] {
        var head = [UInt8](repeating: 0, count: count)
        let n = head.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress!, count, 0) }
        guard n >= 0 else { throw FileError(path, "read failed: \(String(cString: strerror(errno)))") }
        return Array(head.prefix(n))
    }
}
