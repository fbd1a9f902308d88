/// The elements of a binary matrix, typed as the file declares them.
public enum BinaryMatrixElements: Equatable, Sendable {
    case float32([Float])
    case float64([Double])
    case int32([Int32])
    case uint8([UInt8])
    case int16([Int16])

    /// Number of elements.
    public var count: Int {
        switch self {
        case .float32(let v): v.count
        case .float64(let v): v.count
        case .int32(let v): v.count
        case .uint8(let v): v.count
        case .int16(let v): v.count
        }
    }

    /// The element type.
    public var type: BinaryMatrixElementType {
        switch self {
        case .float32: .float32
        case .float64: .float64
        case .int32: .int32
        case .uint8: .uint8
        case .int16: .int16
        }
    }

    /// The elements as `T`, or nil when they are of another type.
    public func values<T: BinaryMatrixScalar>(as _: T.Type) -> [T]? {
        guard T.binaryMatrixType == type else { return nil }
        switch self {
        case .float32(let v): return v as? [T]
        case .float64(let v): return v as? [T]
        case .int32(let v): return v as? [T]
        case .uint8(let v): return v as? [T]
        case .int16(let v): return v as? [T]
        }
    }
}

/// A whole binary matrix file held in memory: for the small files (small NORB's `-cat` and
/// `-info` files, or its 55 MB `-dat` files). Large files are read record by record with
/// `BinaryMatrixReader`.
public struct BinaryMatrix: Equatable, Sendable {
    /// Dimensions, outermost first.
    public var shape: [Int]
    /// The elements, row-major.
    public var elements: BinaryMatrixElements

    public init(shape: [Int], elements: BinaryMatrixElements) {
        precondition(shape.reduce(1, *) == elements.count, "binary matrix shape does not match the data")
        precondition((1...BinaryMatrixHeader.maximumRank).contains(shape.count), "1 to 8 dimensions")
        self.shape = shape
        self.elements = elements
    }

    /// The header this matrix is written with.
    public var header: BinaryMatrixHeader { BinaryMatrixHeader(elementType: elements.type, shape: shape) }

    /// Reads a binary matrix file, raw or gzip-compressed (`.mat.gz`). The header is checked
    /// before anything is allocated for the data, and the file must hold exactly the declared
    /// data: a gzip file is inflated no further than that (plus one byte).
    public static func read(_ path: String, limit: Int = FileIO.defaultSizeLimit) throws -> BinaryMatrix {
        var input = try Gzip.open(path)
        return try read(from: &input, limit: limit)
    }

    /// Reads a binary matrix from `input`, which must end right after it.
    public static func read(from input: inout some ByteStream, limit: Int = FileIO.defaultSizeLimit) throws -> BinaryMatrix {
        let header = try BinaryMatrixHeader.read(from: &input, limit: limit)
        let elements: BinaryMatrixElements = switch header.elementType {
        case .float32: .float32(try readElements(&input, header))
        case .float64: .float64(try readElements(&input, header))
        case .int32: .int32(try readElements(&input, header))
        case .uint8: .uint8(try readElements(&input, header))
        case .int16: .int16(try readElements(&input, header))
        }
        guard try input.atEnd() else {
            throw FileError(input.path, "unexpected bytes after the \(header.dataSize) bytes of data declared by the header")
        }
        return BinaryMatrix(shape: header.shape, elements: elements)
    }

    /// The data, read straight into a typed array. An input that cannot hold the declared
    /// data (a file shorter than it) is refused before allocating.
    static func readElements<T: BinaryMatrixScalar>(_ input: inout some ByteStream, _ header: BinaryMatrixHeader) throws -> [T] {
        let size = header.elementType.size
        let count = header.dataSize / size
        guard header.dataSize <= input.maximumRemaining else {
            throw FileError(input.path, "truncated: the header declares \(header.dataSize) bytes of data, "
                            + "the file holds at most \(input.maximumRemaining)")
        }
        var got = 0
        let values = try [T](unsafeUninitializedCapacity: count) { buffer, initialized in
            got = try input.readFully(into: UnsafeMutableRawBufferPointer(buffer))
            initialized = got / size
        }
        guard got == header.dataSize else {
            throw header.truncated(input.path, record: got / max(1, header.recordElements * size))
        }
        return values
    }

    /// The bytes of this matrix as a binary matrix file.
    public func encoded() -> [UInt8] {
        let data: [UInt8] = switch elements {
        case .float32(let v): v.withUnsafeBytes { Array($0) }
        case .float64(let v): v.withUnsafeBytes { Array($0) }
        case .int32(let v): v.withUnsafeBytes { Array($0) }
        case .uint8(let v): v
        case .int16(let v): v.withUnsafeBytes { Array($0) }
        }
        return header.encoded() + data
    }
}
