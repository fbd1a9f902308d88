import Foundation
import Rectifier
import Testing

/// Checkpoints, resumed runs, divergence detection and extreme inputs.
@Suite(.serialized) struct ReliabilityTests {
    static let data: DataSplits = {
        let d = TrainingTests.data
        return DataSplits(train: d.train.slice(0..<600), validation: d.validation.slice(0..<200), test: d.test.slice(0..<200))
    }()

    static func config(momentum: Float = 0, optimizer: String? = nil) -> TrainingConfig {
        var c = TrainingConfig()
        c.optimizer = optimizer
        c.hiddenSizes = [40, 30]
        c.epochs = 3
        c.learningRate = 0.05
        c.momentum = momentum
        c.signTrick = true
        c.seed = 5
        return c
    }

    /// Metrics without their timings (which differ between runs).
    static func timeless(_ history: [EpochMetrics]) -> [EpochMetrics] {
        history.map { var m = $0; m.trainSeconds = 0; m.samplesPerSecond = 0; m.evaluationSeconds = 0; return m }
    }

    /// Every optimizer setting: plain SGD, momentum, Nesterov momentum.
    static let optimizers: [(String?, Float)] = [(nil, 0), (nil, 0.9), (Nesterov.name, 0.9)]

    @Test(arguments: optimizers)
    func checkpointRoundTrip(optimizer: String?, momentum: Float) throws {
        let trainer = Trainer(config: Self.config(momentum: momentum, optimizer: optimizer), linearAlgebra: .builtin(threads: 1))
        var state = trainer.initialState(for: Self.data)
        var steps = 0
        trainer.run(&state, data: Self.data, shouldStop: { steps += 1; return steps > 75 })  // mid-epoch 2
        #expect(state.epoch == 1 && state.position > 0)
        let checkpoint = Checkpoint(state: state, config: trainer.config, data: DataFingerprint(Self.data), elapsedSeconds: 12.5,
                                    backend: "test backend")
        var decoded = try Checkpoint.decode(try checkpoint.encoded(), path: "x")
        #expect(decoded.state.order.indices.isEmpty, "the order is rebuilt only once the data is known")
        #expect(decoded.elapsedSeconds == 12.5 && decoded.backend == "test backend")
        let restored = decoded.state.order.restore(examples: Self.data.train.count)
        #expect(restored)
        #expect(decoded == checkpoint)
        #expect(decoded.state.epochStart != nil, "a mid-epoch checkpoint keeps the epoch's start")
    }

    /// Stop mid-epoch, save, load, continue: the same network and history as one uninterrupted run.
    @Test(arguments: optimizers)
    func resumedRunMatchesUninterruptedRun(optimizer: String?, momentum: Float) throws {
        let trainer = Trainer(config: Self.config(momentum: momentum, optimizer: optimizer), linearAlgebra: .builtin(threads: 2))
        var straight = trainer.initialState(for: Self.data)
        #expect(trainer.run(&straight, data: Self.data) == .finished)

        var interrupted = trainer.initialState(for: Self.data)
        var steps = 0
        #expect(trainer.run(&interrupted, data: Self.data, shouldStop: { steps += 1; return steps > 97 }) == .stopped)
        let path = TestSupport.temporaryDirectory() + "/checkpoint.bin"
        try Checkpoint(state: interrupted, config: trainer.config, data: DataFingerprint(Self.data)).write(to: path)
        var resumed = try Checkpoint.read(path).state
        #expect(trainer.run(&resumed, data: Self.data) == .finished)

        #expect(resumed.network == straight.network)
        #expect(resumed.best == straight.best)
        #expect(Self.timeless(resumed.history) == Self.timeless(straight.history))
    }

