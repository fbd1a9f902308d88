import Rectifier
import Testing

/// Back-propagation against central finite differences of the objective
/// mean NLL + l1 × Σ_layers mean_batch Σ|h|, for every activation, with and without the
/// sign trick and the L1 term.
@Suite struct GradientCheckTests {
    struct Problem {
        var network: Network
        var x: Matrix
        var labels: [Int32]
    }

    static func problem(_ activation: Activation, signTrick: Bool, seed: UInt64) -> Problem {
        var rng = RandomSource(seed: seed)
        let arch = Architecture(inputSize: 6, hiddenSizes: [5, 4], classes: 3, activation: activation, signTrick: signTrick)
        var net = Network(arch, rng: &rng)
        // Non-zero biases so that every code path (including bias gradients) matters.
        for l in net.layers.indices { net.layers[l].bias = net.layers[l].bias.map { _ in rng.nextFloat(symmetric: 0.3) } }
        let x = TestSupport.randomMatrix(4, 6, seed: seed + 1)
        return Problem(network: net, x: x, labels: [0, 2, 1, 2])
    }

    /// The objective and the zero pattern of the hidden outputs (to detect rectifier kinks).
    static func objective(_ net: Network, _ p: Problem, l1: Float) -> (Double, [Bool]) {
        let la = LinearAlgebra.builtin(threads: 1)
        let ws = Workspace(for: net, capacity: p.x.rows)
        for (i, y) in p.labels.enumerated() { ws.labels[i] = y }
        p.x.storage.withUnsafeBufferPointer { net.forward($0.baseAddress!, batch: p.x.rows, workspace: ws, using: la) }
        let top = net.layers.count - 1
        let nll = SoftmaxCrossEntropy.evaluate(logits: ws.outputs[top].pointer, labels: ws.labels.baseAddress!,
                                               batch: p.x.rows, classes: 3).lossSum / Double(p.x.rows)
        var zeros: [Bool] = []
        for l in 0..<top { zeros += ws.outputs[l].array(p.x.rows * net.layers[l].outputSize).map { $0 == 0 } }
        return (nll + net.l1Penalty(l1, batch: p.x.rows, workspace: ws), zeros)
    }

    static func analyticGradients(_ p: Problem, l1: Float) -> GradientRecorder {
        var net = p.network
        var recorder = GradientRecorder(for: net)
        let ws = Workspace(for: net, capacity: p.x.rows)
        for (i, y) in p.labels.enumerated() { ws.labels[i] = y }
        p.x.storage.withUnsafeBufferPointer {
            _ = net.trainStep($0.baseAddress!, batch: p.x.rows, l1: l1, optimizer: &recorder, workspace: ws,
                              using: .builtin(threads: 1))
        }
        #expect(net == p.network, "recording gradients must not change the parameters")
        return recorder
    }

