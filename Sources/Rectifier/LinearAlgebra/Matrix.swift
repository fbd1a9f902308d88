/// A dense, row-major matrix of `Float`, stored contiguously.
///
/// `Matrix` is a value type: copies share storage until one of them is mutated. Hot loops take
/// pointers to `storage` once per call (`withUnsafeBufferPointer`), never per element.
public struct Matrix: Equatable, Sendable {
    /// Number of rows.
    public let rows: Int
    /// Number of columns (the row stride).
    public let columns: Int
    /// Elements in row-major order: element (r, c) is `storage[r * columns + c]`.
    public var storage: [Float]

    /// A `rows` x `columns` matrix with every element equal to `value`.
    public init(rows: Int, columns: Int, repeating value: Float = 0) {
        precondition(rows >= 0 && columns >= 0, "matrix dimensions must be non-negative")
        self.rows = rows
        self.columns = columns
        self.storage = [Float](repeating: value, count: rows * columns)
    }

    /// A matrix over existing row-major elements; `storage.count` must be `rows * columns`.
    public init(rows: Int, columns: Int, storage: [Float]) {
        precondition(rows >= 0 && columns >= 0 && storage.count == rows * columns,
                     "storage of \(storage.count) elements does not fit \(rows)x\(columns)")
        self.rows = rows
        self.columns = columns
        self.storage = storage
    }

    /// Element at row `r`, column `c`.
    @inlinable
    public subscript(r: Int, c: Int) -> Float {
        get { storage[r * columns + c] }
        set { storage[r * columns + c] = newValue }
    }

    /// The elements of row `r`.
    public func row(_ r: Int) -> ArraySlice<Float> {
        storage[(r * columns)..<((r + 1) * columns)]
    }

    /// A new matrix made of the given rows of this one, in order.
    public func gatherRows<C: Collection>(_ indices: C) -> Matrix where C.Element == Int {
        var out = [Float]()
        out.reserveCapacity(indices.count * columns)
        for r in indices { out.append(contentsOf: row(r)) }
        return Matrix(rows: indices.count, columns: columns, storage: out)
    }

    /// The transpose.
    public func transposed() -> Matrix {
        var t = Matrix(rows: columns, columns: rows)
        for r in 0..<rows {
            for c in 0..<columns { t.storage[c * rows + r] = storage[r * columns + c] }
        }
        return t
    }
}
