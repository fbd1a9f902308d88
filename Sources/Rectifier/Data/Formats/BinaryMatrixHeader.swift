// The files are little-endian, and the readers copy elements straight into typed memory.
#if _endian(big)
#error("the binary matrix readers assume a little-endian host")
#endif

/// Element types of LeCun's binary matrix format (the NORB files), by their magic number.
/// The "packed matrix" type (0x1E3D4C52) is not documented and is refused.
public enum BinaryMatrixElementType: UInt32, CaseIterable, Sendable {
    case float32 = 0x1E3D4C51
    case float64 = 0x1E3D4C53
    case int32 = 0x1E3D4C54
    case uint8 = 0x1E3D4C55
    case int16 = 0x1E3D4C56

    /// Bytes per element.
    public var size: Int {
        switch self {
        case .uint8: 1
        case .int16: 2
        case .float32, .int32: 4
        case .float64: 8
        }
    }
}

/// A Swift type that a binary matrix's elements can be read as.
public protocol BinaryMatrixScalar: BitwiseCopyable, Sendable {
    /// The element type whose files hold this type's values.
    static var binaryMatrixType: BinaryMatrixElementType { get }
}

extension Float: BinaryMatrixScalar { public static var binaryMatrixType: BinaryMatrixElementType { .float32 } }
extension Double: BinaryMatrixScalar { public static var binaryMatrixType: BinaryMatrixElementType { .float64 } }
extension Int32: BinaryMatrixScalar { public static var binaryMatrixType: BinaryMatrixElementType { .int32 } }
extension UInt8: BinaryMatrixScalar { public static var binaryMatrixType: BinaryMatrixElementType { .uint8 } }
extension Int16: BinaryMatrixScalar { public static var binaryMatrixType: BinaryMatrixElementType { .int16 } }

/// The header of a binary matrix file (Huang & LeCun's format for NORB, described on NYU's
/// small NORB page): little-endian int32 magic number (the element type), int32 number of
/// dimensions `ndim`, then `max(3, ndim)` int32 dimensions — a matrix of fewer than three
/// dimensions still stores three, the unused ones written as 1 and not part of the shape —
/// then the elements, row-major (the last index changes fastest).
public struct BinaryMatrixHeader: Equatable, Sendable {
    /// Most dimensions accepted (Lush, which wrote the format, allows 8).
    public static let maximumRank = 8

    public var elementType: BinaryMatrixElementType
    /// Dimensions, outermost first (e.g. [24300, 2, 96, 96] for a small NORB `-dat` file).
    public var shape: [Int]

    public init(elementType: BinaryMatrixElementType, shape: [Int]) {
        precondition((1...Self.maximumRank).contains(shape.count) && shape.allSatisfy { (1...Int(Int32.max)).contains($0) },
                     "1 to 8 positive int32 dimensions")
        self.elementType = elementType
        self.shape = shape
    }

    /// Bytes of the header in the file.
    public var size: Int { 8 + 4 * max(3, shape.count) }
    /// Records: slices along the first dimension (e.g. one stereo pair of a `-dat` file).
    public var recordCount: Int { shape[0] }
    /// Elements per record (product of the other dimensions).
    public var recordElements: Int { shape.dropFirst().reduce(1, *) }
    /// Bytes of data after the header.
    public var dataSize: Int { shape.reduce(elementType.size, *) }

    /// Reads and checks a header: known magic number, 1 to 8 positive dimensions, and data of
    /// at most `limit` bytes — before anything is allocated for the data.
    public static func read(from input: inout some ByteStream, limit: Int = FileIO.defaultSizeLimit) throws -> BinaryMatrixHeader {
        var words = [Int32](repeating: 0, count: 5)
        let got = try words.withUnsafeMutableBytes { try input.readFully(into: $0) }
        guard got == 20 else { throw FileError(input.path, "truncated: \(got) bytes, too short for a binary matrix header (20)") }
        let magic = UInt32(bitPattern: words[0])
        guard let type = BinaryMatrixElementType(rawValue: magic) else {
            let hex = String(magic, radix: 16, uppercase: true)
            throw FileError(input.path, magic == 0x1E3D4C52
                ? "packed binary matrices (magic 0x1E3D4C52) are not supported: the packing is undocumented"
                : "not a binary matrix file (magic number 0x\(hex), expected 0x1E3D4C51 to 0x1E3D4C56)")
        }
        let rank = Int(words[1])
        guard (1...maximumRank).contains(rank) else {
            throw FileError(input.path, "binary matrix header declares \(rank) dimensions (expected 1 to \(maximumRank))")
        }
        if rank > 3 {
            var more = [Int32](repeating: 0, count: rank - 3)
            let n = try more.withUnsafeMutableBytes { try input.readFully(into: $0) }
            guard n == 4 * (rank - 3) else {
                throw FileError(input.path, "truncated: \(20 + n) bytes, the header of \(rank) dimensions needs \(8 + 4 * rank)")
            }
            words += more
        }
        let shape = words[2..<(2 + rank)].map(Int.init)
        var total = type.size
        for (d, dim) in shape.enumerated() {
            guard dim > 0 else { throw FileError(input.path, "binary matrix dimension \(d) is \(dim)") }
            let (product, overflow) = total.multipliedReportingOverflow(by: dim)
            guard !overflow, product <= limit else {
                throw FileError(input.path, "binary matrix header declares an absurd size (\(shape.map(String.init).joined(separator: "x")) "
                                + "\(type) elements), over the limit of \(limit) bytes")
            }
            total = product
        }
        return BinaryMatrixHeader(elementType: type, shape: shape)
    }

    /// The header's bytes.
    public func encoded() -> [UInt8] {
        let dims = shape + [Int](repeating: 1, count: max(0, 3 - shape.count))
        let words = [Int32(bitPattern: elementType.rawValue), Int32(shape.count)] + dims.map { Int32($0) }
        return words.withUnsafeBytes { Array($0) }
    }

    /// The error for input that ends inside `record`.
    func truncated(_ path: String, record: Int) -> FileError {
        FileError(path, "truncated: ends inside record \(record) of the \(recordCount) declared by the header "
                  + "(\(shape.map(String.init).joined(separator: "x")) \(elementType))")
    }
}
