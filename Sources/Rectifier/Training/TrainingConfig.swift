/// Everything that determines a supervised training run. Recorded in `config.json` and in
/// every result, so a run can be repeated exactly.
public struct TrainingConfig: Codable, Equatable, Sendable {
    /// Widths of the hidden layers (none: a softmax regression on the inputs, Table 2's first row).
    public var hiddenSizes: [Int] = [1000, 1000, 1000]
    /// Hidden non-linearity.
    public var activation: Activation = .rectifier
    /// Whether hidden outputs use the sign trick.
    public var signTrick: Bool = false
    /// Examples per SGD step.
    public var batchSize: Int = 10
    /// Constant learning rate.
    public var learningRate: Float = 0.01
    /// Momentum μ (0: plain SGD, as in the paper).
    public var momentum: Float = 0
    /// The update rule, by name (`Optimizers`); nil: `sgd`, the paper's. (Optional so that
    /// earlier specifications keep their hash.)
    public var optimizer: String?
    /// Coefficient of the L1 penalty on hidden activations.
    public var l1: Float = 0.001
    /// Most epochs to run.
    public var epochs: Int = 60
    /// Stop after this many epochs without a new best validation error (0: never stop early).
    public var patience: Int = 15
    /// Seed of every random choice (weights, sign masks, data order).
    public var seed: UInt64 = 1
    /// Batch size for evaluation passes (does not change results).
    public var evaluationBatchSize: Int = 1000
    /// Fraction of the labelled training examples used (a seeded, stratified sample; 1: all).
    public var labelFraction: Double = 1
    /// What to do when the loss or an activation stops being finite.
    public var onDivergence: DivergencePolicy = .stop
    /// T of a decaying learning rate: epoch t (from 0) trains at `learningRate / (1 + t/T)`.
    /// Nil: constant, as in the paper. (Optional so that earlier specifications keep their hash.)
    public var learningRateDecayEpochs: Double?
    /// Probability of dropping each input value of a training batch (see `InputDropout`); nil:
    /// none, as in the paper.
    public var inputDropout: Float?
    /// Which parameters the run keeps; nil: the best validation epoch's.
    public var keep: KeepPolicy?

    public init() {}

    /// A fresh optimizer of this configuration for `network`.
    public func makeOptimizer(for network: Network) -> any TrainingOptimizer {
        let type = optimizer.flatMap(Optimizers.named) ?? SGD.self
        return type.init(learningRate: learningRate, momentum: momentum, for: network)
    }

    /// The learning rate of epoch `epoch` (0-based) after `reductions` halvings by `reduce-lr`.
    public func learningRate(epoch: Int, reductions: Int) -> Float {
        let base = learningRate / Float(1 << min(reductions, 30))
        guard let t = learningRateDecayEpochs else { return base }
        return Float(Double(base) / (1 + Double(epoch) / t))
    }

    /// Checks every value and returns the first problem as a `UsageError`.
    public func validate() throws {
        if let bad = hiddenSizes.first(where: { $0 <= 0 || $0 > 1_000_000 }) {
            throw UsageError("hidden layer width \(bad) is out of range (1 to 1000000)")
        }
        if batchSize <= 0 { throw UsageError("batch size must be positive, got \(batchSize)") }
        if !(learningRate > 0) || !learningRate.isFinite { throw UsageError("learning rate must be positive, got \(learningRate)") }
        if !(momentum >= 0 && momentum < 1) { throw UsageError("momentum must be in [0, 1), got \(momentum)") }
        if let optimizer, Optimizers.named(optimizer) == nil {
            throw UsageError("unknown optimizer '\(optimizer)' (known: \(Optimizers.names))")
        }
        if !(l1 >= 0) || !l1.isFinite { throw UsageError("L1 coefficient must be >= 0, got \(l1)") }
        if epochs <= 0 { throw UsageError("epochs must be positive, got \(epochs)") }
        if patience < 0 { throw UsageError("patience must be >= 0, got \(patience)") }
        if evaluationBatchSize <= 0 { throw UsageError("evaluation batch size must be positive") }
        if !(labelFraction > 0 && labelFraction <= 1) { throw UsageError("label fraction must be in (0, 1], got \(labelFraction)") }
        if let p = inputDropout, !(p >= 0 && p < 1) { throw UsageError("input dropout must be in [0, 1), got \(p)") }
        if let t = learningRateDecayEpochs, !(t > 0 && t.isFinite) { throw UsageError("learning-rate decay epochs must be positive, got \(t)") }
    }
}

/// Which parameters a run keeps.
public enum KeepPolicy: String, Codable, Sendable, CaseIterable {
    /// The epoch with the lowest validation error, ties broken by the lower validation loss.
    case best
    /// The last epoch (also what a run without validation examples keeps).
    case last
}

/// What one epoch of training measured.
public struct EpochMetrics: Codable, Equatable, Sendable {
    /// 1-based epoch number.
    public var epoch: Int
    /// Mean training objective over the epoch's steps: NLL + L1 penalty.
    public var trainLoss: Double
    /// Mean NLL part of `trainLoss`.
    public var trainNLL: Double
    /// Error on the training examples as they were seen during the epoch (weights changing).
    public var trainError: Double
    /// Error on the validation set after the epoch.
    public var validationError: Double
    /// Mean exact sparsity of the hidden layers on the validation set.
    public var validationSparsity: Double
    /// Seconds spent in training steps (excluding evaluation).
    public var trainSeconds: Double
    /// Training examples per second (`examples / trainSeconds`).
    public var samplesPerSecond: Double
    /// Seconds spent evaluating.
    public var evaluationSeconds: Double
    /// Learning rate during the epoch (lower than configured after `reduce-lr`).
    public var learningRate: Float
    /// Rating prediction: RMSE of the expected rating on the validation set (what selects the epoch).
    public var validationRMSE: Double?
    /// Mean validation NLL (what breaks ties in validation error).
    public var validationLoss: Double?
    /// Exact sparsity of each hidden layer on the validation set.
    public var validationSparsityPerLayer: [Double]?
    /// Units never active on the validation set, per hidden layer.
    public var validationDeadUnits: [Int]?
}
