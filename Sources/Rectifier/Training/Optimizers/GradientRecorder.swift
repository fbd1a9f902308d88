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
        biasGradients[index].withUnsafeMutableBufferPointer { g in
            g.update(repeating: 0)
            la.addColumnSums(of: delta, rows: batch, columns: n, scaledBy: 1, to: g.baseAddress!)
        }
    }
}
