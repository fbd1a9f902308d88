import Foundation
import Rectifier
import Testing

/// Denoising auto-encoders: reconstruction costs and their gradients, corruption statistics,
/// learning on real data, and stacks that save, load and fine-tune.
@Suite struct PretrainingTests {
    /// ∂(mean cost)/∂y of every strategy against central differences, on values on both sides
    /// of the kinks.
    @Test(arguments: ReconstructionStrategy.allCases)
    func reconstructionCostGradients(_ strategy: ReconstructionStrategy) {
        let y: [Float] = [-2.5, -0.4, 0.3, 1.7, 3.1, -1.2]
        let x: [Float] = [0, 0.2, 0.9, 1, 0.5, 0.7]
        var gradient = [Float](repeating: 0, count: 6)
        _ = gradient.withUnsafeMutableBufferPointer { strategy.evaluate(y, targets: x, batch: 2, width: 3, gradient: $0.baseAddress!) }
        for i in 0..<6 {
            var plus = y, minus = y
            plus[i] += 1e-3
            minus[i] -= 1e-3
            let numeric = (strategy.evaluate(plus, targets: x, batch: 2, width: 3, gradient: nil)
                - strategy.evaluate(minus, targets: x, batch: 2, width: 3, gradient: nil)) / 2e-3 / 2  // mean over the batch of 2
            #expect(abs(numeric - Double(gradient[i])) < 2e-3, "\(strategy.rawValue) y[\(i)]: \(numeric) vs \(gradient[i])")
        }
    }

    @Test func reconstructionCostsByHand() {
        // quadratic: (0.5 - 0.2)^2 + (1 - 0)^2 = 1.09
        #expect(abs(ReconstructionStrategy.linearQuadratic.evaluate([0.5, 1], targets: [0.2, 0], batch: 1, width: 2, gradient: nil) - 1.09) < 1e-6)
        // rectifier: max(0, -1) = 0 against 0.5 → 0.25
        #expect(abs(ReconstructionStrategy.rectifierQuadratic.evaluate([-1], targets: [0.5], batch: 1, width: 1, gradient: nil) - 0.25) < 1e-6)
        // softplus(0) = ln 2 against 0 → (ln 2)^2
        #expect(abs(ReconstructionStrategy.softplusQuadratic.evaluate([0], targets: [0], batch: 1, width: 1, gradient: nil) - log(2) * log(2)) < 1e-6)
        // cross-entropy at σ(0) = 1/2 for target 1: ln 2
        #expect(abs(ReconstructionStrategy.sigmoidCrossEntropy.evaluate([0], targets: [1], batch: 1, width: 1, gradient: nil) - log(2)) < 1e-6)
        // and it stays finite for huge outputs
        #expect(ReconstructionStrategy.sigmoidCrossEntropy.evaluate([1e4, -1e4], targets: [0, 1], batch: 1, width: 2, gradient: nil).isFinite)
    }

    /// The whole auto-encoder (encoder, decoder, cost, L1 on the code, sign trick) against finite
    /// differences of its objective.
    @Test(arguments: ReconstructionStrategy.allCases)
    func autoencoderParameterGradients(_ strategy: ReconstructionStrategy) {
        var rng = RandomSource(seed: 17)
        let dae = DenoisingAutoencoder(inputSize: 5, hiddenSize: 4, activation: .softplus, signTrick: true, corruption: .none,
                                       strategy: strategy, targets: .identity, rng: &rng)
        let x = Matrix(rows: 3, columns: 5, storage: (0..<15).map { Float(($0 * 7) % 10) / 10 })
        let l1: Float = 0.05
        let la = LinearAlgebra.builtin(threads: 1)
        func objective(_ net: Network) -> Double {
            let ws = Workspace(for: net, capacity: 3)
            net.forward(x.storage, batch: 3, workspace: ws, using: la)
            return strategy.evaluate(ws.outputs[1].pointer, targets: x.storage, batch: 3, width: 5, gradient: nil) / 3
                + net.l1Penalty(l1, batch: 3, workspace: ws)
        }
        var recorder = GradientRecorder(for: dae.network)
        var copy = dae
        var noise = RandomSource(seed: 1)
        copy.trainStep(x.storage, batch: 3, l1: l1, optimizer: &recorder,
                       buffers: .init(for: dae, capacity: 3), noise: &noise, using: la)
        var compared = 0
        for l in 0..<2 {
            for i in dae.network.layers[l].weights.storage.indices {
                var plus = dae.network, minus = dae.network
                plus.layers[l].weights.storage[i] += 1e-3
                minus.layers[l].weights.storage[i] -= 1e-3
                let numeric = (objective(plus) - objective(minus)) / 2e-3
                let analytic = Double(recorder.weightGradients[l].storage[i])
                #expect(abs(numeric - analytic) <= 3e-3 + 2e-2 * abs(analytic), "\(strategy.rawValue) layer \(l) w\(i): \(numeric) vs \(analytic)")
                compared += 1
            }
        }
        #expect(compared == 40)
    }

