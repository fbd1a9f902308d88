/// The IDX format of the MNIST files (LeCun et al.): a 4-byte magic number — two zero bytes,
/// an element-type code, the number of dimensions — then one big-endian UInt32 per dimension,
/// then the elements in row-major order. Rectifier reads unsigned-byte IDX files (type 0x08),
/// raw or gzip-compressed.
public struct IDXArray: Equatable, Sendable {
    /// Dimensions, outermost first (e.g. [60000, 28, 28]).
    public var shape: [Int]
    /// The elements, row-major.
    public var bytes: [UInt8]

    /// Number of items (the first dimension).
    public var count: Int { shape.first ?? 0 }
    /// Elements per item (product of the other dimensions).
    public var itemSize: Int { shape.dropFirst().reduce(1, *) }

    public init(shape: [Int], bytes: [UInt8]) {
        precondition(shape.reduce(1, *) == bytes.count, "IDX shape does not match the data")
        self.shape = shape
        self.bytes = bytes
    }

    /// Reads an IDX file, raw or gzip-compressed. Checks the magic number, the element type,
    /// that every dimension is positive and the declared size is below `limit` bytes, and that
    /// the file holds exactly the declared number of elements. A gzip file is inflated only as
    /// far as the header declares (plus one byte to see that nothing follows), so a small file
    /// that inflates to gigabytes costs no more memory than the declared size.
    public static func read(_ path: String, limit: Int = FileIO.defaultSizeLimit) throws -> IDXArray {
        var input = try Gzip.open(path)
        return try read(from: &input, limit: limit)
    }

    /// Reads an IDX array from `input`, which must end right after it.
    public static func read(from input: inout some ByteStream, limit: Int = FileIO.defaultSizeLimit) throws -> IDXArray {
        let (shape, _) = try readHeader(from: &input, limit: limit)
        let total = shape.reduce(1, *)
        let dimensions = shape.map(String.init).joined(separator: "x")
        let data = try input.read(upTo: total)
        guard data.count == total else {
            throw FileError(input.path, "truncated: header declares \(dimensions) = \(total) bytes of data, file has \(data.count)")
        }
        guard try input.atEnd() else {
            throw FileError(input.path, "unexpected bytes after the \(total) bytes of data declared by the header (\(dimensions))")
        }
        return IDXArray(shape: shape, bytes: data)
    }

    /// Parses the bytes of an uncompressed IDX file; `path` names it in errors. The bytes are
    /// taken over (the header is removed in place, no copy of the data).
    public static func parse(_ file: consuming [UInt8], path: String, limit: Int = FileIO.defaultSizeLimit) throws -> IDXArray {
        var data = file
        // The header is at most 20 bytes; reading it from a copy of them keeps the data unshared.
        var head = MemoryStream(Array(data.prefix(20)), path: path)
        let (shape, headerSize) = try readHeader(from: &head, limit: limit)
        let total = shape.reduce(1, *)
        let payload = data.count - headerSize
        guard payload >= total else {
            throw FileError(path, "truncated: header declares \(shape.map(String.init).joined(separator: "x")) = \(total) bytes of data, file has \(payload)")
        }
        guard payload == total else {
            throw FileError(path, "\(payload - total) unexpected bytes after the \(total) declared by the header")
        }
        data.removeFirst(headerSize)
        return IDXArray(shape: shape, bytes: data)
    }

    /// Reads and checks the header: the shape, and the header's size in bytes.
    static func readHeader(from input: inout some ByteStream, limit: Int) throws -> (shape: [Int], size: Int) {
        var magic = [UInt8](repeating: 0, count: 4)
        let got = try magic.withUnsafeMutableBytes { try input.readFully(into: $0) }
        guard got == 4 else { throw FileError(input.path, "truncated: \(got) bytes, too short for an IDX header") }
        guard magic[0] == 0, magic[1] == 0 else {
            let hex = magic.map { String($0, radix: 16) }.joined(separator: " ")
            throw FileError(input.path, "not an IDX file (magic bytes \(hex), expected 00 00 08 nn)")
        }
        guard magic[2] == 0x08 else {
            throw FileError(input.path, "unsupported IDX element type 0x\(String(magic[2], radix: 16)) (only unsigned bytes, 0x08)")
        }
        let rank = Int(magic[3])
        guard (1...4).contains(rank) else { throw FileError(input.path, "IDX header declares \(rank) dimensions (expected 1 to 4)") }
        let headerSize = 4 + 4 * rank
        var dimensions = [UInt8](repeating: 0, count: 4 * rank)
        let more = try dimensions.withUnsafeMutableBytes { try input.readFully(into: $0) }
        guard more == 4 * rank else {
            throw FileError(input.path, "truncated: \(4 + more) bytes, header needs \(headerSize)")
        }
        var shape: [Int] = []
        var total = 1
        for d in 0..<rank {
            let o = 4 * d
            let dim = Int(dimensions[o]) << 24 | Int(dimensions[o + 1]) << 16 | Int(dimensions[o + 2]) << 8 | Int(dimensions[o + 3])
            guard dim > 0 else { throw FileError(input.path, "IDX dimension \(d) is zero") }
            let (product, overflow) = total.multipliedReportingOverflow(by: dim)
            guard !overflow, product <= limit else {
                throw FileError(input.path, "IDX header declares an absurd size (dimensions \((shape + [dim]).map(String.init).joined(separator: "x"))...), over the limit of \(limit) bytes")
            }
            total = product
            shape.append(dim)
        }
        return (shape, headerSize)
    }

    /// The bytes of this array as an uncompressed IDX file.
    public func encoded() -> [UInt8] {
        var out: [UInt8] = [0, 0, 0x08, UInt8(shape.count)]
        for d in shape { out += [UInt8(d >> 24 & 0xFF), UInt8(d >> 16 & 0xFF), UInt8(d >> 8 & 0xFF), UInt8(d & 0xFF)] }
        return out + bytes
    }
}