    /// Compares every weight and bias gradient with (f(θ+ε) - f(θ-ε)) / 2ε; returns how many
    /// coordinates were compared.
    static func check(_ activation: Activation, signTrick: Bool, l1: Float, seed: UInt64) -> Int {
        let p = problem(activation, signTrick: signTrick, seed: seed)
        let grads = analyticGradients(p, l1: l1)
        let eps: Float = 1e-3
        var compared = 0
        for l in p.network.layers.indices {
            let layer = p.network.layers[l]
            let coordinates = (0..<layer.weights.storage.count).map { (true, $0) } + (0..<layer.bias.count).map { (false, $0) }
            for (isWeight, i) in coordinates {
                var plus = p, minus = p
                if isWeight {
                    plus.network.layers[l].weights.storage[i] += eps
                    minus.network.layers[l].weights.storage[i] -= eps
                } else {
                    plus.network.layers[l].bias[i] += eps
                    minus.network.layers[l].bias[i] -= eps
                }
                let (fPlus, zPlus) = objective(plus.network, p, l1: l1)
                let (fMinus, zMinus) = objective(minus.network, p, l1: l1)
                if zPlus != zMinus { continue }  // a rectifier crossed its kink: no derivative to compare
                let numeric = (fPlus - fMinus) / Double(2 * eps)
                let analytic = Double(isWeight ? grads.weightGradients[l].storage[i] : grads.biasGradients[l][i])
                #expect(abs(numeric - analytic) <= 2e-3 + 2e-2 * abs(analytic),
                        "\(activation.name) signTrick=\(signTrick) l1=\(l1) layer \(l) \(isWeight ? "weight" : "bias") \(i): numeric \(numeric), analytic \(analytic)")
                compared += 1
            }
        }
        return compared
    }

    static let activations = Activation.allKinds

    @Test(arguments: activations)
    func plainNLL(_ activation: Activation) {
        #expect(Self.check(activation, signTrick: false, l1: 0, seed: 11) > 40)
    }

    @Test(arguments: activations)
    func withL1Penalty(_ activation: Activation) {
        #expect(Self.check(activation, signTrick: false, l1: 0.05, seed: 12) > 40)
    }

    @Test(arguments: activations)
    func withSignTrickAndL1(_ activation: Activation) {
        #expect(Self.check(activation, signTrick: true, l1: 0.05, seed: 13) > 40)
    }

    /// ∂loss/∂input of one dense layer, for the loss Σ c ⊙ output with fixed random c.
    @Test(arguments: activations)
    func denseLayerInputGradient(_ activation: Activation) {
        var rng = RandomSource(seed: 5)
        var layer = DenseLayer(inputSize: 7, outputSize: 5, activation: activation, signTrick: true, rng: &rng)
        let x = TestSupport.randomMatrix(3, 7, seed: 6)
        let c = TestSupport.randomMatrix(3, 5, seed: 7)
        let la = LinearAlgebra.builtin(threads: 1)
        func loss(_ x: Matrix) -> (Double, [Bool]) {
            var out = [Float](repeating: 0, count: 15)
            x.storage.withUnsafeBufferPointer { xp in
                out.withUnsafeMutableBufferPointer { layer.forward(xp.baseAddress!, batch: 3, into: $0.baseAddress!, using: la) }
            }
            return (zip(out, c.storage).reduce(0.0) { $0 + Double($1.0 * $1.1) }, out.map { $0 == 0 })
        }
        var out = [Float](repeating: 0, count: 15)
        var delta = c.storage
        var dx = [Float](repeating: 0, count: 21)
        var recorder = GradientRecorder(for: Network(layers: [layer]))
        x.storage.withUnsafeBufferPointer { xp in
            out.withUnsafeMutableBufferPointer { layer.forward(xp.baseAddress!, batch: 3, into: $0.baseAddress!, using: la) }
            out.withUnsafeBufferPointer { op in
                delta.withUnsafeMutableBufferPointer { dp in
                    dx.withUnsafeMutableBufferPointer { dxp in
                        layer.backward(input: .dense(xp.baseAddress!), output: op.baseAddress!, delta: dp.baseAddress!,
                                       inputGradient: dxp.baseAddress!, batch: 3, l1: 0, layerIndex: 0,
                                       optimizer: &recorder, using: la)
                    }
                }
            }
        }
        let eps: Float = 1e-3
        var compared = 0
        for i in 0..<21 {
            var xp = x, xm = x
            xp.storage[i] += eps
            xm.storage[i] -= eps
            let (fp, zp) = loss(xp), (fm, zm) = loss(xm)
            if zp != zm { continue }
            let numeric = (fp - fm) / Double(2 * eps)
            #expect(abs(numeric - Double(dx[i])) <= 2e-3 + 2e-2 * abs(Double(dx[i])), "\(activation.name) input \(i): \(numeric) vs \(dx[i])")
            compared += 1
        }
        #expect(compared > 15)
    }

    /// The fused SGD update (W ← W - η Xᵀδ inside the GEMM) equals W - η × recorded gradient;
    /// with momentum, two steps follow v ← μv - ηg, W ← W + v.
    @Test(arguments: [Float(0), 0.9])
    func sgdAppliesTheRecordedGradient(momentum: Float) {
        let p = Self.problem(.rectifier, signTrick: true, seed: 21)
        let lr: Float = 0.1
        var net = p.network
        var sgd = SGD(learningRate: lr, momentum: momentum, for: net)
        let ws = Workspace(for: net, capacity: 4)
        for (i, y) in p.labels.enumerated() { ws.labels[i] = y }
        var expected = p.network
        var velocity = p.network.layers.map { [Float](repeating: 0, count: $0.weights.storage.count) }
        var biasVelocity = p.network.layers.map { [Float](repeating: 0, count: $0.bias.count) }
        for _ in 0..<2 {
            let g = Self.analyticGradients(Problem(network: expected, x: p.x, labels: p.labels), l1: 0.01)
            for l in expected.layers.indices {
                for i in velocity[l].indices {
                    velocity[l][i] = momentum * velocity[l][i] - lr * g.weightGradients[l].storage[i]
                    expected.layers[l].weights.storage[i] += velocity[l][i]
                }
                for j in biasVelocity[l].indices {
                    biasVelocity[l][j] = momentum * biasVelocity[l][j] - lr * g.biasGradients[l][j]
                    expected.layers[l].bias[j] += biasVelocity[l][j]
                }
            }
            p.x.storage.withUnsafeBufferPointer {
                _ = net.trainStep($0.baseAddress!, batch: 4, l1: 0.01, optimizer: &sgd, workspace: ws, using: .builtin(threads: 1))
            }
        }
        for l in net.layers.indices {
            #expect(TestSupport.maxRelativeError(net.layers[l].weights.storage, expected.layers[l].weights.storage) < 1e-5)
            #expect(TestSupport.maxRelativeError(net.layers[l].bias, expected.layers[l].bias) < 1e-5)
        }
    }
}
