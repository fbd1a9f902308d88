import Foundation
import Rectifier
import Testing

/// End-to-end training on the MNIST subset shipped with the package.
@Suite(.serialized) struct TrainingTests {
    static let data = try! MNISTDataset.loadShippedSubset()

    static func config(_ activation: Activation = .rectifier, epochs: Int = 3) -> TrainingConfig {
        var c = TrainingConfig()
        c.hiddenSizes = [300, 300]
        c.activation = activation
        c.epochs = epochs
        c.learningRate = 0.05
        c.seed = 7
        return c
    }

    static func train(_ config: TrainingConfig, la: LinearAlgebra = .builtin()) throws -> (TrainingState, TrainingResult) {
        let trainer = Trainer(config: config, linearAlgebra: la)
        var state = trainer.initialState(for: data)
        trainer.run(&state, data: data)
        return (state, try TrainingResult(state: state, test: data.test, trainer: trainer, wallSeconds: 0, labelledExamples: data.train.count))
    }

    /// Three epochs on 5,000 images reach well under 10% test error (chance is 90%) and the
    /// rectifier layers are exactly sparse.
    @Test func rectifierNetworkLearnsAndIsSparse() throws {
        let (state, result) = try Self.train(Self.config())
        #expect(result.testError < 0.10, "test error \(result.testError)")
        #expect(result.meanSparsity > 0.5, "sparsity \(result.meanSparsity)")
        #expect(state.history.count == 3)
        #expect(state.history.last!.trainLoss < state.history.first!.trainLoss)
        #expect(result.bestEpoch == state.history.min { $0.validationError < $1.validationError }!.epoch)
    }

    /// The README's "Using the library" example, with the shipped subset, a smaller network and
    /// two epochs: it must compile and run as written (and a second `execute` reuses the result).
    @Test func readmeLibraryExampleRuns() throws {
        let directory = TestSupport.temporaryDirectory() + "/runs/relu"
        var training = TrainingConfig()                 // the paper's defaults: 1000-1000-1000 rectifier, L1 0.001
        training.hiddenSizes = [50, 50]
        training.epochs = 2
        let spec = RunSpecification(data: DataReference(dataset: "mnist", directory: MNISTDataset.shippedSubsetDirectory, validation: 1_000),
                                    training: training)
        let run = Run(spec, directory: directory, options: RunOptions(linearAlgebra: .automatic))
        var epochs: [Int] = []
        let result = try run.execute { event in
            if case .training(.epochFinished(let m, _)) = event { epochs.append(m.epoch) }
        }
        #expect(epochs == [1, 2])
        #expect(result.training!.testError < 0.2, "test error \(result.training!.testError)")
        #expect(result.training!.sparsityPerLayer.count == 2)
        #expect(try Network.load(from: directory + "/model.safetensors").network.hiddenLayers.count == 2)
        #expect(try run.execute().reused)
    }

    @Test func tanhNetworkLearnsAndIsDense() throws {
        let (_, result) = try Self.train(Self.config(.tanh, epochs: 3))
        #expect(result.testError < 0.15, "test error \(result.testError)")
        #expect(result.meanSparsity < 0.01)
    }

    @Test func sameSeedSameRun() throws {
        var c = Self.config(epochs: 1)
        c.hiddenSizes = [64]
        let (a, ra) = try Self.train(c)
        let (b, rb) = try Self.train(c)
        #expect(a.network == b.network)
        #expect(ra.testError == rb.testError)
        c.seed = 8
        let (other, _) = try Self.train(c)
        #expect(other.network != a.network)
    }

    /// The built-in kernels sum every output element in the same order whichever thread computes
    /// it, so the thread count does not change a run (batch 1 and 10 exercise the two sparse
    /// forward kernels, batch 64 the dense products).
    @Test(arguments: [1, 10, 64]) func threadCountDoesNotChangeTheRun(batchSize: Int) throws {
        var c = Self.config(epochs: 1)
        c.hiddenSizes = [200, 100]
        c.batchSize = batchSize
        let (one, _) = try Self.train(c, la: .builtin(threads: 1))
        let (two, _) = try Self.train(c, la: .builtin(threads: 2))
        let (three, _) = try Self.train(c, la: .builtin(threads: 3))
        #expect(one.network == two.network)
        #expect(one.network == three.network)
    }

