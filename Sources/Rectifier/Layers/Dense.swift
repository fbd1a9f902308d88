import CKernels

/// A fully connected layer: output = s ⊙ f(input · W + b).
///
/// `weights` is `inputSize x outputSize` (row i holds the fan-out of input i), so a batch of
/// inputs, one per row, multiplies it from the left, and a zero input leaves a whole row of W
/// out of the product. `signs` is the paper's sign trick: a fixed ±1 per unit that flips about
/// half of the outputs so the layer's mean activation is near zero.
public struct DenseLayer: Equatable, Sendable {
    /// Weights, `inputSize x outputSize`.
    public var weights: Matrix
    /// Biases, one per output unit.
    public var bias: [Float]
    /// The non-linearity f.
    public var activation: Activation
    /// The sign-trick mask (±1 per output unit), or nil.
    public var signs: [Float]?

    /// The sparse kernels cut their work into this many slabs per thread. Threads claim slabs
    /// as they come, so when one core runs slower (a busy neighbour on a shared machine), the
    /// other takes over its share instead of waiting for it at every layer.
    static let partsPerThread = 4

    /// Number of inputs.
    public var inputSize: Int { weights.rows }
    /// Number of output units.
    public var outputSize: Int { weights.columns }

    /// A layer with Glorot-uniform weights, U(±sqrt(6 / (fan_in + fan_out))), and zero biases.
    /// With `signTrick`, each unit's output sign is drawn once: -1 with probability 1/2.
    public init(inputSize: Int, outputSize: Int, activation: Activation, signTrick: Bool = false,
                rng: inout RandomSource) {
        let limit = (6.0 / Float(inputSize + outputSize)).squareRoot()
        var w = Matrix(rows: inputSize, columns: outputSize)
        for i in w.storage.indices { w.storage[i] = rng.nextFloat(symmetric: limit) }
        weights = w
        bias = [Float](repeating: 0, count: outputSize)
        self.activation = activation
        signs = signTrick ? (0..<outputSize).map { _ in rng.nextUnitFloat() < 0.5 ? -1 : 1 } : nil
    }

    /// A layer with the given parameters.
    public init(weights: Matrix, bias: [Float], activation: Activation, signs: [Float]? = nil) {
        precondition(bias.count == weights.columns && (signs?.count ?? weights.columns) == weights.columns,
                     "bias and signs must have one entry per output unit")
        self.weights = weights
        self.bias = bias
        self.activation = activation
        self.signs = signs
    }

    /// Computes `output = s ⊙ f(input · W + b)` for `batch` rows of dense input.
    public func forward(_ input: UnsafePointer<Float>, batch: Int, into output: UnsafeMutablePointer<Float>,
                        using la: LinearAlgebra, scratch: SparseScratch? = nil) {
        forward(.dense(input), batch: batch, into: output, using: la, scratch: scratch)
    }

    /// Computes `output = s ⊙ f(input · W + b)` for `batch` rows of input.
    ///
    /// A sparse input visits only the weight rows of its non-zeros. A dense input, given
    /// `scratch`, is checked for zeros in small batches: when it is sparse enough
    /// (`la.sparsity`) only its non-zero entries are visited. `scratch` then remembers the
    /// input's non-zero count for `backward`.
    public func forward(_ input: BatchInput, batch: Int, into output: UnsafeMutablePointer<Float>,
                        using la: LinearAlgebra, scratch: SparseScratch? = nil) {
        let (k, n) = (inputSize, outputSize)
        weights.storage.withUnsafeBufferPointer { w in
            let w = w.baseAddress!
            switch input {
            case .sparse(let x):
                precondition(x.rows == batch, "sparse batch of \(x.rows) rows, expected \(batch)")
                rk_sparse_forward_parallel(la.pool.handle, x.nonZeros * n >= 1 << 17 ? la.threads : 1, la.sparseISA, batch, n,
                                           x.rowStart, x.columns, x.values, w, n, output, n)
            case .dense(let x):
                var sparse = false
                if let scratch {
                    scratch.inputNonZeros = -1
                    if la.sparsity.considers(batch: batch) && batch <= scratch.capacity {
                        // Counting first: listing the non-zeros costs several times more, and
                        // is wasted on a batch the dense product takes.
                        let nnz = rk_count_nonzero(la.sparseISA, batch * k, x)
                        scratch.inputNonZeros = nnz
                        sparse = la.sparsity.sparseForward(batch: batch, k: k, nonZeros: nnz)
                        if sparse {
                            _ = rk_csr_build(batch, k, x, k, scratch.rowStart.pointer, scratch.index.pointer, scratch.values.pointer)
                        }
                    }
                }
                if let scratch, sparse {
                    // One slab per thread: the forward product is short, and more slabs cost more
                    // claims than they save (measured with `rectifier bench`).
                    let parts = scratch.inputNonZeros * n >= 1 << 17 ? la.threads : 1
                    rk_sparse_forward_parallel(la.pool.handle, parts, la.sparseISA, batch, n, scratch.rowStart.pointer, scratch.index.pointer,
                                               scratch.values.pointer, w, n, output, n)
                } else {
                    la.gemm(m: batch, n: n, k: k, a: x, lda: k, b: w, ldb: n, beta: 0, c: output, ldc: n)
                }
            }
        }
        bias.withUnsafeBufferPointer { b in
            withSigns { s in
                for r in 0..<batch {
                    Elementwise.biasActivation(output + r * n, bias: b.baseAddress!, signs: s, count: n, activation: activation)
                }
            }
        }
    }