    /// Every single corrupted byte, and every truncation, is refused with a FileError.
    @Test func corruptedCheckpointsAreRefused() throws {
        var c = Self.config()
        c.hiddenSizes = [3]
        c.epochs = 1
        let small = DataSplits(train: Self.data.train.slice(0..<20), validation: Self.data.validation.slice(0..<5), test: Self.data.test)
        let trainer = Trainer(config: c, linearAlgebra: .builtin(threads: 1))
        var state = trainer.initialState(for: small)
        trainer.run(&state, data: small)
        let bytes = try Checkpoint(state: state, config: c, data: DataFingerprint(small)).encoded()
        #expect(try Checkpoint.decode(bytes, path: "ok") == Checkpoint(state: state, config: c, data: DataFingerprint(small)))
        var accepted: [Int] = []
        for i in bytes.indices {
            var corrupt = bytes
            corrupt[i] ^= 0x5A
            if (try? Checkpoint.decode(corrupt, path: "bad")) != nil { accepted.append(i) }
        }
        #expect(accepted.isEmpty, "corrupted bytes accepted at \(accepted.prefix(10))")
        for length in stride(from: 0, to: bytes.count, by: max(1, bytes.count / 300)) {
            #expect(throws: FileError.self) { try Checkpoint.decode(Array(bytes.prefix(length)), path: "cut") }
        }
        var otherVersion = bytes
        otherVersion[8] = 9
        do {
            _ = try Checkpoint.decode(otherVersion, path: "v9")
            Issue.record("accepted another version")
        } catch let e as FileError {
            #expect(e.problem.contains("version 9"))
        }
    }

    @Test func checkpointOfAnotherArchitectureDoesNotLoadAsAModel() throws {
        let trainer = Trainer(config: Self.config(), linearAlgebra: .builtin(threads: 1))
        let state = trainer.initialState(for: Self.data)
        let path = TestSupport.temporaryDirectory() + "/checkpoint.bin"
        try Checkpoint(state: state, config: trainer.config, data: DataFingerprint(Self.data)).write(to: path)
        #expect(throws: FileError.self) { try Network.load(from: path) }
        #expect(throws: FileError.self) { try Checkpoint.read(TestSupport.temporaryDirectory() + "/none.bin") }
    }

    /// A NaN planted in a weight stops the run in its first step, naming the layer.
    @Test func injectedNaNStopsTheRun() {
        let trainer = Trainer(config: Self.config(), linearAlgebra: .builtin(threads: 1))
        var state = trainer.initialState(for: Self.data)
        state.network.layers[1].weights[0, 0] = .nan
        state.network.layers[1].weights[1, 0] = .nan
        var reported: Divergence?
        let outcome = trainer.run(&state, data: Self.data, events: { event in
            if case .diverged(let d, nil) = event { reported = d }
        })
        guard case .diverged(let d) = outcome else {
            Issue.record("run was not stopped: \(outcome)")
            return
        }
        #expect(d == reported)
        #expect(d.epoch == 1 && d.step == 1 && d.layer == 2 && d.quantity == "activations")
        #expect(d.description.contains("epoch 1, step 1") && d.description.contains("layer 2"))
    }

    /// A learning rate far too high diverges; with reduce-lr the run backs off and finishes.
    @Test func divergenceFromAHugeLearningRate() {
        var c = Self.config()
        c.learningRate = 1e4
        c.l1 = 0
        c.signTrick = false
        let outcome = { (c: TrainingConfig) -> (TrainingOutcome, TrainingState) in
            let trainer = Trainer(config: c, linearAlgebra: .builtin(threads: 1))
            var state = trainer.initialState(for: Self.data)
            return (trainer.run(&state, data: Self.data), state)
        }
        guard case .diverged(let d) = outcome(c).0 else {
            Issue.record("a learning rate of 1e4 did not diverge")
            return
        }
        #expect(d.epoch == 1)
        #expect(d.likelyCause.contains("learning rate"))
        #expect(d.likelyCause.contains("L1"), "rectifier without L1 should be named: \(d.likelyCause)")

        c.learningRate = 1000
        c.onDivergence = .reduceLearningRate
        let (result, state) = outcome(c)
        #expect(result == .finished)
        #expect(state.learningRateReductions > 0)
        #expect(state.optimizer.learningRate == 1000 / Float(1 << state.learningRateReductions))
        #expect(state.network.layers.allSatisfy { $0.weights.storage.allSatisfy(\.isFinite) })
        #expect(state.history.last!.learningRate == state.optimizer.learningRate)
    }

