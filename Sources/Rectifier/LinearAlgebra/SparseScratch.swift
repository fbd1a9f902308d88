import CKernels

/// Per-layer buffers of the sparse path: the batch's non-zero inputs in CSR form, and their
/// count (from `forward`, for `backward`). The CSR buffers hold a whole batch and are made on
/// first use: a layer whose input comes sparse (or never sparse enough) does not pay for them.
public final class SparseScratch: @unchecked Sendable {
    /// Largest batch the buffers hold.
    public let capacity: Int
    let inputSize: Int
    let outputSize: Int
    let rowStart: AlignedBuffer<Int32>
    private(set) lazy var index = AlignedBuffer<Int32>(count: capacity * inputSize)
    private(set) lazy var values = FloatBuffer(count: capacity * inputSize)
    /// The large-batch backward's copy of ∂loss/∂z in 32-column blocks (`rk_pack_column_blocks`).
    private(set) lazy var packedDelta = FloatBuffer(count: capacity * (outputSize & ~31))
    /// Non-zero entries of the last input seen by `forward`, or -1 when not counted.
    public internal(set) var inputNonZeros = -1

    /// Buffers for batches of up to `capacity` rows of `inputSize` inputs into `outputSize`
    /// units (0: the backward allocates its copy of ∂loss/∂z for each call).
    public init(capacity: Int, inputSize: Int, outputSize: Int = 0) {
        self.capacity = capacity
        self.inputSize = inputSize
        self.outputSize = outputSize
        rowStart = AlignedBuffer(count: capacity + 1)
    }

    /// Lists the non-zeros of `rows` dense rows of `inputSize` values (at most `capacity`).
    func build(from x: UnsafePointer<Float>, rows: Int) {
        precondition(rows <= capacity, "a batch of \(rows) rows for buffers of \(capacity)")
        _ = rk_csr_build(rows, inputSize, x, inputSize, rowStart.pointer, index.pointer, values.pointer)
    }

    /// The last batch built, as CSR.
    func batch(rows: Int) -> SparseBatch {
        SparseBatch(rowStart: rowStart.pointer, columns: index.pointer, values: values.pointer, rows: rows)
    }
}

/// A sparse input batch by columns (CSC): for each input, the batch rows where it is non-zero
/// and their values. The SGD update of the first layer walks W's rows, so it needs the batch
/// this way round; the buffers grow with the largest batch seen and are then reused.
public final class SparseColumns: @unchecked Sendable {
    private(set) var start: AlignedBuffer<Int32>
    private(set) var rows: AlignedBuffer<Int32>
    private(set) var values: FloatBuffer
    /// Entries of the last batch built.
    public private(set) var nonZeros = 0

    /// Buffers for inputs of `width` columns.
    public init(width: Int) {
        start = AlignedBuffer(count: width + 1)
        rows = AlignedBuffer(count: 0)
        values = FloatBuffer(count: 0)
    }

    /// Fills the buffers with the columns of `batch`.
    func build(from batch: SparseBatch, width: Int) {
        if start.count < width + 1 { start = AlignedBuffer(count: width + 1) }
        if batch.nonZeros > rows.count {
            rows = AlignedBuffer(count: batch.nonZeros * 2)
            values = FloatBuffer(count: batch.nonZeros * 2)
        }
        nonZeros = rk_csr_transpose(batch.rows, width, batch.rowStart, batch.columns, batch.values,
                                    start.pointer, rows.pointer, values.pointer)
    }
}
