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
    /// the file holds exactly the declared number of elements — all before allocating for them.
    public static func read(_ path: String, limit: Int = FileIO.defaultSizeLimit) throws -> IDXArray {
        var file = try FileIO.read(path, limit: limit)
        if Gzip.isCompressed(file) {
            file = try Gzip.decompress(file, path: path, limit: limit)
        }
        return try parse(file, path: path, limit: limit)
    }

    /// Parses the bytes of an uncompressed IDX file; `path` names it in errors. The bytes are
    /// taken over (the header is removed in place, no copy of the data).
    public static func parse(_ file: consuming [UInt8], path: String, limit: Int = FileIO.defaultSizeLimit) throws -> IDXArray {
        guard file.count >= 4 else { throw FileError(path, "truncated: \(file.count) bytes, too short for an IDX header") }
        guard file[0] == 0, file[1] == 0 else {
            let magic = file[0..<4].map { String($0, radix: 16) }.joined(separator: " ")
            throw FileError(path, "not an IDX file (magic bytes \(magic), expected 00 00 08 nn)")
        }
        guard file[2] == 0x08 else {
            throw FileError(path, "unsupported IDX element type 0x\(String(file[2], radix: 16)) (only unsigned bytes, 0x08)")
        }
        let rank = Int(file[3])
        guard (1...4).contains(rank) else { throw FileError(path, "IDX header declares \(rank) dimensions (expected 1 to 4)") }
        let headerSize = 4 + 4 * rank
        guard file.count >= headerSize else {
            throw FileError(path, "truncated: \(file.count) bytes, header needs \(headerSize)")
        }
        var shape: [Int] = []
        var total = 1
        for d in 0..<rank {
            let o = 4 + 4 * d
            let dim = Int(file[o]) << 24 | Int(file[o + 1]) << 16 | Int(file[o + 2]) << 8 | Int(file[o + 3])
            guard dim > 0 else { throw FileError(path, "IDX dimension \(d) is zero") }
            let (product, overflow) = total.multipliedReportingOverflow(by: dim)
            guard !overflow, product <= limit else {
                throw FileError(path, "IDX header declares an absurd size (dimensions \((shape + [dim]).map(String.init).joined(separator: "x"))...), over the limit of \(limit) bytes")
            }
            total = product
            shape.append(dim)
        }
        let payload = file.count - headerSize
        guard payload >= total else {
            throw FileError(path, "truncated: header declares \(shape.map(String.init).joined(separator: "x")) = \(total) bytes of data, file has \(payload)")
        }
        guard payload == total else {
            throw FileError(path, "\(payload - total) unexpected bytes after the \(total) declared by the header")
        }
        var data = file
        data.removeFirst(headerSize)
        return IDXArray(shape: shape, bytes: data)
    }

    /// The bytes of this array as an uncompressed IDX file.
    public func encoded() -> [UInt8] {
        var out: [UInt8] = [0, 0, 0x08, UInt8(shape.count)]
        for d in shape { out += [UInt8(d >> 24 & 0xFF), UInt8(d >> 16 & 0xFF), UInt8(d >> 8 & 0xFF), UInt8(d & 0xFF)] }
        return out + bytes
    }
}