    @Test func softmaxWithInfiniteLogits() {
        let logits: [Float] = [.infinity, 0, -.infinity, /* row 2 */ -.infinity, -.infinity, -.infinity]
        var gradient = [Float](repeating: 0, count: 6)
        let r = gradient.withUnsafeMutableBufferPointer { g in
            SoftmaxCrossEntropy.evaluate(logits: logits, labels: [Int32(0), 1], batch: 2, classes: 3, gradient: g.baseAddress!)
        }
        // row 1: all mass on class 0 = the label → loss 0; row 2: uniform → loss ln 3
        #expect(abs(r.lossSum - log(3)) < 1e-6)
        #expect(gradient.allSatisfy { $0.isFinite })
        #expect(abs(gradient[0]) < 1e-7 && abs(gradient[4] - (1 / 3.0 - 1) / 2) < 1e-6)
        let miss = SoftmaxCrossEntropy.evaluate(logits: [Float](arrayLiteral: .infinity, 0), labels: [Int32(1)], batch: 1, classes: 2)
        #expect(miss.lossSum == .infinity)
        let nan = SoftmaxCrossEntropy.evaluate(logits: [Float](arrayLiteral: .nan, 0), labels: [Int32(1)], batch: 1, classes: 2)
        #expect(nan.lossSum.isNaN)
    }

    @Test func reconstructionCostsAtInfinity() {
        let s = ReconstructionStrategy.sigmoidCrossEntropy
        #expect(s.evaluate([Float](arrayLiteral: .infinity, -.infinity), targets: [1, 0], batch: 1, width: 2, gradient: nil) == 0)
        #expect(s.evaluate([Float](arrayLiteral: .infinity), targets: [0.5], batch: 1, width: 1, gradient: nil) == .infinity)
        #expect(s.evaluate([Float](arrayLiteral: 1e4, -1e4), targets: [0.5, 0.5], batch: 1, width: 2, gradient: nil).isFinite)
        var g: [Float] = [0, 0]
        _ = g.withUnsafeMutableBufferPointer {
            ReconstructionStrategy.softplusQuadratic.evaluate([Float](arrayLiteral: 1e4, -1e4), targets: [0, 1], batch: 1, width: 2, gradient: $0.baseAddress!)
        }
        #expect(g.allSatisfy { $0.isFinite })
    }

    @Test func configurationValuesAreValidated() {
        func problem(_ change: (inout TrainingConfig) -> Void) -> String? {
            var c = TrainingConfig()
            change(&c)
            do { try c.validate(); return nil } catch { return "\(error)" }
        }
        #expect(problem { _ in } == nil)
        #expect(problem { $0.learningRate = -0.1 }?.contains("learning rate") == true)
        #expect(problem { $0.batchSize = 0 }?.contains("batch size") == true)
        #expect(problem { $0.hiddenSizes = [] } == nil, "no hidden layer: softmax regression")
        #expect(problem { $0.hiddenSizes = [0] }?.contains("out of range") == true)
        #expect(problem { $0.l1 = -1 }?.contains("L1") == true)
        #expect(problem { $0.epochs = 0 }?.contains("epochs") == true)
        #expect(problem { $0.labelFraction = 0 }?.contains("label fraction") == true)
        #expect(problem { $0.momentum = 1 }?.contains("momentum") == true)
        #expect(problem { $0.learningRate = .nan }?.contains("learning rate") == true)
    }
}
