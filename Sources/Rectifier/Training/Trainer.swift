/// The state of a training run between two steps: everything needed to continue it, and
/// everything a checkpoint saves.
public struct TrainingState: Sendable {
    /// Current parameters.
    public var network: Network
    /// Optimizer, with its learning rate and velocities.
    public var optimizer: any TrainingOptimizer
    /// The order of the examples, and how far the current epoch has got.
    public var order: DataOrder
    /// Completed epochs.
    public var epoch: Int = 0
    /// Running sums over the current epoch.
    public var running = RunningTotals()
    /// Parameters at the best validation error so far.
    public var best: Network
    /// Epoch of `best` (0: the initial parameters).
    public var bestEpoch: Int = 0
    /// What selected `best`: its validation error, or its validation RMSE for rating prediction.
    public var bestValidationError: Double = .infinity
    /// `best`'s mean validation loss, which breaks ties in `bestValidationError`.
    public var bestValidationLoss: Double = .infinity
    /// What the run noticed that the user should know (a dead layer, an exploding loss).
    public var warnings: [String] = []
    /// One entry per completed epoch.
    public var history: [EpochMetrics] = []
    /// Times the learning rate was halved after a divergence.
    public var learningRateReductions = 0
    /// Parameters and optimizer at the start of the current epoch, where `reduce-lr` goes back
    /// to (nil between epochs).
    public var epochStart: EpochStart?

    /// The part of the state that changes within an epoch, as it was when the epoch began.
    public struct EpochStart: Sendable {
        public var network: Network
        public var optimizer: any TrainingOptimizer
        public init(network: Network, optimizer: any TrainingOptimizer) {
            self.network = network
            self.optimizer = optimizer
        }
    }

    /// Sums accumulated over the steps of an epoch.
    public struct RunningTotals: Codable, Equatable, Sendable {
        public var lossSum = 0.0, penaltySum = 0.0, correct = 0, examples = 0, steps = 0, seconds = 0.0
        /// Mean loss of the epoch's first step (what a loss that explodes is measured against).
        public var firstLoss: Double?
    }

    /// The parameters the run keeps and their epoch: the best validation epoch's (the last
    /// epoch's when there is nothing to select on), or under `keep: last` the last completed
    /// epoch's.
    public func kept(_ config: TrainingConfig) -> (network: Network, epoch: Int) {
        config.keep == .last ? (epochStart?.network ?? network, epoch) : (best, bestEpoch)
    }

    /// Epochs since the best one.
    public var epochsSinceBest: Int { epoch - bestEpoch }

    /// Examples of the current epoch already used.
    public var position: Int { order.position }
}

extension TrainingState: Equatable {
    /// Equal parameters, order, history and optimizers (same rule, rate and state).
    public static func == (a: TrainingState, b: TrainingState) -> Bool {
        a.network == b.network && sameOptimizer(a.optimizer, b.optimizer) && a.order == b.order && a.epoch == b.epoch
            && a.running == b.running && a.best == b.best && a.bestEpoch == b.bestEpoch
            && a.bestValidationError == b.bestValidationError && a.history == b.history
            && a.bestValidationLoss == b.bestValidationLoss && a.warnings == b.warnings
            && a.learningRateReductions == b.learningRateReductions
            && a.epochStart?.network == b.epochStart?.network
            && (a.epochStart == nil) == (b.epochStart == nil)
            && (a.epochStart.map { x in b.epochStart.map { sameOptimizer(x.optimizer, $0.optimizer) } ?? false } ?? true)
    }

    static func sameOptimizer(_ a: any TrainingOptimizer, _ b: any TrainingOptimizer) -> Bool {
        type(of: a).name == type(of: b).name && a.learningRate == b.learningRate && a.state == b.state
    }
}

/// Progress reports from a running `Trainer`.
public enum TrainingEvent: Sendable {
    /// Some steps of epoch `epoch` (1-based) are done: `done` of `total` examples.
    case progress(epoch: Int, done: Int, total: Int, samplesPerSecond: Double, meanLoss: Double)
    /// An epoch finished and was evaluated; `improved` when it is the new best.
    case epochFinished(EpochMetrics, improved: Bool)
    /// Training diverged; with `reduce-lr` it goes on from the last good epoch at `newLearningRate`.
    case diverged(Divergence, newLearningRate: Float?)
    /// Something looks wrong but training goes on (also in `TrainingResult.warnings`).
    case warning(String)
    /// Every `logEvery` steps: where training is and how it goes.
    case steps(StepLog)
}

