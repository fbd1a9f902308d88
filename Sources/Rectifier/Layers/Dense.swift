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
                la.sparseProduct(x, w, n: n, into: output)
            case .dense(let x):
                var sparse = false
                if let scratch {
                    scratch.inputNonZeros = -1
                    if la.sparsity.considers(batch: batch) && batch <= scratch.capacity {
                        // Counting first: listing the non-zeros costs several times more, and
                        // is wasted on a batch the dense product takes.
                        let nnz = la.countNonZeros(x, count: batch * k)
                        scratch.inputNonZeros = nnz
                        sparse = la.sparsity.sparseForward(batch: batch, k: k, nonZeros: nnz)
                        if sparse { scratch.build(from: x, rows: batch) }
                    }
                }
                if let scratch, sparse {
                    la.sparseProduct(scratch.batch(rows: batch), w, n: n, into: output)
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
    /// non-zero inputs are read, updated, and used for the input gradient. Returns false, having
    /// changed nothing, when the kernel could not run: the caller then takes the dense path.
    mutating func sparseBackwardAndUpdate(input: UnsafePointer<Float>, delta: UnsafeMutablePointer<Float>,
                                          inputGradient: UnsafeMutablePointer<Float>?, batch: Int, scale: Float,
                                          using la: LinearAlgebra, scratch: SparseScratch) -> Bool {
        let (k, n) = (inputSize, outputSize)
        let done = weights.storage.withUnsafeMutableBufferPointer { w in
            la.sparseBackwardAndUpdate(input: input, rows: batch, delta: delta, weights: w.baseAddress!, k: k, n: n,
                                       inputGradient: inputGradient, scale: scale, scratch: scratch)
        }
        guard done else { return false }
        bias.withUnsafeMutableBufferPointer { la.addColumnSums(of: delta, rows: batch, columns: n, scaledBy: scale, to: $0.baseAddress!) }
        return true
    }

    /// W ← W + scale·∇W, b ← b + scale·∇b for a sparse input given by columns: only the weight
    /// rows of its non-zero columns are read and updated.
    mutating func updateRows(of columns: SparseColumns, delta: UnsafePointer<Float>, scale: Float, batch: Int,
                             using la: LinearAlgebra) {
        let (k, n) = (inputSize, outputSize)
        weights.storage.withUnsafeMutableBufferPointer { w in
            la.addScaledProduct(columns, delta, n: n, scale: scale, to: w.baseAddress!, k: k)
        }
        bias.withUnsafeMutableBufferPointer { la.addColumnSums(of: delta, rows: batch, columns: n, scaledBy: scale, to: $0.baseAddress!) }
    }
}
