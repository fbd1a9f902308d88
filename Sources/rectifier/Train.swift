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
            With --pretrain, the hidden layers are first pre-trained as denoising auto-encoders
            (the paper's image settings unless the pre-training options say otherwise; per-epoch
            lines go to pretrain-metrics.jsonl and the stack to stack.safetensors), then the
            whole network is fine-tuned. --init-from starts from a stack saved by `rectifier pretrain`.
            """)

    @OptionGroup var data: DataOptions
    @OptionGroup var model: ModelOptions

    @Flag(help: "Pre-train the hidden layers as stacked denoising auto-encoders before fine-tuning.")
    var pretrain = false

    @Option(help: ArgumentHelp("Start from a pre-trained stack (stack.safetensors).", valueName: "stack"))
    var initFrom: String?

    @Option(help: "Fine-tune on this fraction of the labelled training examples (seeded, stratified); pre-training still uses every training input.")
    var labelFraction: Double = 1

    @OptionGroup(title: "Pre-training options (with --pretrain)") var pretraining: PretrainOptions
    @OptionGroup var compute: ComputeOptions

    @Option(help: ArgumentHelp("Directory for the run's files (created if missing).", valueName: "run-dir"))
    var out: String?

    func validate() throws {
        _ = try trainingConfig()
        _ = try compute.linearAlgebra()
        if pretrain && initFrom != nil { throw ValidationError("--pretrain and --init-from exclude each other") }
        if pretrain { _ = try pretrainingConfig() }
    }

    func trainingConfig() throws -> TrainingConfig {
        var c = try model.trainingConfig()
        c.labelFraction = labelFraction
        do { try c.validate() } catch let e as UsageError { throw ValidationError(e.message) }
        return c
    }

    func pretrainingConfig() throws -> PretrainingConfig {
        let c = try model.trainingConfig()
        return try pretraining.config(hiddenSizes: c.hiddenSizes, activation: c.activation, signTrick: c.signTrick, l1: c.l1,
                                      batchSize: c.batchSize, seed: c.seed)
    }

    func run() throws {
        let config = try trainingConfig()
        let la = try compute.linearAlgebra()
        let console = Console()
        let splits = try data.load()
        let run = try out.map(RunDirectory.init)
        console.line("data: \(splits.train.name) \(splits.train.count) / \(splits.validation.name) \(splits.validation.count) / \(splits.test.name) \(splits.test.count)")
        console.line("compute: \(la)")
        let start = ContinuousClock.now
        var stack: PretrainedStack?
        var pretrainConfig: PretrainingConfig?
        if pretrain {
            let pc = try pretrainingConfig()
            try run?.writeConfig(RunConfig(config: config, architecture: nil, data: splits.train.name, backend: la.description,
                                           pretraining: pc, initFrom: nil))
            stack = try pretrainAndReport(pc, splits: splits, la: la, console: console, run: run, metricsFile: "pretrain-metrics.jsonl")
            if let run { try stack!.save(to: run.path + "/stack.safetensors", metadata: ["seed": String(pc.seed)]) }
            pretrainConfig = pc
        } else if let initFrom {
            stack = try PretrainedStack.load(from: initFrom)
            guard stack!.shape.inputSize == splits.train.featureCount, stack!.shape.hiddenSizes == config.hiddenSizes,
                  stack!.shape.activation == config.activation, stack!.shape.signTrick == config.signTrick else {
                throw ValidationError("\(initFrom) holds a \(stack!.shape.inputSize)-\(stack!.shape.hiddenSizes.map(String.init).joined(separator: "-")) "
                    + "\(stack!.shape.activation.name) stack; this run asks for \(config.hiddenSizes.map(String.init).joined(separator: "-")) "
                    + "\(config.activation.name)\(config.signTrick ? " with the sign trick" : "") on \(splits.train.featureCount) inputs")
            }
        }
        let pretrainSeconds = stack == nil || initFrom != nil ? nil : (ContinuousClock.now - start).seconds
        var network: Network?
        if let stack {
            var rng = RandomSource(seed: config.seed).derived("classifier")
            network = stack.classifier(classes: splits.train.classes, rng: &rng)
        }
        let result = try trainAndReport(config: config, splits: splits, la: la, run: run, console: console, initial: network,
                                        pretraining: pretrainConfig, initFrom: initFrom, startedAt: start) { result in
            result.pretraining = stack?.reports
            result.pretrainingSeconds = pretrainSeconds
        }
        console.line("test error \(percent(result.testError)) at epoch \(result.bestEpoch) (validation \(percent(result.validationError))), "
            + "mean sparsity \(percent(result.meanSparsity)) [\(result.sparsityPerLayer.map(percent).joined(separator: ", "))], "
            + "dead units \(result.deadUnits), \(format(result.wallSeconds, 1)) s")
        if let run { console.line("wrote \(run.path)/{config.json, metrics.jsonl, result.json, model.safetensors}") }
    }
}

/// Trains one configuration with console progress, writing the run's files when `run` is given.
/// `initial` replaces the seeded initialisation (a pre-trained stack with a classifier on top);
/// `finish` may add to the result before it is written.
func trainAndReport(config: TrainingConfig, splits: DataSplits, la: LinearAlgebra, run: RunDirectory?,
                    console: Console, quiet: Bool = false, initial: Network? = nil,
                    pretraining: PretrainingConfig? = nil, initFrom: String? = nil,
                    startedAt: ContinuousClock.Instant = .now,
                    finish: (inout TrainingResult) -> Void = { _ in }) throws -> TrainingResult {
    let trainer = Trainer(config: config, linearAlgebra: la)
    var splits = splits
    splits.train = trainer.labelledTraining(splits.train)
    var state = trainer.initialState(for: splits, network: initial)
    try run?.writeConfig(RunConfig(config: config, architecture: state.network.architecture, data: splits.train.name,
                                   backend: la.description, pretraining: pretraining, initFrom: initFrom))
    if !quiet {
        console.line("model: \(state.network.architecture.summary), \(state.network.parameterCount) parameters"
            + (config.labelFraction < 1 ? "; fine-tuning on \(splits.train.count) labelled examples" : ""))
    }
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
    var result = TrainingResult(state: state, test: splits.test, trainer: trainer,
                                wallSeconds: (ContinuousClock.now - startedAt).seconds, labelledExamples: splits.train.count)
    finish(&result)
    if let run {
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
    var architecture: Architecture?
    var data: String
    var backend: String
    var pretraining: PretrainingConfig?
    var initFrom: String?
}
