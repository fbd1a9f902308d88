/// Bytes already in memory, as a stream (for parsing a buffer with a stream reader, and for
/// fuzzing them).
public struct MemoryStream: ByteStream, Sendable {
    public let path: String
    /// All the bytes, read or not.
    public let bytes: [UInt8]
    /// How many have been read.
    public private(set) var position = 0

    /// A stream over `bytes`; `path` names them in errors.
    public init(_ bytes: [UInt8], path: String) {
        self.bytes = bytes
        self.path = path
    }

    public var maximumRemaining: Int { bytes.count - position }

    public mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        let n = min(buffer.count, bytes.count - position)
        guard n > 0 else { return 0 }
        bytes.withUnsafeBytes { source in
            buffer.baseAddress!.copyMemory(from: source.baseAddress! + position, byteCount: n)
        }
        position += n
        return n
    }
}
