import ArgumentParser
import Foundation
import Rectifier

extension DivergencePolicy: ExpressibleByArgument {}
extension KeepPolicy: ExpressibleByArgument {}

struct Train: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Train a network with minibatch SGD, keeping the best-validation epoch.",
        discussion: """
            Prints one line per epoch and, with --out, writes config.json, metrics.jsonl, \
            result.json and model.safetensors into the run directory, and a checkpoint \
            (checkpoint.bin) after every epoch: Ctrl-C stops cleanly and `--resume RUN_DIR` \
            (or the same command again) continues, with the same results as an uninterrupted \
            run. Rerunning a finished run does nothing and prints its result; a directory \
            holding another run is refused. The defaults are the \
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

    @Option(help: ArgumentHelp("With --out: every N steps, the epoch's running loss and each layer's sparsity go to RUN_DIR/steps.jsonl.", valueName: "n"))
    var logEvery: Int?

    @Flag(help: "With --out: also write TensorBoard event files in RUN_DIR/tensorboard (tensorboard --logdir RUN_DIR/tensorboard).")
    var tensorboard = false

    @Option(help: ArgumentHelp("Continue the interrupted run in this directory (all settings come from its config.json).", valueName: "run-dir"))
    var resume: String?

    @OptionGroup(title: "Pre-training options (with --pretrain)") var pretraining: PretrainOptions
    @OptionGroup var compute: ComputeOptions

    @Option(help: ArgumentHelp("Directory for the run's files (created if missing).", valueName: "run-dir"))
    var out: String?

    func validate() throws {
        _ = try specification()
        _ = try compute.linearAlgebra()
        if let logEvery, logEvery <= 0 { throw ValidationError("--log-every must be positive, got \(logEvery)") }
        if (logEvery != nil || tensorboard) && out == nil && resume == nil {
            throw ValidationError("--log-every and --tensorboard write into the run directory: give --out DIR")
        }
        if !(checkpointMinutes > 0 && checkpointMinutes <= 100_000) {
            throw ValidationError("--checkpoint-minutes must be between 0 and 100000, got \(checkpointMinutes)")
        }
        if resume != nil {
            var defaults = TrainingConfig()
            defaults.onDivergence = onDivergence
            var given = try trainingConfig()
            (given.epochs, given.patience) = (defaults.epochs, defaults.patience)
            guard given == defaults, out == nil, !pretrain, initFrom == nil, !refit, data.dataset == nil,
                  data.arguments.isEmpty else {
                throw ValidationError("--resume continues a run with the settings in its directory; give only --data-dir, "
                    + "--epochs and --patience (to train it longer), --backend, --threads and --checkpoint-minutes with it")
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

    /// The run these options describe.
    func specification() throws -> RunSpecification {
        let training = try trainingConfig()
        var spec = RunSpecification(data: try data.reference(), training: training, initFrom: initFrom, refit: refit)
        if pretrain {
            spec.pretraining = try pretraining.config(hiddenSizes: training.hiddenSizes, activation: training.activation,
                                                      signTrick: training.signTrick, l1: training.l1,
                                                      batchSize: training.batchSize, seed: training.seed,
                                                      textInput: try data.reference().kind.inputKind == .text)
        }
        do { try spec.validate() } catch let e as UsageError { throw ValidationError(e.message) }
        return spec
    }

    func run() throws {
        Interrupt.install()
        let la = try compute.linearAlgebra()
        let console = Console()
        let directory = resume ?? out
        let limit = ProcessEnvironment.current.maxFileBytes
        let spec: RunSpecification
        if let resume, schedule.epochs != nil || schedule.patience != nil {
            spec = try Run.extend(resume, epochs: schedule.epochs, patience: schedule.patience, limit: limit)
            console.line("\(resume): training up to \(spec.training!.epochs) epochs (patience \(spec.training!.patience))")
        } else {
            spec = try resume.map { try Run.specification(in: $0, limit: limit) } ?? specification()
        }
        console.line("compute: \(la)")
        var options = RunOptions(linearAlgebra: la, checkpointInterval: .seconds(checkpointMinutes * 60),
                                 dataDirectory: resume == nil ? nil : data.dataDir)
        options.limits = try data.limits()
        options.logEvery = logEvery
        options.tensorBoard = tensorboard
        if spec.data.folds != nil && (resume != nil || data.fold == nil) {
            return try crossValidate(spec, directory: directory, options: options, console: console)
        }
        let result = try RunConsole(console: console).execute(Run(spec, directory: directory, options: options))
        if let r = result.training { report(r, directory: directory, console: console) }
    }

    /// `--folds K`: one run per fold, then the means.
    func crossValidate(_ spec: RunSpecification, directory: String?, options: RunOptions, console: Console) throws {
        var options = options
        options.shouldStop = { Interrupt.requested }
        let cv = CrossValidation(spec, directory: directory, options: options)
        let summary: CrossValidationResult
        do {
            summary = try cv.execute { k, event in
                switch event {
                case .training(.epochFinished(let m, let improved)):
                    console.line("fold \(k) epoch \(m.epoch)  valid err \(percent(m.validationError))\(improved ? " *" : "")"
                        + (m.validationRMSE.map { "  valid RMSE \(format($0, 4))" } ?? ""))
                case .pretrainingEpoch(let e):
                    console.line("fold \(k) pre-training layer \(e.layer) epoch \(e.epoch)  valid rec \(format(e.validationReconstruction, 4))")
                case .reused:
                    console.line("fold \(k): already finished")
                default: break
                }
            }
        } catch let interrupted as RunInterrupted {
            console.error("\(interrupted); continue with: rectifier train --resume \(directory ?? "")")
            throw ExitCode(130)
        }
        for f in summary.perFold {
            console.line("fold \(f.fold): accuracy \(percent(f.accuracy))" + (f.rmse.map { ", RMSE \(format($0, 4))" } ?? "")
                + ", sparsity \(percent(f.meanSparsity))")
        }
        console.line("\(summary.folds)-fold cross-validation: accuracy \(percent(summary.accuracy)) ± \(percent(summary.accuracySD))"
            + (summary.rmse.map { ", RMSE \(format($0, 4)) ± \(format(summary.rmseSD ?? 0, 4))" } ?? "")
            + ", mean sparsity \(percent(summary.meanSparsity))")
    }

    func report(_ result: TrainingResult, directory: String?, console: Console) {
        console.line("test error \(percent(result.testError)) at epoch \(result.bestEpoch) (validation \(percent(result.validationError))), "
            + "mean sparsity \(percent(result.meanSparsity)) [\(result.sparsityPerLayer.map(percent).joined(separator: ", "))], "
            + "dead units \(result.deadUnits), \(format(result.wallSeconds, 1)) s")
        if let rmse = result.testRMSE {
            console.line("rating: test RMSE \(format(rmse, 4)) (validation \(result.validationRMSE.map { format($0, 4) } ?? "–"))")
        }
        if let r = result.refit {
            console.line("refit on \(r.examples) examples for \(r.epochs) epochs: test error \(percent(r.testError)), "
                + "mean sparsity \(percent(r.meanSparsity)) [\(r.sparsityPerLayer.map(percent).joined(separator: ", "))], dead units \(r.deadUnits)")
        }
        if let directory { console.line("wrote \(directory)/{config.json, metrics.jsonl, result.json, model.safetensors, checkpoint.bin}") }
    }
}
