/// The final fit of a common protocol: once validation has chosen the number of epochs, train
/// again, from the same initial parameters, on the training and validation examples together
/// for that many epochs, and measure the final network on the test set.
public struct RefitResult: Codable, Equatable, Sendable {
    /// Epochs trained (the best validation epoch of the selection run).
    public var epochs: Int
    /// Examples trained on (training + validation).
    public var examples: Int
    /// Learning rate used (the selection run's, after any reduction).
    public var learningRate: Float
    public var testError: Double
    public var testLoss: Double
    /// Rating prediction: RMSE of the expected rating on the test set.
    public var testRMSE: Double?
    public var sparsityPerLayer: [Double]
    public var meanSparsity: Double
    public var deadUnitsPerLayer: [Int]
    public var deadUnits: Int
    public var trainSeconds: Double
}

extension Trainer {
    /// Trains `initial` (or the seed's initial network) for `epochs` epochs on
    /// `data.train` + `data.validation` at `learningRate`, and evaluates the final network on
    /// `data.test`. `events` receives the epochs (their validation error is NaN: there is none).
    /// Throws the `Divergence` if training diverges, `CancellationError` if `shouldStop` stops it.
    public func refit(epochs: Int, learningRate: Float, data: DataSplits, initial: Network? = nil,
                      shouldStop: () -> Bool = { false },
                      events: (TrainingEvent) -> Void = { _ in }) throws -> (Network, RefitResult) {
        var config = self.config
        config.epochs = max(1, epochs)
        config.patience = 0
        config.learningRate = learningRate
        config.onDivergence = .stop
        let merged = DataSplits(train: data.train.appending(data.validation, name: data.train.name + "+validation"),
                                validation: data.train.emptied(name: "none"),
                                test: data.test)
        let trainer = Trainer(config: config, linearAlgebra: linearAlgebra)
        var state = trainer.initialState(for: merged, network: initial)
        switch trainer.run(&state, data: merged, shouldStop: shouldStop, events: events) {
        case .finished: break
        case .stopped: throw CancellationError()
        case .diverged(let d): throw d
        }
        let eval = try state.network.evaluate(data.test, batchSize: config.evaluationBatchSize, using: linearAlgebra)
        return (state.network, RefitResult(
            epochs: state.epoch, examples: merged.train.count, learningRate: learningRate, testError: eval.errorRate,
            testLoss: eval.meanLoss, testRMSE: eval.rmse, sparsityPerLayer: eval.sparsityPerLayer, meanSparsity: eval.meanSparsity,
            deadUnitsPerLayer: eval.deadUnitsPerLayer, deadUnits: eval.deadUnits,
            trainSeconds: state.history.reduce(0) { $0 + $1.trainSeconds }))
    }
}
