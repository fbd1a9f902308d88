import Foundation
import Rectifier
import Testing

/// Activations, softmax-NLL and the L1 penalty against hand-computed values.
@Suite struct LayerTests {
    @Test func activationValues() {
        #expect(Activation.rectifier(-2) == 0)
        #expect(Activation.rectifier(3) == 3)
        #expect(abs(Activation.softplus(0) - log(2)) < 1e-6)
        #expect(abs(Activation.softplus(1) - Float(log(1 + exp(1.0)))) < 1e-6)
        #expect(abs(Activation.tanh(0.5) - Float(tanh(0.5))) < 1e-6)
        #expect(abs(Activation.sigmoid(0) - 0.5) < 1e-7)
        #expect(abs(Activation.rescaledSoftplus(2)(1) - Float(log(1 + exp(2.0)) / 2)) < 1e-6)
        #expect(Activation.linear(-4) == -4)
        #expect(Activation.softsign(1) == 0.5 && Activation.softsign(-3) == -0.75 && Activation.softsign(.infinity) == 1)
    }

    @Test func activationsStayFiniteOnExtremeInputs() {
        for a in [Activation.softplus, .rescaledSoftplus(6), .sigmoid, .tanh, .softsign, .rectifier] {
            for x: Float in [-1e4, 1e4, -.infinity, .infinity, -88.8, 88.8] {
                let y = a(x)
                #expect(!y.isNaN, "\(a.name)(\(x)) is NaN")
                #expect(!a.derivative(output: min(y, 1e30)).isNaN)
            }
        }
        #expect(Activation.softplus(1e4) == 1e4)
        #expect(Activation.softplus(-1e4) == 0)
        #expect(Activation.sigmoid(-1e4) == 0)
        #expect(Activation.sigmoid(1e4) == 1)
    }

    @Test func derivativesFromOutputsMatchDefinitions() {
        for x: Float in [-3, -0.7, 0.2, 1.5, 4] {
            #expect(abs(Activation.softplus.derivative(output: Activation.softplus(x)) - 1 / (1 + exp(-x))) < 1e-5)
            #expect(abs(Activation.tanh.derivative(output: Activation.tanh(x)) - (1 - tanh(x) * tanh(x))) < 1e-5)
            #expect(abs(Activation.softsign.derivative(output: Activation.softsign(x)) - 1 / ((1 + abs(x)) * (1 + abs(x)))) < 1e-5)
            let s = 1 / (1 + exp(-x))
            #expect(abs(Activation.sigmoid.derivative(output: Activation.sigmoid(x)) - s * (1 - s)) < 1e-5)
            #expect(abs(Activation.rescaledSoftplus(3).derivative(output: Activation.rescaledSoftplus(3)(x)) - 1 / (1 + exp(-3 * x))) < 1e-5)
        }
        #expect(Activation.rectifier.derivative(output: 0) == 0)
        #expect(Activation.rectifier.derivative(output: 2) == 1)
    }

    /// What each activation declares about itself holds for its function: the range of its
    /// outputs, whether they are bounded, whether inactive units are exact zeros with zero
    /// derivative.
    @Test(arguments: Activation.allKinds)
    func declaredPropertiesHold(a: Activation) {
        let xs = stride(from: Float(-30), through: 30, by: 0.37).map { $0 } + [-1e4, 1e4]
        let ys = xs.map { a($0) }
        switch a.outputRange {
        case .nonNegative: #expect(ys.allSatisfy { $0 >= 0 })
        case .unitInterval: #expect(ys.allSatisfy { $0 >= 0 && $0 <= 1 })
        case .symmetricUnitInterval: #expect(ys.allSatisfy { $0 >= -1 && $0 <= 1 } && ys.contains { $0 < 0 })
        case .real: #expect(ys.contains { $0 < -100 } && ys.contains { $0 > 100 })
        }
        #expect(a.isBounded == (ys.map(abs).max()! <= 1), "\(a.name)")
        let inactive = xs.filter { $0 < 0 }
        let exactZeros = inactive.allSatisfy { a($0) == 0 && a.derivative(output: a($0)) == 0 }
        #expect(a.hasExactZeros == exactZeros, "\(a.name)")
    }