    @Test func maskingNoiseZeroesTheRequestedFraction() {
        let n = 200_000
        let ones = [Float](repeating: 1, count: n)
        var out = [Float](repeating: 0, count: n)
        var rng = RandomSource(seed: 2)
        Corruption.masking(0.25).apply(ones, into: &out, count: n, rng: &rng)
        let zeroed = Double(out.filter { $0 == 0 }.count) / Double(n)
        #expect(abs(zeroed - 0.25) < 0.005, "masked fraction \(zeroed)")
        #expect(out.allSatisfy { $0 == 0 || $0 == 1 })
    }

    @Test func saltAndPepperSetsExtremesEvenly() {
        let n = 200_000
        let half = [Float](repeating: 0.5, count: n)
        var out = [Float](repeating: 0, count: n)
        var rng = RandomSource(seed: 3)
        Corruption.saltAndPepper(0.2).apply(half, into: &out, count: n, rng: &rng)
        let zeros = Double(out.filter { $0 == 0 }.count) / Double(n)
        let ones = Double(out.filter { $0 == 1 }.count) / Double(n)
        #expect(abs(zeros - 0.1) < 0.005 && abs(ones - 0.1) < 0.005, "pepper \(zeros), salt \(ones)")
        #expect(out.allSatisfy { $0 == 0 || $0 == 1 || $0 == 0.5 })
    }

    @Test func corruptionNamesParse() {
        #expect(Corruption(name: "masking:0.25") == .masking(0.25))
        #expect(Corruption(name: "salt-and-pepper:0.1") == .saltAndPepper(0.1))
        #expect(Corruption(name: "none") == Corruption.none)
        #expect(Corruption(name: "masking:1.5") == nil)
        #expect(Corruption(name: "gaussian:0.1") == nil)
    }

    static var subset: DataSplits {
        let d = TrainingTests.data
        return DataSplits(train: d.train.slice(0..<2000), validation: d.validation.slice(0..<500), test: d.test)
    }

    /// Two epochs of pre-training on real digits lower the validation reconstruction cost, for
    /// each reconstruction strategy.
    @Test(arguments: ReconstructionStrategy.allCases)
    func reconstructionImprovesOnRealData(_ strategy: ReconstructionStrategy) throws {
        var config = PretrainingConfig()
        config.hiddenSizes = [200, 100]
        config.strategy = strategy
        config.epochs = 3
        config.learningRates = [0.01]
        var epochs: [PretrainingEpoch] = []
        let data = Self.subset
        let stack = try StackedPretraining(config: config, linearAlgebra: .builtin()).run(
            train: data.train.inputs, validation: data.validation.inputs, events: { epochs.append($0) })
        #expect(stack.layers.count == 2 && epochs.count == 6)
        var initialRNG = RandomSource(seed: config.seed).derived("layer0/init")
        let untrained = DenoisingAutoencoder(inputSize: 784, hiddenSize: 200, activation: .rectifier, signTrick: false,
                                             corruption: config.corruption, strategy: strategy, targets: .identity, rng: &initialRNG)
        let before = untrained.reconstructionError(data.validation.inputs, using: .builtin()).cost
        let layer1 = epochs.filter { $0.layer == 1 }.map(\.validationReconstruction)
        #expect(layer1.last! < layer1.first!, "\(strategy.rawValue): \(layer1)")
        #expect(layer1.first! < before, "\(strategy.rawValue): untrained \(before), after one epoch \(layer1.first!)")
        let layer2 = epochs.filter { $0.layer == 2 }.map(\.validationReconstruction)
        #expect(layer2.last! < layer2.first!, "\(strategy.rawValue) layer 2: \(layer2)")
    }

