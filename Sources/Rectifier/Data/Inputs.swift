/// The input vectors of a dataset, one example per row, stored the way that suits them:
/// dense for images (MNIST pixels are 19% non-zero, and the first layer's products run as
/// GEMM), as bytes for the big image sets (a quarter of the memory; converted to Float32 as
/// batches are gathered), or as non-zeros only (CSR) for bag-of-words text, where a 5000-term
/// row has about 30 entries and memory must be proportional to those.
public enum Inputs: Equatable, Sendable {
    /// Every value, row-major.
    case dense(Matrix)
    /// The non-zero values, row by row.
    case sparse(SparseMatrix)
    /// Every value as a byte, `offset + scale * byte`.
    case bytes(ByteMatrix)

    /// Number of examples.
    public var count: Int {
        switch self {
        case .dense(let m): m.rows
        case .sparse(let s): s.rows
        case .bytes(let b): b.rows
        }
    }

    /// Values per example.
    public var width: Int {
        switch self {
        case .dense(let m): m.columns
        case .sparse(let s): s.columns
        case .bytes(let b): b.columns
        }
    }

    /// Fraction of the values that are exactly zero: the input's sparsity (Table 2 reports it
    /// for the network without hidden layers).
    public var zeroFraction: Double {
        let zeros: Int
        switch self {
        case .dense(let m): zeros = m.storage.reduce(0) { $0 + ($1 == 0 ? 1 : 0) }
        case .sparse(let s): zeros = s.rows * s.columns - s.values.reduce(0) { $0 + ($1 != 0 ? 1 : 0) }
        case .bytes(let b):
            // Count each byte code once, then ask which codes stand for 0 (at most 256 products, not one per value).
            var codes = [Int](repeating: 0, count: 256)
            for v in b.bytes { codes[Int(v)] += 1 }
            zeros = codes.indices.reduce(0) { $0 + (b.offset + b.scale * Float($1) == 0 ? codes[$1] : 0) }
        }
        return Double(zeros) / Double(max(1, count * width))
    }

    /// Whether the rows are stored as non-zeros only.
    public var isSparse: Bool {
        if case .sparse = self { return true }
        return false
    }

    /// The rows at `indices`, in that order, stored the same way.
    public func gatherRows<C: Collection>(_ indices: C) -> Inputs where C.Element == Int {
        switch self {
        case .dense(let m): .dense(m.gatherRows(indices))
        case .sparse(let s): .sparse(s.gatherRows(indices))
        case .bytes(let b): .bytes(b.gatherRows(indices))
        }
    }

    /// These rows followed by `other`'s; stored as both are, or dense.
    public func appending(_ other: Inputs) -> Inputs {
        switch (self, other) {
        case let (.sparse(a), .sparse(b)): return .sparse(a.appending(b))
        case let (.bytes(a), .bytes(b)) where a.scale == b.scale && a.offset == b.offset && a.columns == b.columns:
            return .bytes(ByteMatrix(rows: a.rows + b.rows, columns: a.columns, bytes: a.bytes + b.bytes, scale: a.scale, offset: a.offset))
        default:
            let (a, b) = (densified(), other.densified())
            precondition(a.columns == b.columns, "inputs do not have the same width")
            return .dense(Matrix(rows: a.rows + b.rows, columns: a.columns, storage: a.storage + b.storage))
        }
    }

    /// Every value written out (for small data, reports and tests: a sparse set of real size
    /// should never be densified).
    public func densified() -> Matrix {
        switch self {
        case .dense(let m): m
        case .sparse(let s): s.densified()
        case .bytes(let b): b.floats()
        }
    }

    /// The values of row `r`, zeros included.
    public func row(_ r: Int) -> [Float] {
        switch self {
        case .dense(let m): return Array(m.row(r))
        case .bytes(let b): return b.gatherRows([r]).floats().storage
        case .sparse(let s):
            var values = [Float](repeating: 0, count: s.columns)
            for (c, v) in s.row(r) { values[c] = v }
            return values
        }
    }

    /// Whether every stored value is finite (NaN or infinity in data is refused by loaders).
    public var allFinite: Bool {
        switch self {
        case .dense(let m): m.storage.allSatisfy(\.isFinite)
        case .sparse(let s): s.values.allSatisfy(\.isFinite)
        case .bytes(let b): b.scale.isFinite && b.offset.isFinite
        }
    }
}