    @Test func activationNamesRoundTrip() {
        for a in Activation.allKinds + [.rescaledSoftplus(2.5)] {
            #expect(Activation(name: a.name) == a)
        }
        #expect(Activation(name: "relu") == .rectifier)
        #expect(Activation(name: "swish") == nil)
        #expect(Activation(name: "rescaled-softplus:-1") == nil)
    }

    /// logits (0, ln 3): P = (1/4, 3/4); label 1 → loss -ln(3/4), gradient (1/4, -1/4) / batch.
    @Test func softmaxNLLByHand() {
        let logits: [Float] = [0, Float(log(3.0)), 2, 0]
        let labels: [Int32] = [1, 1]
        var grad = [Float](repeating: 0, count: 4)
        let r = grad.withUnsafeMutableBufferPointer { g in
            SoftmaxCrossEntropy.evaluate(logits: logits, labels: labels, batch: 2, classes: 2, gradient: g.baseAddress!)
        }
        let p2 = 1 / (1 + exp(2.0))  // P(label 1) for logits (2, 0)
        #expect(abs(r.lossSum - (-log(0.75) - log(p2))) < 1e-5)
        #expect(r.correct == 1)
        #expect(abs(grad[0] - 0.125) < 1e-6 && abs(grad[1] + 0.125) < 1e-6)
        #expect(abs(Double(grad[3]) - (p2 - 1) / 2) < 1e-6)
    }

    @Test func softmaxNLLSurvivesHugeLogits() {
        let logits: [Float] = [1e4, -1e4, 0]
        let labels: [Int32] = [1]
        var grad = [Float](repeating: 0, count: 3)
        let r = grad.withUnsafeMutableBufferPointer { g in
            SoftmaxCrossEntropy.evaluate(logits: logits, labels: labels, batch: 1, classes: 3, gradient: g.baseAddress!)
        }
        #expect(abs(r.lossSum - 2e4) < 1)
        #expect(grad.allSatisfy { $0.isFinite })
    }

    /// Penalty = l1 × Σ_layers mean_batch Σ_j |h_j|, computed by hand for a known network.
    @Test func l1PenaltyByHand() {
        // One hidden layer of 2 linear units with identity weights, so h = x.
        let hidden = DenseLayer(weights: Matrix(rows: 2, columns: 2, storage: [1, 0, 0, 1]), bias: [0, 0], activation: .linear)
        let output = DenseLayer(weights: Matrix(rows: 2, columns: 2), bias: [0, 0], activation: .linear)
        let net = Network(layers: [hidden, output])
        let ws = Workspace(for: net, capacity: 2)
        let x: [Float] = [1, -2, 3, 0.5]
        net.forward(x, batch: 2, workspace: ws, using: .builtin(threads: 1))
        // mean over 2 rows of (|1| + |-2|) and (|3| + |0.5|) = (3 + 3.5) / 2 = 3.25
        #expect(abs(net.l1Penalty(0.1, batch: 2, workspace: ws) - 0.325) < 1e-6)
    }

    @Test func glorotUniformInitialisation() {
        var rng = RandomSource(seed: 3)
        let layer = DenseLayer(inputSize: 784, outputSize: 1000, activation: .rectifier, signTrick: true, rng: &rng)
        let limit = (6.0 / Float(1784)).squareRoot()
        #expect(layer.weights.storage.allSatisfy { abs($0) <= limit })
        #expect(layer.weights.storage.map(abs).max()! > 0.99 * limit)
        let mean = layer.weights.storage.reduce(0, +) / Float(layer.weights.storage.count)
        #expect(abs(mean) < 0.01 * limit)
        #expect(layer.bias.allSatisfy { $0 == 0 })
        let negatives = layer.signs!.filter { $0 == -1 }.count
        #expect(layer.signs!.allSatisfy { $0 == 1 || $0 == -1 })
        #expect((430...570).contains(negatives), "about half the signs should be -1, got \(negatives)")
    }
}
