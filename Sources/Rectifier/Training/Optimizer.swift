/// What happens to a layer's gradient once back-propagation has produced it.
///
/// A layer's weight gradient is inputᵀ · delta and its bias gradient the column sums of delta.
/// Handing over the two factors instead of the finished gradient lets plain SGD fold the update
/// into the product itself (W ← W - η · inputᵀ · delta in one GEMM), with no gradient buffer.
public protocol Optimizer {
    /// Applies (or records) the gradient of layer `index`: input is `batch x layer.inputSize`,
    /// delta (∂loss/∂z) is `batch x layer.outputSize`.
    mutating func update(_ layer: inout DenseLayer, index: Int, input: BatchInput,
                         delta: UnsafePointer<Float>, batch: Int, using la: LinearAlgebra)

    /// η when the update is exactly W ← W - η ∇W (plain SGD), so that layers may apply it
    /// inside their own kernels; nil otherwise.
    var fusedSGDRate: Float? { get }
}

extension Optimizer {
    public var fusedSGDRate: Float? { nil }
}

/// Minibatch stochastic gradient descent with a constant learning rate and optional momentum.
public struct SGD: Optimizer, Sendable, Equatable {
    /// Step size η.
    public var learningRate: Float
    /// Momentum μ (0: plain SGD, the paper's choice).
    public let momentum: Float
    /// Velocities (momentum only), one per layer.
    public private(set) var weightVelocity: [Matrix]
    /// Bias velocities (momentum only), one per layer.
    public private(set) var biasVelocity: [[Float]]

    public var fusedSGDRate: Float? { momentum == 0 ? learningRate : nil }

    /// Restores the velocity of layer `i` (from a checkpoint).
    public mutating func setVelocity(layer i: Int, weights: [Float], bias: [Float]) {
        precondition(weights.count == weightVelocity[i].storage.count && bias.count == biasVelocity[i].count)
        weightVelocity[i].storage = weights
        biasVelocity[i] = bias
    }

    /// SGD for `network`'s layers.
    public init(learningRate: Float, momentum: Float = 0, for network: Network) {
        self.learningRate = learningRate
        self.momentum = momentum
        let layers = momentum == 0 ? [] : network.layers
        weightVelocity = layers.map { Matrix(rows: $0.inputSize, columns: $0.outputSize) }
        biasVelocity = layers.map { [Float](repeating: 0, count: $0.outputSize) }
    }

    public mutating func update(_ layer: inout DenseLayer, index: Int, input: BatchInput,
                                delta: UnsafePointer<Float>, batch: Int, using la: LinearAlgebra) {
        let (m, n) = (layer.inputSize, layer.outputSize)
        let eta = learningRate
        if momentum == 0 {
            layer.weights.storage.withUnsafeMutableBufferPointer { w in
                la.gemmTransposedInput(input, batch: batch, m: m, n: n, alpha: -eta, d: delta, beta: 1, c: w.baseAddress!)
            }
            layer.bias.withUnsafeMutableBufferPointer { b in
                for r in 0..<batch {
                    let row = delta + r * n
                    for j in 0..<n { b[j] -= eta * row[j] }
                }
            }
            return
        }
        let mu = momentum
        weightVelocity[index].storage.withUnsafeMutableBufferPointer { v in
            la.gemmTransposedInput(input, batch: batch, m: m, n: n, alpha: -eta, d: delta, beta: mu, c: v.baseAddress!)
            layer.weights.storage.withUnsafeMutableBufferPointer { w in
                for i in 0..<w.count { w[i] += v[i] }
            }
        }
        biasVelocity[index].withUnsafeMutableBufferPointer { v in
            for j in 0..<n { v[j] *= mu }
            for r in 0..<batch {
                let row = delta + r * n
                for j in 0..<n { v[j] -= eta * row[j] }
            }
            layer.bias.withUnsafeMutableBufferPointer { b in
                for j in 0..<n { b[j] += v[j] }
            }
        }
    }
}

/// Keeps the gradients instead of applying them: for gradient checks and for callers that run
/// their own update rule.
public struct GradientRecorder: Optimizer, Sendable {
    /// ∂loss/∂W per layer, after the last `update`.
    public private(set) var weightGradients: [Matrix]
    /// ∂loss/∂b per layer.
    public private(set) var biasGradients: [[Float]]

    /// A recorder sized for `network`.
    public init(for network: Network) {
        weightGradients = network.layers.map { Matrix(rows: $0.inputSize, columns: $0.outputSize) }
        biasGradients = network.layers.map { [Float](repeating: 0, count: $0.outputSize) }
    }

    public mutating func update(_ layer: inout DenseLayer, index: Int, input: BatchInput,
                                delta: UnsafePointer<Float>, batch: Int, using la: LinearAlgebra) {
        let (m, n) = (layer.inputSize, layer.outputSize)
        weightGradients[index].storage.withUnsafeMutableBufferPointer { g in
            la.gemmTransposedInput(input, batch: batch, m: m, n: n, alpha: 1, d: delta, beta: 0, c: g.baseAddress!)
        }
        biasGradients[index] = (0..<n).map { j in (0..<batch).reduce(Float(0)) { $0 + delta[$1 * n + j] } }
    }
}