    @Test func learningRateIsChosenFromTheGridByValidationCost() throws {
        // (selection trains each candidate one epoch here; the default is 3)
        var config = PretrainingConfig()
        config.hiddenSizes = [100]
        config.epochs = 2
        config.selectionEpochs = 1
        config.learningRateGrid = [0.01, 1e-6]
        let stack = try StackedPretraining(config: config, linearAlgebra: .builtin()).run(
            train: Self.subset.train.inputs, validation: Self.subset.validation.inputs)
        let report = stack.reports[0]
        #expect(report.candidates.map(\.learningRate) == [0.01, 1e-6])
        #expect(report.learningRate == 0.01, "a rate of 1e-6 cannot reconstruct better after one epoch")
        #expect(stack.reports[0].finalValidationReconstruction < report.candidates[0].validationReconstruction,
                "the winner goes on training")
        #expect(report.candidates[0].validationReconstruction < report.candidates[1].validationReconstruction)
    }

    /// Cross-entropy on rectifier codes: codes are divided by their maximum during pre-training
    /// and the scale is folded into the next layer's weights, so the stack sees raw codes. The
    /// stack's second layer on raw codes must then reproduce what the auto-encoder measured on
    /// scaled codes: the exact sparsity of its codes on the validation set.
    @Test(arguments: CodeScaling.allCases)
    func codeScalingIsFoldedIntoTheWeights(_ scaling: CodeScaling) throws {
        var config = PretrainingConfig()
        config.hiddenSizes = [50, 40]
        config.strategy = .sigmoidCrossEntropy
        config.scaling = scaling
        config.epochs = 1
        config.learningRates = [0.01]
        var epochs: [PretrainingEpoch] = []
        let la = LinearAlgebra.builtin(threads: 1)
        let stack = try StackedPretraining(config: config, linearAlgebra: la).run(
            train: Self.subset.train.inputs, validation: Self.subset.validation.inputs, events: { epochs.append($0) })
        #expect(stack.reports[0].inputScale.isEmpty, "pixels are already in [0, 1]")
        let scale = stack.reports[1].inputScale
        #expect(scale.count == 50 && scale.allSatisfy { $0 > 0 })
        if scaling == .globalMax { #expect(Set(scale).count == 1) } else { #expect(Set(scale).count > 1) }
        // The scale is the largest training code of each unit (or of the layer).
        let codes = Network(layers: [stack.layers[0]]).outputs(of: 0, for: Self.subset.train.inputs, using: la)
        let maxima = (0..<50).map { c in (0..<codes.rows).map { codes[$0, c] }.max()! }
        let expected = scaling == .globalMax ? [Float](repeating: maxima.max()!, count: 50) : maxima.map { $0 > 1e-12 ? $0 : 1 }
        #expect(scale == expected)
        let layer2 = Network(layers: Array(stack.layers))
        let raw = try #require(epochs.last { $0.layer == 2 })
        var zeros = 0
        layer2.forwardAll(Self.subset.validation.inputs, using: la) { range, ws in
            for i in 0..<(range.count * 40) where ws.outputs[1].pointer[i] == 0 { zeros += 1 }
        }
        let sparsity = Double(zeros) / Double(Self.subset.validation.count * 40)
        #expect(raw.validationSparsity > 0.05, "rectifier codes with some zeros, or the check says nothing")
        #expect(abs(sparsity - raw.validationSparsity) < 0.002, "stack on raw codes \(sparsity), encoder on scaled codes \(raw.validationSparsity)")
        // Without the fold the same encoder on raw codes gives other codes.
        var unfolded = stack.layers[1]
        for r in 0..<50 { for c in 0..<40 { unfolded.weights[r, c] *= scale[r] } }
        let wrong = Network(layers: [stack.layers[0], unfolded]).outputs(of: 1, for: Self.subset.validation.inputs, using: la)
        let wrongSparsity = Double(wrong.storage.filter { $0 == 0 }.count) / Double(wrong.storage.count)
        #expect(abs(wrongSparsity - raw.validationSparsity) > 0.01, "the check must tell a missing fold apart")
    }

    @Test func stackSavesLoadsAndFineTunes() throws {
        var config = PretrainingConfig()
        config.hiddenSizes = [100, 100]
        config.epochs = 1
        config.learningRates = [0.01, 0.001]  // unbounded rectifier codes need the smaller rate
        config.signTrick = true
        let data = Self.subset
        let stack = try StackedPretraining(config: config, linearAlgebra: .builtin()).run(
            train: data.train.inputs, validation: data.validation.inputs)
        let path = TestSupport.temporaryDirectory() + "/stack.safetensors"
        try stack.save(to: path)
        let loaded = try PretrainedStack.load(from: path)
        #expect(loaded == stack)
        #expect(loaded.shape.signTrick && loaded.shape.hiddenSizes == [100, 100])
        var rng = RandomSource(seed: 1)
        let network = loaded.classifier(classes: 10, rng: &rng)
        #expect(Array(network.layers.prefix(2)) == stack.layers)
        var training = TrainingConfig()
        training.hiddenSizes = [100, 100]
        training.epochs = 2
        training.learningRate = 0.05
        let trainer = Trainer(config: training, linearAlgebra: .builtin())
        var state = trainer.initialState(for: data, network: network)
        trainer.run(&state, data: data)
        #expect(state.bestValidationError < 0.2, "fine-tuned validation error \(state.bestValidationError)")
        // a model file is not a stack
        let modelPath = TestSupport.temporaryDirectory() + "/model.safetensors"
        try network.save(to: modelPath)
        #expect(throws: FileError.self) { try PretrainedStack.load(from: modelPath) }
    }

    @Test func labelFractionKeepsAStratifiedSample() {
        var config = TrainingConfig()
        config.labelFraction = 0.05
        let full = TrainingTests.data.train
        let sample = Trainer(config: config, linearAlgebra: .builtin()).labelledTraining(full)
        #expect(abs(sample.count - 250) <= 10)
        #expect(sample.classCounts.allSatisfy { $0 >= 18 })
        config.labelFraction = 1
        #expect(Trainer(config: config, linearAlgebra: .builtin()).labelledTraining(full).count == full.count)
    }
}

extension PretrainingTests {
    /// Selection never trains longer than the configured epochs, and a stop request cancels.
    @Test func selectionIsBoundedByEpochsAndCanBeCancelled() throws {
        var config = PretrainingConfig()
        config.hiddenSizes = [30]
        config.epochs = 1  // below the default selection budget of 3
        config.learningRateGrid = [0.01, 0.001]
        var epochs: [PretrainingEpoch] = []
        _ = try StackedPretraining(config: config, linearAlgebra: .builtin()).run(
            train: Self.subset.train.inputs, validation: Self.subset.validation.inputs, events: { epochs.append($0) })
        #expect(epochs.count == 1)
        var steps = 0
        #expect(throws: CancellationError.self) {
            try StackedPretraining(config: config, linearAlgebra: .builtin()).run(
                train: Self.subset.train.inputs, validation: Self.subset.validation.inputs,
                shouldStop: { steps += 1; return steps > 20 })
        }
    }
}
