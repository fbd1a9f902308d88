import Rectifier
import Testing

/// Update rules: each follows its formula, and the sparse kernels' fused updates give what the
/// generic path gives, for every optimizer and setting.
@Suite struct OptimizerTests {
    /// Every registered optimizer, with and without momentum.
    static let settings: [(String, Float)] = Optimizers.all.flatMap { type in [(type.name, Float(0)), (type.name, Float(0.9))] }

    /// Nesterov momentum, two steps by hand from recorded gradients: v ← μv - ηg, θ ← θ + μv - ηg.
    @Test func nesterovFollowsItsRule() {
        let p = GradientCheckTests.problem(.rectifier, signTrick: true, seed: 23)
        let (lr, mu): (Float, Float) = (0.1, 0.9)
        var net = p.network
        var optimizer = Nesterov(learningRate: lr, momentum: mu, for: net)
        let ws = Workspace(for: net, capacity: 4)
        for (i, y) in p.labels.enumerated() { ws.labels[i] = y }
        var expected = p.network
        var v = p.network.layers.map { [Float](repeating: 0, count: $0.weights.storage.count) }
        var vb = p.network.layers.map { [Float](repeating: 0, count: $0.bias.count) }
        for _ in 0..<2 {
            let g = GradientCheckTests.analyticGradients(.init(network: expected, x: p.x, labels: p.labels), l1: 0.01)
            for l in expected.layers.indices {
                for i in v[l].indices {
                    v[l][i] = mu * v[l][i] - lr * g.weightGradients[l].storage[i]
                    expected.layers[l].weights.storage[i] += mu * v[l][i] - lr * g.weightGradients[l].storage[i]
                }
                for j in vb[l].indices {
                    vb[l][j] = mu * vb[l][j] - lr * g.biasGradients[l][j]
                    expected.layers[l].bias[j] += mu * vb[l][j] - lr * g.biasGradients[l][j]
                }
            }
            p.x.storage.withUnsafeBufferPointer {
                _ = net.trainStep($0.baseAddress!, batch: 4, l1: 0.01, optimizer: &optimizer, workspace: ws, using: .builtin(threads: 1))
            }
        }
        for l in net.layers.indices {
            #expect(TestSupport.maxRelativeError(net.layers[l].weights.storage, expected.layers[l].weights.storage) < 1e-5)
            #expect(TestSupport.maxRelativeError(net.layers[l].bias, expected.layers[l].bias) < 1e-5)
        }
    }

    /// Three steps with the sparse kernels wherever they can run against three with dense
    /// products only, on inputs with 70% zeros, dense and CSR, at a small and a large batch:
    /// the same parameters, whichever path applied the optimizer's rule.
    @Test(arguments: settings, [8, 64])
    func fusedAndGenericPathsAgree(setting: (String, Float), batch: Int) {
        let (name, momentum) = setting
        let x = BatchPipelineTests.sparseRows(batch, 50, density: 0.3, seed: 31)
        var rng = RandomSource(seed: 32)
        let start = Network(Architecture(inputSize: 50, hiddenSizes: [40, 33], classes: 3, activation: .rectifier), rng: &rng)
        let labels = (0..<batch).map { Int32($0 % 3) }
        for input in [Inputs.dense(x), Inputs.sparse(SparseMatrix(x))] {
            func train(_ sparsity: SparsityPolicy) -> Network {
                var net = start
                var optimizer = Optimizers.named(name)!.init(learningRate: 0.05, momentum: momentum, for: net)
                let ws = Workspace(for: net, capacity: batch)
                let minibatch = Minibatch(capacity: batch, for: Dataset(name: "x", inputs: input, labels: labels, classes: 3))
                minibatch.gather(Dataset(name: "x", inputs: input, labels: labels, classes: 3), rows: Array(0..<batch))
                for _ in 0..<3 {
                    _ = net.trainStep(minibatch, l1: 0.001, optimizer: &optimizer, workspace: ws,
                                      using: LinearAlgebra.builtin(threads: 2).with(sparsity: sparsity))
                }
                return net
            }
            let (fused, generic) = (train(.always), train(.never))
            #expect(fused != start, "the steps changed nothing")
            for l in fused.layers.indices {
                #expect(TestSupport.maxRelativeError(fused.layers[l].weights.storage, generic.layers[l].weights.storage) < 1e-5,
                        "\(name) μ=\(momentum), layer \(l), \(input.isSparse ? "CSR" : "dense") input")
                #expect(TestSupport.maxRelativeError(fused.layers[l].bias, generic.layers[l].bias) < 1e-5)
            }
        }
    }

    /// Only a rule with nothing but a multiple of the gradient lets the kernels apply it.
    @Test func onlyPlainRulesAreFused() {
        var rng = RandomSource(seed: 1)
        let net = Network(Architecture(inputSize: 4, hiddenSizes: [3], classes: 2, activation: .rectifier), rng: &rng)
        #expect(SGD(learningRate: 0.1, for: net).gradientScale(layer: 0) == -0.1)
        #expect(SGD(learningRate: 0.1, momentum: 0.5, for: net).gradientScale(layer: 0) == nil)
        #expect(Nesterov(learningRate: 0.1, momentum: 0.5, for: net).gradientScale(layer: 0) == nil)
        #expect(GradientRecorder(for: net).gradientScale(layer: 0) == nil)
    }
}
