/// SGD with Nesterov momentum (Sutskever et al. 2013, in the form of Bengio et al. 2012 that
/// needs no look-ahead pass): v ← μv - η∇, θ ← θ + μv - η∇, the momentum step evaluated
/// one velocity ahead. With μ = 0 it is plain SGD.
public struct Nesterov: TrainingOptimizer, Equatable {
    public static let name = "nesterov"
    /// Step size η.
    public var learningRate: Float
    /// Momentum μ.
    public let momentum: Float
    public private(set) var velocities: Velocities
    /// ∇W of the layer being updated (one buffer, as large as the largest layer).
    private var gradient: [Float]

    public init(learningRate: Float, momentum: Float, for network: Network) {
        self.learningRate = learningRate
        self.momentum = momentum
        velocities = Velocities(for: network.layers)
        gradient = [Float](repeating: 0, count: network.layers.map { $0.inputSize * $0.outputSize }.max() ?? 0)
    }

    public var state: [String: SafeTensors.Tensor] { velocities.tensors }

    public mutating func restore(_ state: [String: SafeTensors.Tensor]) throws { try velocities.restore(state) }

    public mutating func update(_ layer: inout DenseLayer, index: Int, input: BatchInput,
                                delta: UnsafePointer<Float>, batch: Int, using la: LinearAlgebra) {
        let (m, n) = (layer.inputSize, layer.outputSize)
        let (eta, mu) = (learningRate, momentum)
        gradient.withUnsafeMutableBufferPointer { g in
            la.gemmTransposedInput(input, batch: batch, m: m, n: n, alpha: 1, d: delta, beta: 0, c: g.baseAddress!)
            velocities.weights[index].storage.withUnsafeMutableBufferPointer { v in
                layer.weights.storage.withUnsafeMutableBufferPointer { w in
                    for i in 0..<(m * n) {
                        v[i] = mu * v[i] - eta * g[i]
                        w[i] += mu * v[i] - eta * g[i]
                    }
                }
            }
            g.baseAddress!.update(repeating: 0, count: n)
            la.addColumnSums(of: delta, rows: batch, columns: n, scaledBy: 1, to: g.baseAddress!)
            velocities.bias[index].withUnsafeMutableBufferPointer { v in
                layer.bias.withUnsafeMutableBufferPointer { b in
                    for j in 0..<n {
                        v[j] = mu * v[j] - eta * g[j]
                        b[j] += mu * v[j] - eta * g[j]
                    }
                }
            }
        }
    }
}
