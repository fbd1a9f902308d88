/// The outcome of a training run: what `result.json` holds.
public struct TrainingResult: Codable, Equatable, Sendable {
    /// Test error of the best-validation parameters.
    public var testError: Double
    /// Mean test NLL of those parameters.
    public var testLoss: Double
    /// Their validation error.
    public var validationError: Double
    /// Examples in the test set (nil in results written before it was recorded).
    public var testExamples: Int?
    /// Rating prediction: RMSE of the expected rating on the test and validation sets.
    public var testRMSE: Double?
    public var validationRMSE: Double?
    /// Exact sparsity of each hidden layer on the test set.
    public var sparsityPerLayer: [Double]
    /// Mean of `sparsityPerLayer`.
    public var meanSparsity: Double
    /// Fraction of the test inputs' values that are zero (nil in results written before it was recorded).
    public var inputSparsity: Double?
    /// Units never active on the test set, per hidden layer.
    public var deadUnitsPerLayer: [Int]
    /// Sum of `deadUnitsPerLayer`.
    public var deadUnits: Int
    /// Epoch whose parameters were kept.
    public var bestEpoch: Int
    /// Epochs run.
    public var epochsRun: Int
    /// The seed of the run.
    public var seed: UInt64
    /// GEMM backend and threads.
    public var backend: String
    /// Seconds in training steps.
    public var trainSeconds: Double
    /// Seconds from start to result, evaluation included.
    public var wallSeconds: Double
    /// Architecture of the model.
    public var architecture: Architecture
    /// The full configuration.
    public var config: TrainingConfig
    /// Labelled training examples used.
    public var labelledExamples: Int
    /// How each layer was pre-trained, when it was.
    public var pretraining: [PretrainedLayerReport]?
    /// Seconds of pre-training, when there was any.
    public var pretrainingSeconds: Double?
    /// The network retrained on training + validation data for `bestEpoch` epochs, when asked.
    public var refit: RefitResult?
    /// Where training diverged, when it did and was stopped (the result is then that of the
    /// best epoch before).
    public var divergence: Divergence?
    /// The hash of the run's specification (`RunSpecification.hash`), for runs made by `Run`.
    public var specHash: String?
    /// The data the run used, for runs made by `Run`.
    public var data: DataReference?
    /// What the run noticed that usually means it is wasted (a dead layer, an exploding loss).
    public var warnings: [String]?

    /// Measures `state.best` on the test set and assembles the result; `labelledExamples` is the
    /// size of the (possibly reduced) training set the run used. For rating prediction, give
    /// `validation` too: the best epoch was selected by its RMSE, and both its error rate and
    /// RMSE are recorded. Throws when the data does not fit the network.
    public init(state: TrainingState, test: Dataset, trainer: Trainer, wallSeconds: Double, labelledExamples: Int,
                validation: Dataset? = nil) throws {
        let (kept, keptEpoch) = state.kept(trainer.config)
        let eval = try kept.evaluate(test, batchSize: trainer.config.evaluationBatchSize, using: trainer.linearAlgebra)
        testError = eval.errorRate
        testExamples = test.count
        testLoss = eval.meanLoss
        validationError = keptEpoch == state.bestEpoch ? state.bestValidationError
            : state.history.last.map { $0.validationRMSE ?? $0.validationError } ?? .nan
        testRMSE = eval.rmse
        if let validation, validation.classValues != nil, validation.count > 0 {
            let v = try kept.evaluate(validation, batchSize: trainer.config.evaluationBatchSize, using: trainer.linearAlgebra)
            validationError = v.errorRate
            validationRMSE = v.rmse
        }
        sparsityPerLayer = eval.sparsityPerLayer
        meanSparsity = eval.meanSparsity
        inputSparsity = test.inputs.zeroFraction
        deadUnitsPerLayer = eval.deadUnitsPerLayer
        deadUnits = eval.deadUnits
        bestEpoch = keptEpoch
        epochsRun = state.epoch
        seed = trainer.config.seed
        backend = trainer.linearAlgebra.description
        trainSeconds = state.history.reduce(0) { $0 + $1.trainSeconds }
        self.wallSeconds = wallSeconds
        architecture = kept.architecture
        warnings = state.warnings.isEmpty ? nil : state.warnings
        config = trainer.config
        self.labelledExamples = labelledExamples
    }
}