    /// Back-propagates through the layer and hands its gradient to `optimizer`.
    ///
    /// On entry `delta` holds ∂loss/∂output (`batch x outputSize`); on exit it holds ∂loss/∂z,
    /// z = input · W + b, including the L1 term `l1 * mean over the batch of Σ|output|`.
    /// When `inputGradient` is given it receives ∂loss/∂input, computed with the weights as they
    /// were before the update (a sparse input is the network's input, which needs none).
    /// `inputZerosAreInactive` says that the layer below has zero derivative wherever its
    /// output is zero (`Activation.hasExactZeros`), so ∂loss/∂input is only needed at non-zero
    /// inputs. When the optimizer's update is a plain multiple of the gradient
    /// (`Optimizer.gradientScale`), a `scratch` from `forward` lets the fused sparse kernel
    /// compute the input gradient and the update in one pass over the weight rows of the
    /// non-zero inputs, and a sparse input updates only the weight rows of its non-zeros
    /// (`columns` holds its column form). Otherwise the optimizer gets the whole gradient.
    public mutating func backward<O: Optimizer>(
        input: BatchInput, output: UnsafePointer<Float>, delta: UnsafeMutablePointer<Float>,
        inputGradient: UnsafeMutablePointer<Float>?, batch: Int, l1: Float, layerIndex: Int,
        optimizer: inout O, using la: LinearAlgebra,
        scratch: SparseScratch? = nil, columns: SparseColumns? = nil, inputZerosAreInactive: Bool = false
    ) {
        let (k, n) = (inputSize, outputSize)
        withSigns { s in
            for r in 0..<batch {
                Elementwise.activationGradient(delta + r * n, output: output + r * n, signs: s,
                                               count: n, l1PerSample: l1 / Float(batch), activation: activation)
            }
        }
        switch input {
        case .sparse(let x):
            precondition(inputGradient == nil, "a sparse input is the network's input: it has no gradient")
            if let scale = optimizer.gradientScale(layer: layerIndex), let columns {
                columns.build(from: x, width: k)
                updateRows(of: columns, delta: delta, scale: scale, batch: batch, using: la)
                return
            }
        case .dense(let x):
            if let scale = optimizer.gradientScale(layer: layerIndex), let scratch, scratch.inputNonZeros >= 0,
               inputGradient == nil || inputZerosAreInactive,
               la.sparsity.sparseBackward(batch: batch, k: k, nonZeros: scratch.inputNonZeros),
               sparseBackwardAndUpdate(input: x, delta: delta, inputGradient: inputGradient, batch: batch,
                                       scale: scale, using: la, scratch: scratch) {
                return
            }
            if let inputGradient {
                weights.storage.withUnsafeBufferPointer { w in
                    la.gemm(transB: true, m: batch, n: k, k: n, a: delta, lda: n, b: w.baseAddress!, ldb: n,
                            beta: 0, c: inputGradient, ldc: k)
                }
            }
        }
        optimizer.update(&self, index: layerIndex, input: input, delta: UnsafePointer(delta), batch: batch, using: la)
    }

    /// Calls `body` with a pointer to the sign mask, or nil without the sign trick.
    func withSigns<R>(_ body: (UnsafePointer<Float>?) -> R) -> R {
        guard let signs else { return body(nil) }
        return signs.withUnsafeBufferPointer { body($0.baseAddress) }
    }

    /// W ← W + scale·∇W, b ← b + scale·∇b through the fused sparse kernel: only weight rows of
    /// non-zero inputs are read, updated, and used for the input gradient. Rows are split
    /// between threads. Returns false, having changed nothing, when the kernel could not run
    /// (no memory for its copy of `delta`): the caller then takes the dense path.
    mutating func sparseBackwardAndUpdate(input: UnsafePointer<Float>, delta: UnsafeMutablePointer<Float>,
                                          inputGradient: UnsafeMutablePointer<Float>?, batch: Int, scale: Float,
                                          using la: LinearAlgebra, scratch: SparseScratch) -> Bool {
        let (k, n) = (inputSize, outputSize)
        let packed = rk_sparse_backward_uses_blocks(batch, n) != 0 && scratch.outputSize == n ? scratch.packedDelta.pointer : nil
        let status = weights.storage.withUnsafeMutableBufferPointer { w in
            let parts = k * n >= 1 << 17 ? Self.partsPerThread * la.threads : 1
            return rk_sparse_backward_parallel(la.pool.handle, parts, la.sparseISA, batch, n, k, input, k, delta, n,
                                               w.baseAddress!, n, inputGradient, k, scale, packed)
        }
        precondition(status != -1, "fused sparse backward needs a batch of at most \(RK_MAX_FUSED_BATCH)")
        guard status == 0 else { return false }
        bias.withUnsafeMutableBufferPointer { la.addColumnSums(of: delta, rows: batch, columns: n, scaledBy: scale, to: $0.baseAddress!) }
        return true
    }

    /// W ← W + scale·∇W, b ← b + scale·∇b for a sparse input given by columns: only the weight
    /// rows of its non-zero columns are read and updated, split between threads.
    mutating func updateRows(of columns: SparseColumns, delta: UnsafePointer<Float>, scale: Float, batch: Int,
                             using la: LinearAlgebra) {
        let (k, n) = (inputSize, outputSize)
        weights.storage.withUnsafeMutableBufferPointer { w in
            let parts = columns.nonZeros * n >= 1 << 17 ? Self.partsPerThread * la.threads : 1
            rk_csc_update_parallel(la.pool.handle, parts, la.sparseISA, n, k, columns.start.pointer, columns.rows.pointer,
                                   columns.values.pointer, delta, n, w.baseAddress!, n, scale)
        }
        bias.withUnsafeMutableBufferPointer { la.addColumnSums(of: delta, rows: batch, columns: n, scaledBy: scale, to: $0.baseAddress!) }
    }
}

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
