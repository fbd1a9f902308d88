/// A binary matrix file read one record (slice along the first dimension) at a time, for files
/// too large to hold: jittered-cluttered NORB's `-dat` files are 29,160 stereo pairs of
/// 2x108x108 bytes each, 6.8 GB in all. Memory stays at about 1 MiB of records whatever the
/// file's size.
public struct BinaryMatrixReader {
    /// The file's header, read and checked when the reader is made.
    public let header: BinaryMatrixHeader
    private var input: any ByteStream

    /// Opens `path` (raw or gzip-compressed) and reads its header; data of more than `limit`
    /// bytes is refused.
    public init(_ path: String, limit: Int = FileIO.defaultSizeLimit) throws {
        try self.init(from: Gzip.open(path), limit: limit)
    }

    /// Reads the header from `input`; the records follow it there.
    public init(from input: any ByteStream, limit: Int = FileIO.defaultSizeLimit) throws {
        var input = input
        header = try BinaryMatrixHeader.read(from: &input, limit: limit)
        guard header.dataSize <= input.maximumRemaining else {
            throw FileError(input.path, "truncated: the header declares \(header.dataSize) bytes of data, "
                            + "the file holds at most \(input.maximumRemaining)")
        }
        self.input = input
    }

    /// Calls `body` with each record's index and elements, in order, then checks that the
    /// input ends after the last. `T` must be the file's element type. The buffer is valid only
    /// during the call. Throws (after the records before it were visited) when the input is
    /// cut short or goes on past the declared data; an error thrown by `body` stops the reading.
    public consuming func forEachRecord<T: BinaryMatrixScalar>(
        as _: T.Type, _ body: (_ index: Int, _ record: UnsafeBufferPointer<T>) throws -> Void
    ) throws {
        guard T.binaryMatrixType == header.elementType else {
            throw FileError(input.path, "holds \(header.elementType) elements, read as \(T.binaryMatrixType)")
        }
        let recordElements = header.recordElements
        let recordBytes = recordElements * MemoryLayout<T>.stride
        let perChunk = max(1, (1 << 20) / recordBytes)
        let chunk = UnsafeMutableRawBufferPointer.allocate(byteCount: perChunk * recordBytes, alignment: MemoryLayout<T>.alignment)
        defer { chunk.deallocate() }
        let records = chunk.bindMemory(to: T.self)
        var index = 0
        while index < header.recordCount {
            let want = min(perChunk, header.recordCount - index) * recordBytes
            let got = try input.readFully(into: UnsafeMutableRawBufferPointer(rebasing: chunk[..<want]))
            for r in 0..<(got / recordBytes) {
                try body(index + r, UnsafeBufferPointer(rebasing: records[(r * recordElements)..<((r + 1) * recordElements)]))
            }
            guard got == want else { throw header.truncated(input.path, record: index + got / recordBytes) }
            index += want / recordBytes
        }
        guard try input.atEnd() else {
            throw FileError(input.path, "unexpected bytes after the \(header.dataSize) bytes of data declared by the header")
        }
    }
}
