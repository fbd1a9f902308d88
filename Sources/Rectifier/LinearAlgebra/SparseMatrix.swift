/// A matrix stored by its non-zero entries, row by row (compressed sparse row, CSR).
///
/// Bag-of-words inputs are 99% zeros: a 5000-term binary document vector has about 30 ones.
/// Stored this way, memory is proportional to the non-zeros, and the first layer reads only the
/// weight rows of the terms present.
public struct SparseMatrix: Equatable, Sendable {
    /// Number of rows.
    public private(set) var rows: Int
    /// Number of columns.
    public let columns: Int
    /// Row r's entries are at positions `rowStart[r] ..< rowStart[r + 1]` of `columnIndices`
    /// and `values`; `rowStart` has `rows + 1` elements, starting at 0.
    public private(set) var rowStart: [Int]
    /// Column of each entry, increasing within a row.
    public private(set) var columnIndices: [Int32]
    /// Value of each entry.
    public private(set) var values: [Float]

    /// A matrix with no rows and `columns` columns; add rows with `append(row:)`.
    public init(columns: Int) {
        precondition(columns >= 0 && columns <= Int(Int32.max), "column count out of range")
        rows = 0
        self.columns = columns
        rowStart = [0]
        columnIndices = []
        values = []
    }

    /// A matrix over existing CSR arrays, checked: `rowStart` starts at 0, never decreases and
    /// ends at the number of entries; columns increase strictly within each row and lie in
    /// `0..<columns`. Returns nil when any of that fails.
    public init?(rows: Int, columns: Int, rowStart: [Int], columnIndices: [Int32], values: [Float]) {
        guard rows >= 0, columns >= 0, columns <= Int(Int32.max), rowStart.count == rows + 1, rowStart.first == 0,
              rowStart.last == columnIndices.count, values.count == columnIndices.count else { return nil }
        for r in 0..<rows {
            let (start, end) = (rowStart[r], rowStart[r + 1])
            guard start <= end else { return nil }
            var previous: Int32 = -1
            for p in start..<end {
                let c = columnIndices[p]
                guard c > previous, Int(c) < columns else { return nil }
                previous = c
            }
        }
        self.rows = rows
        self.columns = columns
        self.rowStart = rowStart
        self.columnIndices = columnIndices
        self.values = values
    }

    /// The non-zero entries of `dense`.
    public init(_ dense: Matrix) {
        self.init(columns: dense.columns)
        for r in 0..<dense.rows {
            let row = dense.row(r)
            for (c, v) in zip(0..., row) where v != 0 {
                columnIndices.append(Int32(c))
                values.append(v)
            }
            rowStart.append(columnIndices.count)
        }
        rows = dense.rows
    }

    /// Number of stored entries.
    public var nonZeros: Int { columnIndices.count }

    /// Fraction of the entries that are stored (0 for an empty matrix).
    public var density: Double { rows * columns == 0 ? 0 : Double(nonZeros) / Double(rows * columns) }

    /// Appends a row given as (column, value) pairs with strictly increasing columns in
    /// `0..<columns`; zero values are dropped.
    public mutating func append(row entries: some Sequence<(Int, Float)>) {
        var previous = -1
        for (c, v) in entries {
            precondition(c > previous && c < columns, "row entries must have increasing columns in 0..<\(columns)")
            previous = c
            if v != 0 {
                columnIndices.append(Int32(c))
                values.append(v)
            }
        }
        rowStart.append(columnIndices.count)
        rows += 1
    }

    /// The entries of row `r` as (column, value) pairs.
    public func row(_ r: Int) -> some Collection<(Int, Float)> {
        (rowStart[r]..<rowStart[r + 1]).lazy.map { (Int(columnIndices[$0]), values[$0]) }
    }

    /// The rows at `indices`, in that order.
    public func gatherRows<C: Collection>(_ indices: C) -> SparseMatrix where C.Element == Int {
        var out = SparseMatrix(columns: columns)
        out.rowStart.reserveCapacity(indices.count + 1)
        for r in indices {
            out.columnIndices.append(contentsOf: columnIndices[rowStart[r]..<rowStart[r + 1]])
            out.values.append(contentsOf: values[rowStart[r]..<rowStart[r + 1]])
            out.rowStart.append(out.columnIndices.count)
        }
        out.rows = indices.count
        return out
    }

    /// This matrix's rows followed by `other`'s (same number of columns).
    public func appending(_ other: SparseMatrix) -> SparseMatrix {
        precondition(columns == other.columns, "matrices do not have the same columns")
        var out = self
        out.columnIndices += other.columnIndices
        out.values += other.values
        out.rowStart += other.rowStart.dropFirst().map { $0 + nonZeros }
        out.rows += other.rows
        return out
    }

    /// The same matrix with every zero written out.
    public func densified() -> Matrix {
        var m = Matrix(rows: rows, columns: columns)
        for r in 0..<rows {
            for p in rowStart[r]..<rowStart[r + 1] { m[r, Int(columnIndices[p])] = values[p] }
        }
        return m
    }
}