/// What training looks like every few steps (`Trainer.run(logEvery:)`).
public struct StepLog: Codable, Equatable, Sendable {
    /// 1-based epoch.
    public var epoch: Int
    /// Steps since the start of the run (all epochs).
    public var step: Int
    /// Steps since the start of the epoch.
    public var epochStep: Int
    /// Mean training objective (NLL + L1) of the epoch so far.
    public var runningLoss: Double
    /// Exact sparsity of each hidden layer on the last batch.
    public var sparsityPerLayer: [Double]
    /// The learning rate in use.
    public var learningRate: Float
}

/// How a call to `Trainer.run` ended.
public enum TrainingOutcome: Equatable, Sendable {
    /// Every epoch ran, or early stopping ended the run.
    case finished
    /// `shouldStop` asked to stop; the state can be saved and resumed.
    case stopped
    /// Training diverged and the policy (or the reduction limit) says stop.
    case diverged(Divergence)
}

/// Minibatch SGD with per-epoch validation and patience-based early stopping, keeping the
/// parameters of the best validation epoch. Every step checks that the loss and activations
/// are finite.
public struct Trainer: Sendable {
    public let config: TrainingConfig
    public let linearAlgebra: LinearAlgebra

    public init(config: TrainingConfig, linearAlgebra: LinearAlgebra) {
        self.config = config
        self.linearAlgebra = linearAlgebra
    }

    /// The labelled training examples this configuration uses: all of them, or the seeded
    /// stratified sample of `labelFraction`.
    public func labelledTraining(_ train: Dataset) -> Dataset {
        guard config.labelFraction < 1 else { return train }
        var rng = RandomSource(seed: config.seed).derived("labels")
        return train.stratifiedSample(fraction: config.labelFraction, rng: &rng)
    }

    /// The architecture this configuration gives on `data`.
    public func architecture(for data: Dataset) -> Architecture {
        Architecture(inputSize: data.featureCount, hiddenSizes: config.hiddenSizes, classes: data.classes,
                     activation: config.activation, signTrick: config.signTrick)
    }

    /// A fresh state: the given network, or one initialised from the seed.
    public func initialState(for data: DataSplits, network: Network? = nil) -> TrainingState {
        let root = RandomSource(seed: config.seed)
        var initRNG = root.derived("init")
        let net = network ?? Network(architecture(for: data.train), rng: &initRNG)
        return TrainingState(network: net, optimizer: config.makeOptimizer(for: net),
                             order: DataOrder(generator: root.derived("order")), best: net)
    }

    /// True when the run has nothing left to do.
    public func isFinished(_ state: TrainingState) -> Bool {
        state.order.isBetweenEpochs && (state.epoch >= config.epochs
            || (config.patience > 0 && state.bestEpoch > 0 && state.epochsSinceBest >= config.patience))
    }

