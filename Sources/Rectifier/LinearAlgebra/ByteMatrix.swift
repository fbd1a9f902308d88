/// A dense matrix of bytes standing for Float32 values `offset + scale * byte`: image pixels
/// stored at a quarter of their Float32 size and converted as each batch is gathered. The big
/// image sets (CIFAR-10, NORB, EMNIST) keep their inputs this way.
public struct ByteMatrix: Equatable, Sendable {
    /// Number of rows.
    public let rows: Int
    /// Number of columns (the row stride).
    public let columns: Int
    /// Elements, row-major.
    public var bytes: [UInt8]
    /// The value of byte b is `offset + scale * b`.
    public let scale: Float
    public let offset: Float

    /// A matrix over `bytes` (`rows * columns` of them).
    public init(rows: Int, columns: Int, bytes: [UInt8], scale: Float, offset: Float = 0) {
        precondition(rows >= 0 && columns >= 0 && bytes.count == rows * columns, "\(bytes.count) bytes do not fit \(rows)x\(columns)")
        self.rows = rows
        self.columns = columns
        self.bytes = bytes
        self.scale = scale
        self.offset = offset
    }

    /// Writes the values of `count` consecutive elements starting at `start` into `out`.
    @inline(__always)
    func convert(from start: Int, count: Int, into out: UnsafeMutablePointer<Float>) {
        bytes.withUnsafeBufferPointer { b in
            let p = b.baseAddress! + start
            for i in 0..<count { out[i] = offset + scale * Float(p[i]) }
        }
    }

    /// The rows at `indices`, in that order.
    public func gatherRows<C: Collection>(_ indices: C) -> ByteMatrix where C.Element == Int {
        var out = [UInt8]()
        out.reserveCapacity(indices.count * columns)
        for r in indices { out.append(contentsOf: bytes[(r * columns)..<((r + 1) * columns)]) }
        return ByteMatrix(rows: indices.count, columns: columns, bytes: out, scale: scale, offset: offset)
    }

    /// The values as a Float32 matrix.
    public func floats() -> Matrix {
        var m = Matrix(rows: rows, columns: columns)
        m.storage.withUnsafeMutableBufferPointer { if rows * columns > 0 { convert(from: 0, count: rows * columns, into: $0.baseAddress!) } }
        return m
    }
}
