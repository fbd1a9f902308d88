import Foundation

/// One process's ownership of a directory: an exclusive `flock` on `DIRECTORY/.lock`, held
/// until `release()` (or the end of the value's life) and released by the kernel when the
/// process ends in any way, SIGKILL included, so a killed run leaves no claim to clean up.
///
/// Every process that writes a run directory, a cross-validation's directory or a sweep's
/// plan holds its lock while it does; a second one is refused with `DirectoryInUse`
/// (`D: in use by process N (started T)`). The lock file records the holder for that message.
/// It is never removed: a process that removed it could leave two processes holding locks on
/// two different files of one name.
public struct DirectoryLock: ~Copyable {
    /// The lock file's name inside the directory.
    public static let fileName = ".lock"

    /// Who holds a lock: what its lock file records.
    public struct Holder: Codable, Equatable, Sendable {
        public var pid: Int32
        public var host: String
        /// When it took the lock (ISO 8601, UTC).
        public var started: String

        public init(pid: Int32, host: String, started: String) {
            self.pid = pid
            self.host = host
            self.started = started
        }
    }

    /// The directory owned.
    public let directory: String
    private let descriptor: Int32

    /// Takes the lock of `directory`, which must exist. Throws `DirectoryInUse` when another
    /// holder has it (another process, or another `DirectoryLock` of this one), a `FileError`
    /// when the lock file cannot be opened or locked.
    public init(_ directory: String) throws {
        let path = directory + "/" + Self.fileName
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw FileError(directory, "cannot open its lock file \(Self.fileName): \(String(cString: strerror(errno)))") }
        var attempts = 0
        while flock(fd, LOCK_EX | LOCK_NB) != 0 {
            let code = errno
            if code == EINTR { continue }
            guard code == EWOULDBLOCK else {
                close(fd)
                throw FileError(directory, "cannot lock \(Self.fileName): \(String(cString: strerror(code)))")
            }
            // An owner holds the lock exclusively, which a shared lock cannot get past; shared
            // holders are `isHeld` probes, which let go at once (waited for, a little).
            attempts += 1
            guard attempts < 100, flock(fd, LOCK_SH | LOCK_NB) == 0 else {
                close(fd)
                throw DirectoryInUse(directory: directory, holder: Self.holder(path))
            }
            flock(fd, LOCK_UN)
            usleep(1000)
        }
        let holder = Holder(pid: getpid(), host: ProcessInfo.processInfo.hostName, started: Date().formatted(.iso8601))
        // Best effort: the lock itself is the claim; the record only names its holder.
        if let bytes = try? FileIO.jsonEncoder().encode(holder), ftruncate(fd, 0) == 0 {
            _ = bytes.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, 0) }
        }
        self.directory = directory
        descriptor = fd
    }

    deinit {
        // Closing the only descriptor of the open file releases its lock.
        close(descriptor)
    }

    /// Releases the lock (so another process can take the directory).
    public consuming func release() {}

    /// `body`'s result, computed holding the lock of `directory` (see `init`).
    @discardableResult
    public static func holding<Result>(_ directory: String, _ body: () throws -> Result) throws -> Result {
        let lock = try DirectoryLock(directory)
        let result = try body()
        lock.release()
        return result
    }

    /// Whether a process (this one included) holds the lock of `directory`, tried without
    /// waiting and without creating anything. False when the directory or its lock file does
    /// not exist, or the file system cannot lock.
    public static func isHeld(_ directory: String) -> Bool {
        let fd = open(directory + "/" + fileName, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        while flock(fd, LOCK_SH | LOCK_NB) != 0 {
            if errno == EINTR { continue }
            return errno == EWOULDBLOCK
        }
        return false
    }

    /// The holder recorded in the lock file at `path`, or nil when it records none (its holder
    /// may be writing it this moment).
    static func holder(_ path: String) -> Holder? {
        guard let bytes = try? FileIO.read(path, limit: 4096) else { return nil }
        return try? FileIO.jsonDecoder().decode(Holder.self, from: Data(bytes))
    }
}

/// A directory that another holder of its `DirectoryLock` owns.
public struct DirectoryInUse: Error, CustomStringConvertible, Equatable, Sendable {
    public var directory: String
    /// Who holds it, when its lock file says.
    public var holder: DirectoryLock.Holder?

    public init(directory: String, holder: DirectoryLock.Holder?) {
        self.directory = directory
        self.holder = holder
    }

    /// `D: in use by process N (started T)`, with the host when it is another machine's.
    public var description: String {
        guard let holder else { return "\(directory): in use by another process" }
        let host = holder.host == ProcessInfo.processInfo.hostName ? "" : " on \(holder.host)"
        return "\(directory): in use by process \(holder.pid)\(host) (started \(holder.started))"
    }
}
