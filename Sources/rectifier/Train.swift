import ArgumentParser
import Foundation
import Rectifier

extension DivergencePolicy: ExpressibleByArgument {}

struct Train: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Train a network with minibatch SGD, keeping the best-validation epoch.",
        discussion: """
            Prints one line per epoch and, with --out, writes config.json, metrics.jsonl, \
            result.json and model.safetensors into the run directory, and a checkpoint \
            (checkpoint.bin) after every epoch: Ctrl-C stops cleanly and `--resume RUN_DIR` \
            continues, with the same results as an uninterrupted run. The defaults are the \
            paper's MNIST setting: three hidden layers of 1000 rectifier units, minibatch 10, \
            L1 penalty 0.001 on the hidden activations, constant learning rate. \
            With --pretrain, the hidden layers are first pre-trained as denoising auto-encoders \
            (the paper's image settings unless the pre-training options say otherwise; per-epoch \
            lines go to pretrain-metrics.jsonl and the stack to stack.safetensors), then the \
            whole network is fine-tuned. --init-from starts from a stack saved by `rectifier pretrain`.
            """)

    @OptionGroup var data: DataOptions
    @OptionGroup var model: ModelOptions
    @OptionGroup var schedule: ScheduleOptions

    @Flag(help: "Pre-train the hidden layers as stacked denoising auto-encoders before fine-tuning.")
    var pretrain = false

    @Option(help: ArgumentHelp("Start from a pre-trained stack (stack.safetensors).", valueName: "stack"))
    var initFrom: String?

    @Option(help: "Fine-tune on this fraction of the labelled training examples (seeded, stratified); pre-training still uses every training input.")
    var labelFraction: Double = 1

    @Option(help: "When the loss or an activation stops being finite: stop, or reduce-lr (back to the last good epoch with half the learning rate).")
    var onDivergence: DivergencePolicy = .stop

    @Flag(help: "After selecting the epoch on validation, retrain on training + validation data for that many epochs and report that network's test error too (model-refit.safetensors).")
    var refit = false

    @Option(help: "Also save a checkpoint every this many minutes within an epoch.")
    var checkpointMinutes: Double = 10

    @Option(help: ArgumentHelp("Continue the interrupted run in this directory (all settings come from its checkpoint).", valueName: "run-dir"))
    var resume: String?

    @OptionGroup(title: "Pre-training options (with --pretrain)") var pretraining: PretrainOptions
    @OptionGroup var compute: ComputeOptions

    @Option(help: ArgumentHelp("Directory for the run's files (created if missing).", valueName: "run-dir"))
    var out: String?

    func validate() throws {
        _ = try trainingConfig()
        _ = try compute.linearAlgebra()
        if pretrain && initFrom != nil { throw ValidationError("--pretrain and --init-from exclude each other") }
        if pretrain { _ = try pretrainingConfig() }
        if !(checkpointMinutes > 0 && checkpointMinutes <= 100_000) {
            throw ValidationError("--checkpoint-minutes must be between 0 and 100000, got \(checkpointMinutes)")
        }
        if refit && labelFraction < 1 { throw ValidationError("--refit needs every label (--label-fraction 1)") }
        if resume != nil {
            var defaults = TrainingConfig()
            defaults.onDivergence = onDivergence
            guard try trainingConfig() == defaults, out == nil, !pretrain, initFrom == nil, !refit else {
                throw ValidationError("--resume continues a run with the settings in its checkpoint; give only --data-dir, "
                    + "--backend, --threads and --checkpoint-minutes with it")
            }
        }
    }

    func trainingConfig() throws -> TrainingConfig {
        var c = try schedule.trainingConfig(model)
        c.labelFraction = labelFraction
        c.onDivergence = onDivergence
        do { try c.validate() } catch let e as UsageError { throw ValidationError(e.message) }
        return c
    }

    func pretrainingConfig() throws -> PretrainingConfig {
        let c = try model.apply(to: TrainingConfig())
        return try pretraining.config(hiddenSizes: c.hiddenSizes, activation: c.activation, signTrick: c.signTrick, l1: c.l1,
                                      batchSize: c.batchSize, seed: c.seed)
    }

    func run() throws {
        Interrupt.install()
        let la = try compute.linearAlgebra()
        let console = Console()
        if let resume { return try resumeRun(resume, la: la, console: console) }
        let config = try trainingConfig()
        let splits = try data.load()
        let run = try out.map(RunDirectory.init)
        console.line("data: \(splits.train.name) \(splits.train.count) / \(splits.validation.name) \(splits.validation.count) / \(splits.test.name) \(splits.test.count)")
        console.line("compute: \(la)")
        let start = ContinuousClock.now
        var stack: PretrainedStack?
        var pretrainConfig: PretrainingConfig?
        if pretrain {
            let pc = try pretrainingConfig()
            try run?.writeConfig(RunConfig(config: config, data: splits.train.name, dataDirectory: data.dataDir,
                                           backend: la.description, pretraining: pc))
            stack = try pretrainAndReport(pc, splits: splits, la: la, console: console, run: run, metricsFile: "pretrain-metrics.jsonl")
            if let run { try stack!.save(to: run.path + "/stack.safetensors", metadata: ["seed": String(pc.seed)]) }
            pretrainConfig = pc
        } else if let initFrom {
            let loaded = try PretrainedStack.load(from: initFrom)
            let shape = loaded.shape
            guard shape.inputSize == splits.train.featureCount, shape.hiddenSizes == config.hiddenSizes,
                  shape.activation == config.activation, shape.signTrick == config.signTrick else {
                throw ValidationError("\(initFrom) holds a \(shape.inputSize)-\(shape.hiddenSizes.map(String.init).joined(separator: "-")) "
                    + "\(shape.activation.name)\(shape.signTrick ? " sign-trick" : "") stack; this run asks for "
                    + "\(config.hiddenSizes.map(String.init).joined(separator: "-")) \(config.activation.name)"
                    + "\(config.signTrick ? " with the sign trick" : "") on \(splits.train.featureCount) inputs")
            }
            stack = loaded
        }
        let trainer = Trainer(config: config, linearAlgebra: la)
        var fineTuning = splits
        fineTuning.train = trainer.labelledTraining(splits.train)
        var network: Network?
        if let stack {
            var rng = RandomSource(seed: config.seed).derived("classifier")
            network = stack.classifier(classes: splits.train.classes, rng: &rng)
        }
        let state = trainer.initialState(for: fineTuning, network: network)
        try run?.writeConfig(RunConfig(config: config, architecture: state.network.architecture, data: splits.train.name,
                                       dataDirectory: data.dataDir, backend: la.description, pretraining: pretrainConfig,
                                       initFrom: initFrom))
        console.line("model: \(state.network.architecture.summary), \(state.network.parameterCount) parameters"
            + (config.labelFraction < 1 ? "; fine-tuning on \(fineTuning.train.count) labelled examples" : ""))
        var session = TrainingSession(trainer: trainer, splits: fineTuning, run: run, console: console,
                                      checkpointInterval: .seconds(checkpointMinutes * 60))
        session.notes = ["data_dir": data.dataDir ?? "", "dataset": data.dataset, "backend": la.description]
        if let stack, initFrom == nil {
            session.pretrainingReports = stack.reports
            session.pretrainingSeconds = (ContinuousClock.now - start).seconds
            session.notes["pretraining_seconds"] = String(session.pretrainingSeconds!)
        }
        session.refit = refit
        session.initial = network
        session.notes["refit"] = refit ? "1" : "0"
        if let initFrom { session.notes["init_from"] = initFrom }
        let result = try session.train(from: state)
        report(result, run: run, console: console)
    }

    func resumeRun(_ path: String, la: LinearAlgebra, console: Console) throws {
        let run = try RunDirectory(path)
        let checkpoint = try Checkpoint.read(path + "/" + TrainingSession.checkpointFile)
        let notes = checkpoint.notes
        var source = data
        if source.dataDir == nil, let dir = notes["data_dir"], !dir.isEmpty { source.dataDir = dir }
        if let dataset = notes["dataset"] { source.dataset = dataset }
        let splits = try source.load()
        let trainer = Trainer(config: checkpoint.config, linearAlgebra: la)
        var fineTuning = splits
        fineTuning.train = trainer.labelledTraining(splits.train)
        let checkpointPath = path + "/" + TrainingSession.checkpointFile
        guard DataFingerprint(fineTuning) == checkpoint.data else {
            throw ValidationError("\(checkpointPath) was made on other data (\(checkpoint.data.name), "
                + "\(checkpoint.data.trainCount) examples); give the original --data-dir")
        }
        var state = checkpoint.state
        guard state.restoreOrder(examples: fineTuning.train.count) else {
            throw FileError(checkpointPath, "checkpoint state is inconsistent (its data-order generators disagree)")
        }
        if let backend = notes["backend"], backend != la.description {
            console.error("note: the run started on \(backend); continuing on \(la) may change results in the last bits")
        }
        console.line("resuming \(path): epoch \(checkpoint.state.epoch + 1), example \(checkpoint.state.position) of \(fineTuning.train.count)")
        var session = TrainingSession(trainer: trainer, splits: fineTuning, run: run, console: console,
                                      checkpointInterval: .seconds(checkpointMinutes * 60))
        session.notes = notes
        session.previousSeconds = Double(notes["elapsed_seconds"] ?? "") ?? 0
        session.pretrainingSeconds = notes["pretraining_seconds"].flatMap(Double.init)
        session.refit = notes["refit"] == "1"
        // The starting network, for the refit: a stack pre-trained in this run, or the one it started from.
        let stackPath = FileManager.default.fileExists(atPath: path + "/stack.safetensors") ? path + "/stack.safetensors" : notes["init_from"]
        if let stackPath {
            let stack = try PretrainedStack.load(from: stackPath)
            if stackPath.hasPrefix(path) { session.pretrainingReports = stack.reports }
            var rng = RandomSource(seed: checkpoint.config.seed).derived("classifier")
            session.initial = stack.classifier(classes: splits.train.classes, rng: &rng)
        }
        let result = try session.train(from: state)
        report(result, run: run, console: console)
    }

    func report(_ result: TrainingResult, run: RunDirectory?, console: Console) {
        console.line("test error \(percent(result.testError)) at epoch \(result.bestEpoch) (validation \(percent(result.validationError))), "
            + "mean sparsity \(percent(result.meanSparsity)) [\(result.sparsityPerLayer.map(percent).joined(separator: ", "))], "
            + "dead units \(result.deadUnits), \(format(result.wallSeconds, 1)) s")
        if let r = result.refit {
            console.line("refit on \(r.examples) examples for \(r.epochs) epochs: test error \(percent(r.testError)), "
                + "mean sparsity \(percent(r.meanSparsity)) [\(r.sparsityPerLayer.map(percent).joined(separator: ", "))], dead units \(r.deadUnits)")
        }
        if let run { console.line("wrote \(run.path)/{config.json, metrics.jsonl, result.json, model.safetensors, checkpoint.bin}") }
    }
}
