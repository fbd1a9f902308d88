/// One member of a tar archive.
public struct TarEntry: Equatable, Sendable {
    /// What a member is. Only regular files carry data readers use; the rest are listed so a
    /// caller can see them, and skipped.
    public enum Kind: Equatable, Sendable {
        case regularFile
        case directory
        /// Links, devices, pax extended headers, ...: the header's type flag (e.g. "2", "x").
        case other(typeFlag: Character)
    }

    /// The member's name inside the archive (e.g. `cifar-10-batches-bin/data_batch_1.bin`).
    public var name: String
    /// Bytes of data.
    public var size: Int
    public var kind: Kind

    public init(name: String, size: Int, kind: Kind) {
        self.name = name
        self.size = size
        self.kind = kind
    }
}

/// Reads a tar archive (POSIX ustar, GNU or v7) front to back from a stream — typically a
/// gzip stream, so a `.tar.gz` is never held whole: `next()` moves to the next member, and the
/// reader itself is then a `ByteStream` over that member's data.
///
/// Long names come from the ustar prefix field or from GNU 'L' entries. Every header's
/// checksum is verified, and a member declaring more than `limit` bytes, or more than the
/// input can hold, is refused before anything is read for it. pax extended headers ('x', 'g')
/// are listed as `.other` and not applied.
public struct TarReader: ByteStream {
    /// The archive, as errors name it.
    public let archivePath: String
    /// The member `next()` last returned; nil before the first and after the last.
    public private(set) var entry: TarEntry?
    private var source: any ByteStream
    private let limit: Int
    /// Bytes of the archive consumed so far (for error messages).
    private var offset = 0
    /// Unread data of the current member, and the zeros that pad it to a whole block.
    private var remaining = 0
    private var padding = 0
    private var ended = false

    /// Reads the archive in `source`; members larger than `limit` bytes are refused.
    public init(_ source: any ByteStream, limit: Int = FileIO.defaultSizeLimit) {
        self.source = source
        self.archivePath = source.path
        self.limit = limit
    }

    /// Opens the archive at `path`, gzip-compressed (`.tar.gz`) or not.
    public static func open(_ path: String, limit: Int = FileIO.defaultSizeLimit) throws -> TarReader {
        TarReader(try Gzip.open(path), limit: limit)
    }

    /// The current member as `archive(member)`, the archive alone between members.
    public var path: String { entry.map { "\(archivePath)(\($0.name))" } ?? archivePath }

    public var maximumRemaining: Int { min(remaining, source.maximumRemaining) }

    /// Reads the current member's data (0 at its end).
    public mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        guard remaining > 0, buffer.count > 0 else { return 0 }
        let n = try source.read(into: UnsafeMutableRawBufferPointer(rebasing: buffer.prefix(remaining)))
        guard n > 0 else {
            throw FileError(path, "truncated archive: the member ends \(remaining) bytes short of its declared size")
        }
        remaining -= n
        offset += n
        return n
    }

    /// Moves to the next member, skipping what is left of the current one; nil at the end of
    /// the archive (its first all-zero block).
    public mutating func next() throws -> TarEntry? {
        if ended { return nil }
        try skipRest()
        entry = nil
        var longName: String?
        while true {
            guard let header = try readHeader() else {
                ended = true
                return nil
            }
            let flag = header.typeFlag
            remaining = header.size
            padding = (TarHeader.blockSize - header.size % TarHeader.blockSize) % TarHeader.blockSize
            switch flag {
            case UInt8(ascii: "L"):
                // GNU long name: the data is the name of the member that follows.
                guard header.size <= 1 << 16 else {
                    throw FileError(archivePath, "tar header at byte \(offset - TarHeader.blockSize): long name of \(header.size) bytes")
                }
                let name = try source.read(upTo: header.size)
                guard name.count == header.size else { throw truncated() }
                offset += name.count
                remaining = 0
                try skipRest()
                longName = TarHeader.text(name[...])
            case UInt8(ascii: "K"):
                try skipRest()  // GNU long link name: links are not read
            default:
                let kind: TarEntry.Kind = switch flag {
                case 0, UInt8(ascii: "0"), UInt8(ascii: "7"): .regularFile
                case UInt8(ascii: "5"): .directory
                default: .other(typeFlag: Character(Unicode.Scalar(flag)))
                }
                entry = TarEntry(name: longName ?? header.name, size: header.size, kind: kind)
                return entry
            }
        }
    }

    /// The next header, nil at the end-of-archive block. Refuses a member that declares more
    /// data than the input can hold.
    private mutating func readHeader() throws -> TarHeader? {
        var block = [UInt8](repeating: 0, count: TarHeader.blockSize)
        let n = try block.withUnsafeMutableBytes { try source.readFully(into: $0) }
        guard n == TarHeader.blockSize else {
            throw FileError(archivePath, n == 0
                ? "truncated: the archive ends at byte \(offset) without its end-of-archive block"
                : "truncated: a tar header at byte \(offset) is cut after \(n) bytes")
        }
        let at = offset
        offset += n
        guard let header = try TarHeader.decode(block, path: archivePath, offset: at, limit: limit) else { return nil }
        guard header.size <= source.maximumRemaining else {
            throw FileError(archivePath, "truncated: member \(ErrorText.quoted(header.name)) (header at byte \(at)) declares \(header.size) bytes, "
                            + "the archive holds at most \(source.maximumRemaining) more")
        }
        return header
    }

    /// Skips the unread data and padding of the current member.
    private mutating func skipRest() throws {
        let count = remaining + padding
        let skipped = try source.skip(count)
        offset += skipped
        guard skipped == count else { throw truncated() }
        remaining = 0
        padding = 0
    }

    private func truncated() -> FileError {
        FileError(archivePath, "truncated: the archive ends inside a member, at byte \(offset)")
    }
}
