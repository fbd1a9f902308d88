/// Bytes read front to back, in pieces: a file, a gzip stream inflated on the fly, a member of
/// a tar archive. Readers of large files go through a stream so they never hold more than what
/// a header declares, and can stop as soon as the input disagrees with it.
public protocol ByteStream {
    /// What errors name: the file's path, or `archive(member)` for a member of an archive.
    var path: String { get }
    /// An upper bound on the bytes still to come, known without reading them: exact for a
    /// file (unless it changes while read), deflate's 1032:1 bound for a gzip stream. Readers
    /// allocate no more than this, so a header declaring more than the input can hold costs
    /// nothing before it is found out.
    var maximumRemaining: Int { get }
    /// Reads up to `buffer.count` bytes into `buffer` and returns how many; 0 only at the end.
    mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int
}

extension ByteStream {
    /// Fills `buffer` as far as the input goes; fewer than `buffer.count` bytes only at the end.
    public mutating func readFully(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        var filled = 0
        while filled < buffer.count {
            let n = try read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[filled...]))
            if n == 0 { break }
            filled += n
        }
        return filled
    }

    /// The next `count` bytes, or fewer when the input ends first. Allocates for no more than
    /// `maximumRemaining` up front and grows only with what arrives, so a count taken from a
    /// forged header costs nothing for data that is not there.
    public mutating func read(upTo count: Int) throws -> [UInt8] {
        try read(upTo: count, firstPiece: min(count, maximumRemaining))
    }

    /// Everything left, refusing input that goes on past `limit` bytes. `expectedSize` (e.g.
    /// a size recorded in the file) is the first allocation; the buffer grows from there.
    public mutating func readAll(limit: Int, expectedSize: Int = 1 << 16) throws -> [UInt8] {
        let bytes = try read(upTo: limit, firstPiece: min(expectedSize, limit, maximumRemaining))
        guard try bytes.count < limit || atEnd() else {
            throw FileError(path, "holds more than the limit of \(limit) bytes")
        }
        return bytes
    }

    /// Up to `count` bytes, read straight into arrays: `firstPiece` bytes, then pieces as large
    /// as what has arrived so far (doubling, never past `count`).
    mutating func read(upTo count: Int, firstPiece: Int) throws -> [UInt8] {
        var out = try readPiece(max(0, firstPiece))
        var full = out.count == firstPiece
        while full && out.count < count {
            let size = min(count - out.count, max(out.count, 1 << 16))
            let piece = try readPiece(size)
            out.append(contentsOf: piece)
            full = piece.count == size
        }
        return out
    }

    private mutating func readPiece(_ size: Int) throws -> [UInt8] {
        try [UInt8](unsafeUninitializedCapacity: size) { buffer, count in
            count = try readFully(into: UnsafeMutableRawBufferPointer(buffer))
        }
    }

    /// Reads and discards `count` bytes; returns how many there were (fewer only at the end).
    public mutating func skip(_ count: Int) throws -> Int {
        var skipped = 0
        var scratch = [UInt8](repeating: 0, count: min(count, 1 << 16))
        try scratch.withUnsafeMutableBytes { buffer in
            while skipped < count {
                let n = try read(into: UnsafeMutableRawBufferPointer(rebasing: buffer.prefix(count - skipped)))
                if n == 0 { break }
                skipped += n
            }
        }
        return skipped
    }

    /// True when the input ends here. Reads (and discards) at most one byte, so it is meant
    /// for the last check of a reader: that nothing follows the declared data.
    public mutating func atEnd() throws -> Bool {
        var byte: UInt8 = 0
        return try withUnsafeMutableBytes(of: &byte) { try read(into: $0) } == 0
    }
}
