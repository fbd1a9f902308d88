/// A fully connected layer: output = s ⊙ f(input · W + b).
///
/// `weights` is `inputSize x outputSize` (row i holds the fan-out of input i), so a batch of
/// inputs, one per row, multiplies it from the left. `signs` is the paper's sign trick: a fixed
/// ±1 per unit that flips about half of the outputs so the layer's mean activation is near zero.
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

    /// Computes `output = s ⊙ f(input · W + b)` for `batch` rows of input.
    public func forward(_ input: UnsafePointer<Float>, batch: Int, into output: UnsafeMutablePointer<Float>,
                        using la: LinearAlgebra) {
        let n = outputSize
        weights.storage.withUnsafeBufferPointer { w in
            la.gemm(m: batch, n: n, k: inputSize, a: input, lda: inputSize, b: w.baseAddress!, ldb: n,
                    beta: 0, c: output, ldc: n)
        }
        bias.withUnsafeBufferPointer { b in
            for r in 0..<batch {
                let row = output + r * n
                if activation == .rectifier {
                    for j in 0..<n {
                        let z = row[j] + b[j]
                        row[j] = z > 0 ? z : (z.isNaN ? z : 0)
                    }
                } else {
                    for j in 0..<n { row[j] += b[j] }
                    activation.apply(row, count: n)
                }
            }
        }
        if let signs { Self.multiplyRows(output, rows: batch, by: signs) }
    }

    /// Back-propagates through the layer and hands its gradient to `optimizer`.
    ///
    /// On entry `delta` holds ∂loss/∂output (`batch x outputSize`); on exit it holds ∂loss/∂z,
    /// z = input · W + b, including the L1 term `l1 * mean over the batch of Σ|output|`.
    /// When `inputGradient` is given it receives ∂loss/∂input, computed with the weights as they
    /// were before the update.
    public mutating func backward<O: Optimizer>(
        input: UnsafePointer<Float>, output: UnsafePointer<Float>, delta: UnsafeMutablePointer<Float>,
        inputGradient: UnsafeMutablePointer<Float>?, batch: Int, l1: Float, layerIndex: Int,
        optimizer: inout O, using la: LinearAlgebra
    ) {
        let n = outputSize
        let l1PerSample = l1 / Float(batch)
        let act = activation
        let noSigns = [Float]()
        (signs ?? noSigns).withUnsafeBufferPointer { s in
            let hasSigns = !s.isEmpty
            for idx in 0..<(batch * n) {
                let j = idx % n
                let sign: Float = hasSigns ? s[j] : 1
                let a = output[idx] * sign  // undo the sign trick: a = f(z)
                var g = delta[idx] * sign
                if l1PerSample != 0 { g += a > 0 ? l1PerSample : (a < 0 ? -l1PerSample : 0) }
                delta[idx] = g * act.derivative(output: a)
            }
        }
        if let inputGradient {
            weights.storage.withUnsafeBufferPointer { w in
                la.gemm(transB: true, m: batch, n: inputSize, k: n, a: delta, lda: n, b: w.baseAddress!, ldb: n,
                        beta: 0, c: inputGradient, ldc: inputSize)
            }
        }
        optimizer.update(&self, index: layerIndex, input: input, delta: UnsafePointer(delta), batch: batch, using: la)
    }

    static func multiplyRows(_ m: UnsafeMutablePointer<Float>, rows: Int, by v: [Float]) {
        v.withUnsafeBufferPointer { v in
            for r in 0..<rows {
                let row = m + r * v.count
                for j in 0..<v.count { row[j] *= v[j] }
            }
        }
    }
}
