import ArgumentParser
import Foundation
import Rectifier

struct Train: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Train a network with minibatch SGD, keeping the best-validation epoch.",
        discussion: """
            Prints one line per epoch and, with --out, writes config.json, metrics.jsonl,
            result.json and model.safetensors into the run directory. The defaults are the
            paper's MNIST setting: three hidden layers of 1000 rectifier units, minibatch 10,
            L1 penalty 0.001 on the hidden activations, constant learning rate.
            """)

    @OptionGroup var data: DataOptions
    @OptionGroup var model: ModelOptions
    @OptionGroup var compute: ComputeOptions

    @Option(help: ArgumentHelp("Directory for the run's files (created if missing).", valueName: "run-dir"))
    var out: String?

    func validate() throws {
        _ = try model.trainingConfig()
        _ = try compute.linearAlgebra()
    }

    func run() throws {
        let config = try model.trainingConfig()
        let la = try compute.linearAlgebra()
        let console = Console()
        let splits = try data.load()
        let run = try out.map(RunDirectory.init)
        console.line("data: \(splits.train.name) \(splits.train.count) / \(splits.validation.name) \(splits.validation.count) / \(splits.test.name) \(splits.test.count)")
        console.line("compute: \(la)")
        let result = try trainAndReport(config: config, splits: splits, la: la, run: run, console: console)
        console.line("test error \(percent(result.testError)) at epoch \(result.bestEpoch) (validation \(percent(result.validationError))), "
            + "mean sparsity \(percent(result.meanSparsity)) [\(result.sparsityPerLayer.map(percent).joined(separator: ", "))], "
            + "dead units \(result.deadUnits), \(format(result.wallSeconds, 1)) s")
        if let run { console.line("wrote \(run.path)/{config.json, metrics.jsonl, result.json, model.safetensors}") }
    }
}

/// Trains one configuration with console progress, writing the run's files when `run` is given.
func trainAndReport(config: TrainingConfig, splits: DataSplits, la: LinearAlgebra, run: RunDirectory?,
                    console: Console, quiet: Bool = false) throws -> TrainingResult {
    let clock = ContinuousClock()
    let start = clock.now
    let trainer = Trainer(config: config, linearAlgebra: la)
    var state = trainer.initialState(for: splits)
    try run?.writeConfig(RunConfig(config: config, architecture: state.network.architecture, data: splits.train.name,
                                   backend: la.description))
    if !quiet { console.line("model: \(state.network.architecture.summary), \(state.network.parameterCount) parameters") }
    var writeError: (any Error)?
    var history: [EpochMetrics] = []
    trainer.run(&state, data: splits, shouldStop: { writeError != nil }) { event in
        switch event {
        case let .progress(epoch, done, total, rate, loss):
            if !quiet { console.progress(epoch: epoch, epochs: config.epochs, done: done, total: total, rate: rate, loss: loss) }
        case let .epochFinished(m, improved):
            if !quiet {
                console.line("epoch \(m.epoch)  loss \(format(m.trainLoss, 4))  train err \(percent(m.trainError))  "
                    + "valid err \(percent(m.validationError))\(improved ? " *" : "  ")  sparsity \(percent(m.validationSparsity))  "
                    + "\(format(m.samplesPerSecond, 0)) ex/s  \(format(m.trainSeconds, 1)) s")
            }
            history.append(m)
            do { try run?.writeMetrics(history) } catch { writeError = error }
        }
    }
    if let writeError { throw writeError }
    let result = TrainingResult(state: state, test: splits.test, trainer: trainer, wallSeconds: (clock.now - start).seconds)
    if let run {
        try run.writeMetrics(state.history)
        try state.best.save(to: run.modelPath, metadata: [
            "seed": String(config.seed), "best_epoch": String(state.bestEpoch),
            "config": String(decoding: try FileIO.jsonEncoder().encode(config), as: UTF8.self),
        ])
        try run.writeResult(result)
    }
    return result
}

/// What `config.json` records.
struct RunConfig: Codable {
    var config: TrainingConfig
    var architecture: Architecture
    var data: String
    var backend: String
}
