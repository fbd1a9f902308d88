import Foundation

/// A download in progress: the hidden `.NAME.part` file that received bytes are appended to,
/// renamed to its final name only once verified, so an interrupted download never leaves a
/// file that looks complete.
final class PartialFile {
    /// Where the bytes go.
    let path: String
    /// Bytes in the file so far.
    private(set) var length: Int64
    private var descriptor: Int32

    /// Opens `path` to continue after its first `keeping` bytes (which must be all of it), or
    /// empties it (creating it if needed) when `keeping` is 0.
    init(_ path: String, keeping: Int64) throws {
        self.path = path
        let flags = keeping > 0 ? O_WRONLY | O_APPEND | O_CLOEXEC : O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC
        descriptor = open(path, flags, 0o644)
        guard descriptor >= 0 else {
            throw DownloadError(path, .writeFailed, "cannot be opened for writing: \(String(cString: strerror(errno)))")
        }
        length = keeping
        if keeping > 0, PartialFile.size(of: path) != keeping {
            Foundation.close(descriptor)
            throw DownloadError(path, .writeFailed, "changed size while being resumed (another download into the same directory?)")
        }
    }

    deinit {
        if descriptor >= 0 { Foundation.close(descriptor) }
    }

    /// Appends `bytes`, all of them or an error.
    func append(_ bytes: UnsafeRawBufferPointer) throws {
        guard let base = bytes.baseAddress else { return }
        var written = 0
        while written < bytes.count {
            let n = write(descriptor, base + written, bytes.count - written)
            if n > 0 {
                written += n
            } else if n < 0 && errno == EINTR {
                continue
            } else {
                let reason = n < 0 ? String(cString: strerror(errno)) : "no progress"
                length += Int64(written)
                throw DownloadError(path, .writeFailed, "write failed after \(length) bytes: \(reason)")
            }
        }
        length += Int64(written)
    }

    /// Flushes the bytes to disk and closes the file.
    func finish() throws {
        defer {
            Foundation.close(descriptor)
            descriptor = -1
        }
        // EINVAL: a file that cannot be synced (a device), so there is nothing to flush.
        guard fsync(descriptor) == 0 || errno == EINVAL else {
            throw DownloadError(path, .writeFailed, "cannot be flushed to disk: \(String(cString: strerror(errno)))")
        }
    }

    /// The size of the file at `path`, or nil when there is none.
    static func size(of path: String) -> Int64? {
        var info = stat()
        guard stat(path, &info) == 0, (info.st_mode & S_IFMT) != S_IFDIR else { return nil }
        return Int64(info.st_size)
    }

    /// Renames the verified `partPath` to `path` (replacing any file there) and makes the rename durable.
    static func promote(_ partPath: String, to path: String) throws {
        guard rename(partPath, path) == 0 else {
            throw DownloadError(path, .writeFailed, "cannot rename \(partPath) to it: \(String(cString: strerror(errno)))")
        }
        let directory = open(URL(fileURLWithPath: path).deletingLastPathComponent().path, O_RDONLY | O_CLOEXEC)
        if directory >= 0 {
            fsync(directory)
            Foundation.close(directory)
        }
    }
}
