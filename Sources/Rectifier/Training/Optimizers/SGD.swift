/// Minibatch stochastic gradient descent, with optional (heavy-ball) momentum:
/// v ← μv - η∇, θ ← θ + v; with μ = 0, θ ← θ - η∇ (the paper's choice).
public struct SGD: TrainingOptimizer, Equatable {
    public static let name = "sgd"
    /// Step size η.
    public var learningRate: Float
    /// Momentum μ (0: plain SGD).
    public let momentum: Float
    /// Velocities (momentum only, else empty).
    public private(set) var velocities: Velocities

    /// SGD for `network`'s layers.
    public init(learningRate: Float, momentum: Float = 0, for network: Network) {
        self.learningRate = learningRate
        self.momentum = momentum
        velocities = Velocities(for: momentum == 0 ? [] : network.layers)
    }

    /// Plain SGD is the gradient times -η: the sparse kernels may apply it row by row.
    public func gradientScale(layer index: Int) -> Float? { momentum == 0 ? -learningRate : nil }

    public var state: [String: SafeTensors.Tensor] { momentum == 0 ? [:] : velocities.tensors }

    public mutating func restore(_ state: [String: SafeTensors.Tensor]) throws {
        if momentum != 0 { try velocities.restore(state) }
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
                la.addColumnSums(of: delta, rows: batch, columns: n, scaledBy: -eta, to: b.baseAddress!)
            }
            return
        }
        let mu = momentum
        velocities.weights[index].storage.withUnsafeMutableBufferPointer { v in
            la.gemmTransposedInput(input, batch: batch, m: m, n: n, alpha: -eta, d: delta, beta: mu, c: v.baseAddress!)
            layer.weights.storage.withUnsafeMutableBufferPointer { w in
                for i in 0..<w.count { w[i] += v[i] }
            }
        }
        velocities.bias[index].withUnsafeMutableBufferPointer { v in
            for j in 0..<n { v[j] *= mu }
            la.addColumnSums(of: delta, rows: batch, columns: n, scaledBy: -eta, to: v.baseAddress!)
            layer.bias.withUnsafeMutableBufferPointer { b in
                for j in 0..<n { b[j] += v[j] }
            }
        }
    }
}