    /// Trains until `isFinished`, until `shouldStop` returns true (checked between steps), or
    /// until training diverges and `config.onDivergence` says stop.
    ///
    /// `events` receives progress about ten times a second and a report after each epoch.
    /// `checkpoint` is called with the state after every epoch and, within long epochs, every
    /// `checkpointInterval` of training time. With `logEvery`, `events` also receives a
    /// `StepLog` every that many steps.
    @discardableResult
    public func run(_ state: inout TrainingState, data: DataSplits,
                    shouldStop: () -> Bool = { false },
                    checkpointInterval: Duration? = nil, checkpoint: (TrainingState) -> Void = { _ in },
                    logEvery: Int? = nil,
                    events: (TrainingEvent) -> Void = { _ in }) -> TrainingOutcome {
        let la = linearAlgebra
        let train = data.train
        let batchSize = min(config.batchSize, train.count)
        let ws = Workspace(for: state.network, capacity: batchSize)
        let evalWS = Workspace(for: state.network, capacity: min(config.evaluationBatchSize, max(1, data.validation.count)))
        let minibatch = Minibatch(capacity: batchSize, for: train)
        // Perturbed training data (NISTP) is gathered a batch ahead (see BatchPrefetcher).
        let prefetcher = train.perturbation == nil ? nil : BatchPrefetcher(capacity: batchSize, for: train, pool: la.pool)
        let perturbationSeed = PerturbationSeed(runSeed: config.seed)
        let inputDropout = config.inputDropout.map { InputDropout(rate: $0, runSeed: config.seed) }
        var threadChoice = ThreadChoice(la, batch: batchSize)
        let clock = ContinuousClock()
        var lastReport = clock.now
        var lastCheckpoint = clock.now
        if state.position > 0 && state.order.indices.count != train.count {
            precondition(state.order.restore(examples: train.count), "the state's data order does not match its generators")
        }

        while !isFinished(state) {
            if shouldStop() { return .stopped }
            if state.order.isBetweenEpochs {
                if config.learningRateDecayEpochs != nil {
                    state.optimizer.learningRate = config.learningRate(epoch: state.epoch, reductions: state.learningRateReductions)
                }
                state.epochStart = .init(network: state.network, optimizer: state.optimizer)
                state.order.beginEpoch(examples: train.count)
                state.running = .init()
            }
            let stepStart = clock.now
            let rows = state.order.nextBatch(size: batchSize)!
            let current: Minibatch
            if let prefetcher {
                current = prefetcher.take(train, rows: rows, epoch: state.epoch, seed: perturbationSeed)
                if let next = state.order.peekBatch(size: batchSize) {
                    prefetcher.prefetch(train, rows: next, epoch: state.epoch, seed: perturbationSeed)
                }
            } else {
                minibatch.gather(train, rows: rows)
                current = minibatch
            }
            inputDropout?.apply(to: current, examples: rows, epoch: state.epoch)
            let batch = current.count
            let step = threadChoice.runOrDirect(la, waited: prefetcher?.lastWait ?? .zero) { la in
                state.network.trainStep(current, l1: config.l1, optimizer: &state.optimizer, workspace: ws, using: la)
            }
            if !step.isFinite || !state.network.layers.allSatisfy({ $0.bias.allSatisfy(\.isFinite) }) {
                let (layer, quantity) = state.network.locateNonFinite(batch: batch, workspace: ws)
                let divergence = Divergence(
                    epoch: state.epoch + 1, step: state.running.steps + 1, layer: layer, quantity: quantity,
                    learningRate: state.optimizer.learningRate,
                    likelyCause: Divergence.likelyCause(activation: config.activation, l1: config.l1,
                                                        learningRate: state.optimizer.learningRate, quantity: quantity))
                guard config.onDivergence == .reduceLearningRate, let start = state.epochStart,
                      state.learningRateReductions < Divergence.maximumReductions else {
                    events(.diverged(divergence, newLearningRate: nil))
                    return .diverged(divergence)
                }
                // Back to the start of this epoch (the end of the last good one), at half the rate.
                state.network = start.network
                state.optimizer = start.optimizer
                state.optimizer.learningRate /= 2
                state.order.rewindEpoch()
                state.running = .init()
                state.learningRateReductions += 1
                events(.diverged(divergence, newLearningRate: state.optimizer.learningRate))
                continue
            }
            if state.running.steps == 0 { state.running.firstLoss = (step.lossSum + step.penalty * Double(batch)) / Double(batch) }
            state.running.lossSum += step.lossSum
            state.running.penaltySum += step.penalty * Double(batch)
            state.running.correct += step.correct
            state.running.examples += batch
            state.running.steps += 1
            state.running.seconds += (clock.now - stepStart).seconds
            if let logEvery, state.running.steps % logEvery == 0 {
                let stepsPerEpoch = (train.count + batchSize - 1) / batchSize
                let sparsity = state.network.hiddenLayers.indices.map { l in
                    let n = batch * state.network.layers[l].outputSize
                    let h = ws.outputs[l].pointer
                    return Double((0..<n).reduce(0) { $0 + (h[$1] == 0 ? 1 : 0) }) / Double(max(n, 1))
                }
                events(.steps(StepLog(epoch: state.epoch + 1, step: state.epoch * stepsPerEpoch + state.running.steps,
                                      epochStep: state.running.steps,
                                      runningLoss: (state.running.lossSum + state.running.penaltySum) / Double(state.running.examples),
                                      sparsityPerLayer: sparsity, learningRate: state.optimizer.learningRate)))
            }

            if clock.now - lastReport > .milliseconds(100) {
                lastReport = clock.now
                events(.progress(epoch: state.epoch + 1, done: state.position, total: train.count,
                                 samplesPerSecond: Double(state.running.examples) / max(state.running.seconds, 1e-9),
                                 meanLoss: (state.running.lossSum + state.running.penaltySum) / Double(state.running.examples)))
            }
            if state.order.epochIsComplete {
                endEpoch(&state, data: data, workspace: evalWS, events: events)
                checkpoint(state)
                lastCheckpoint = clock.now
            } else if let checkpointInterval, clock.now - lastCheckpoint > checkpointInterval {
                checkpoint(state)
                lastCheckpoint = clock.now
            }
        }
        return .finished
    }

