/// The inputs of one batch, as the first layer reads them.
public enum BatchInput {
    /// `batch x width` values, row-major, contiguous.
    case dense(UnsafePointer<Float>)
    /// The non-zero values, row by row (see `SparseBatch`).
    case sparse(SparseBatch)
}

/// A batch of sparse rows in CSR form: row r's entries are at positions
/// `rowStart[r] ..< rowStart[r + 1]` of `columns` and `values` (positions are relative to those
/// pointers, `rowStart[0]` is 0). Columns increase within a row.
public struct SparseBatch {
    public let rowStart: UnsafePointer<Int32>
    public let columns: UnsafePointer<Int32>
    public let values: UnsafePointer<Float>
    /// Number of rows.
    public let rows: Int

    public init(rowStart: UnsafePointer<Int32>, columns: UnsafePointer<Int32>, values: UnsafePointer<Float>, rows: Int) {
        self.rowStart = rowStart
        self.columns = columns
        self.values = values
        self.rows = rows
    }

    /// Number of entries.
    public var nonZeros: Int { Int(rowStart[rows]) }
}