    /// `ThreadChoice` moves small-batch steps between all threads and one as it measures. With
    /// rounds as short as they go, both are used many times, and the network comes out bit for
    /// bit as when every step runs on one thread.
    @Test(arguments: [1, 10]) func threadChoiceDoesNotChangeTheRun(batchSize: Int) throws {
        let arch = Architecture(inputSize: 784, hiddenSizes: [200, 100], classes: 10, activation: .rectifier)
        var rng = RandomSource(seed: 5)
        let start = Network(arch, rng: &rng)
        let x = Self.data.train.inputs.densified().storage, labels = Self.data.train.labels
        /// Trains 60 steps; `step` runs each one with the LinearAlgebra it chooses.
        func run(_ step: ((LinearAlgebra) -> Void) -> Void) -> Network {
            var net = start
            var sgd = SGD(learningRate: 0.05, for: net)
            let ws = Workspace(for: net, capacity: batchSize)
            for s in 0..<60 {
                for r in 0..<batchSize { ws.labels[r] = labels[s * batchSize + r] }
                step { la in
                    x.withUnsafeBufferPointer { p in
                        _ = net.trainStep(p.baseAddress! + s * batchSize * 784, batch: batchSize, l1: 0.001,
                                          optimizer: &sgd, workspace: ws, using: la)
                    }
                }
            }
            return net
        }
        let reference = run { body in body(.builtin(threads: 1)) }
        var choice = try #require(ThreadChoice(.builtin(threads: 2), batch: batchSize, warmUpSteps: 1,
                                               probe: .zero, exploit: .zero))
        var threadsUsed: [Int: Int] = [:]
        let chosen = run { body in
            choice.run { la in
                threadsUsed[la.threads, default: 0] += 1
                body(la)
            }
        }
        #expect(threadsUsed[1, default: 0] >= 20 && threadsUsed[2, default: 0] >= 20, "\(threadsUsed)")
        #expect(choice.rounds >= 10)
        #expect(chosen == reference)
    }

    @Test func threadChoiceOnlyForSmallBatchesOnSeveralThreads() throws {
        #expect(ThreadChoice(.builtin(threads: 1), batch: 1) == nil)
        #expect(ThreadChoice(.builtin(threads: 2), batch: ThreadChoice.maximumBatch + 1) == nil)
        #expect(ThreadChoice(.builtin(threads: 2), batch: 10) != nil)
    }

    @Test(.enabled(if: BLASLibrary.system != nil, "needs a system BLAS (apt-get install libopenblas0)"))
    func backendsTrainTheSameNetwork() throws {
        let blas = try #require(LinearAlgebra.systemBLAS(threads: 2))
        var c = Self.config(epochs: 1)
        c.hiddenSizes = [128, 128]
        let (_, viaBLAS) = try Self.train(c, la: blas)
        let (_, builtin) = try Self.train(c, la: .builtin(threads: 2))
        #expect(abs(viaBLAS.testError - builtin.testError) < 0.01)
    }

    /// A decaying learning rate trains epoch t at lr / (1 + t/T), and changes the run; without
    /// one the configuration encodes as before (its key is absent, so earlier run hashes hold).
    @Test func learningRateDecaysAsScheduled() throws {
        var c = Self.config(epochs: 3)
        c.hiddenSizes = [64]
        let (constant, _) = try Self.train(c)
        c.learningRateDecayEpochs = 2
        let (decayed, _) = try Self.train(c)
        #expect(decayed.history.map(\.learningRate) == [0.05, Float(0.05 / 1.5), Float(0.05 / 2.0)])
        #expect(constant.history.allSatisfy { $0.learningRate == 0.05 })
        #expect(decayed.history.last!.trainLoss != constant.history.last!.trainLoss)
        let json = String(decoding: try FileIO.jsonEncoder().encode(Self.config()), as: UTF8.self)
        #expect(!json.contains("decay"), "\(json)")
        c.learningRateDecayEpochs = 0
        #expect(throws: UsageError.self) { try c.validate() }
    }

    /// With patience P the run stops exactly P epochs after its best one (before its epoch
    /// budget), and keeps the best epoch's parameters.
    @Test func earlyStoppingKeepsTheBestEpoch() throws {
        var c = Self.config(epochs: 30)
        c.hiddenSizes = [64]
        c.learningRate = 0.5  // noisy on purpose, so validation error goes up and down
        c.patience = 2
        let (state, result) = try Self.train(c)
        #expect(state.epoch < 30, "the run used its whole budget: no early stop to check")
        #expect(state.epoch == result.bestEpoch + 2, "stopped at epoch \(state.epoch), best \(result.bestEpoch)")
        let best = state.history.min { $0.validationError < $1.validationError }!
        #expect(result.bestEpoch == best.epoch)
        #expect(state.history.suffix(2).allSatisfy { $0.validationError >= best.validationError })
        #expect(result.validationError == best.validationError)
        #expect(try state.best.evaluate(Self.data.validation, using: .builtin()).errorRate == best.validationError)
    }

    /// Refit: a fresh start on training + validation for the chosen number of epochs, the
    /// final network kept (there is no validation set to select on).
    @Test func refitTrainsOnTrainingAndValidationData() throws {
        var c = Self.config(epochs: 2)
        c.hiddenSizes = [64]
        let small = DataSplits(train: Self.data.train.slice(0..<1000), validation: Self.data.validation.slice(0..<300),
                               test: Self.data.test.slice(0..<500))
        let trainer = Trainer(config: c, linearAlgebra: .builtin())
        var epochs: [EpochMetrics] = []
        let (network, result) = try trainer.refit(epochs: 2, learningRate: 0.05, data: small, events: { event in
            if case .epochFinished(let m, _) = event { epochs.append(m) }
        })
        #expect(result.epochs == 2 && result.examples == 1300 && epochs.count == 2)
        #expect(epochs.allSatisfy { $0.validationError.isNaN })
        #expect(result.testError < 0.2)
        #expect(try network.evaluate(small.test, using: .builtin()).errorRate == result.testError)
        let (again, _) = try trainer.refit(epochs: 2, learningRate: 0.05, data: small)
        #expect(again == network, "same seed, same refit")
        let merged = small.train.appending(small.validation)
        #expect(merged.count == 1300 && merged.labels.suffix(300) == small.validation.labels[...])
        #expect(merged.inputs.row(1000) == small.validation.inputs.row(0))
    }
}