    func endEpoch(_ state: inout TrainingState, data: DataSplits, workspace: Workspace, events: (TrainingEvent) -> Void) {
        let clock = ContinuousClock()
        let start = clock.now
        // Without a validation set there is nothing to select on: the epoch is reported with a
        // NaN validation error and `best` stays where it is.
        let validation = data.validation.count == 0 ? nil
            : state.network.measure(data.validation, batchSize: config.evaluationBatchSize, using: linearAlgebra, workspace: workspace)
        let r = state.running
        state.epoch += 1
        state.order.endEpoch()
        state.epochStart = nil
        let metrics = EpochMetrics(
            epoch: state.epoch,
            trainLoss: (r.lossSum + r.penaltySum) / Double(r.examples),
            trainNLL: r.lossSum / Double(r.examples),
            trainError: Double(r.examples - r.correct) / Double(r.examples),
            validationError: validation?.errorRate ?? .nan,
            validationSparsity: validation?.meanSparsity ?? .nan,
            trainSeconds: r.seconds,
            samplesPerSecond: Double(r.examples) / max(r.seconds, 1e-9),
            evaluationSeconds: (clock.now - start).seconds,
            learningRate: state.optimizer.learningRate,
            validationRMSE: validation?.rmse, validationLoss: validation?.meanLoss,
            validationSparsityPerLayer: validation?.sparsityPerLayer, validationDeadUnits: validation?.deadUnitsPerLayer)
        state.history.append(metrics)
        // Ties in validation error are common on small validation sets: the lower loss breaks them.
        let improved = validation.map {
            $0.criterion < state.bestValidationError || ($0.criterion == state.bestValidationError && $0.meanLoss < state.bestValidationLoss)
        } ?? false
        if let validation, improved {
            state.best = state.network
            state.bestEpoch = state.epoch
            state.bestValidationError = validation.criterion
            state.bestValidationLoss = validation.meanLoss
        } else if validation == nil {
            // Nothing to select on: the last epoch is the one kept, and patience never ends the run.
            state.best = state.network
            state.bestEpoch = state.epoch
        }
        if state.epoch == 1 {
            for warning in firstEpochWarnings(metrics, firstLoss: r.firstLoss, widths: state.network.hiddenLayers.map(\.outputSize)) {
                state.warnings.append(warning)
                events(.warning(warning))
            }
        }
        events(.epochFinished(metrics, improved: improved))
    }

    /// What the end of the first epoch shows that usually means the run is wasted: a hidden
    /// layer whose every unit is dead on the validation set, or a loss 50 times its start.
    func firstEpochWarnings(_ m: EpochMetrics, firstLoss: Double?, widths: [Int]) -> [String] {
        var warnings: [String] = []
        let cause = "likely causes: inputs far from unit scale (standardise them), or a learning rate too high "
            + "(\(config.learningRate); try a tenth)"
        if let dead = m.validationDeadUnits, let layer = dead.indices.first(where: { dead[$0] == widths[$0] && widths[$0] > 0 }) {
            warnings.append("after epoch 1 every unit of hidden layer \(layer + 1) is dead (zero on every validation example); \(cause)")
        }
        if let firstLoss, firstLoss > 0, m.trainLoss > 50 * firstLoss {
            warnings.append("the training loss of epoch 1 (\(m.trainLoss)) is more than 50 times its first step's (\(firstLoss)); \(cause)")
        }
        return warnings
    }
}

extension Duration {
    /// The duration in seconds, as a Double.
    public var seconds: Double {
        let (s, atto) = components
        return Double(s) + Double(atto) * 1e-18
    }
}
