import Foundation
import Rectifier
import Testing

/// End-to-end training on the MNIST subset shipped with the package.
@Suite(.serialized) struct TrainingTests {
    static let data = try! MNIST.loadEmbeddedSubset()

    static func config(_ activation: Activation = .rectifier, epochs: Int = 3) -> TrainingConfig {
        var c = TrainingConfig()
        c.hiddenSizes = [300, 300]
        c.activation = activation
        c.epochs = epochs
        c.learningRate = 0.05
        c.seed = 7
        return c
    }

    static func train(_ config: TrainingConfig, la: LinearAlgebra = .builtin()) -> (TrainingState, TrainingResult) {
        let trainer = Trainer(config: config, linearAlgebra: la)
        var state = trainer.initialState(for: data)
        trainer.run(&state, data: data)
        return (state, TrainingResult(state: state, test: data.test, trainer: trainer, wallSeconds: 0, labelledExamples: data.train.count))
    }

    /// Three epochs on 5,000 images reach well under 10% test error (chance is 90%) and the
    /// rectifier layers are exactly sparse.
    @Test func rectifierNetworkLearnsAndIsSparse() {
        let (state, result) = Self.train(Self.config())
        #expect(result.testError < 0.10, "test error \(result.testError)")
        #expect(result.meanSparsity > 0.5, "sparsity \(result.meanSparsity)")
        #expect(state.history.count == 3)
        #expect(state.history.last!.trainLoss < state.history.first!.trainLoss)
        #expect(result.bestEpoch == state.history.min { $0.validationError < $1.validationError }!.epoch)
    }

    @Test func tanhNetworkLearnsAndIsDense() {
        let (_, result) = Self.train(Self.config(.tanh, epochs: 3))
        #expect(result.testError < 0.15, "test error \(result.testError)")
        #expect(result.meanSparsity < 0.01)
    }

    @Test func sameSeedSameRun() {
        var c = Self.config(epochs: 1)
        c.hiddenSizes = [64]
        let (a, ra) = Self.train(c)
        let (b, rb) = Self.train(c)
        #expect(a.network == b.network)
        #expect(ra.testError == rb.testError)
        c.seed = 8
        let (other, _) = Self.train(c)
        #expect(other.network != a.network)
    }

    @Test func backendsTrainTheSameNetwork() throws {
        guard let blas = LinearAlgebra.systemBLAS(threads: 2) else { return }
        var c = Self.config(epochs: 1)
        c.hiddenSizes = [128, 128]
        let (_, viaBLAS) = Self.train(c, la: blas)
        let (_, builtin) = Self.train(c, la: .builtin(threads: 2))
        #expect(abs(viaBLAS.testError - builtin.testError) < 0.01)
    }

    @Test func earlyStoppingKeepsTheBestEpoch() {
        var c = Self.config(epochs: 6)
        c.hiddenSizes = [64]
        c.learningRate = 0.5  // noisy on purpose, so validation error goes up and down
        c.patience = 2
        let (state, result) = Self.train(c)
        #expect(state.epoch <= 6)
        #expect(state.epochsSinceBest <= 2)
        let best = state.history.min { $0.validationError < $1.validationError }!
        #expect(result.bestEpoch == best.epoch)
        #expect(result.validationError == best.validationError)
        #expect(state.best.evaluate(Self.data.validation, using: .builtin()).errorRate == best.validationError)
    }
}
