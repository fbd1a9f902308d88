import ArgumentParser
import Foundation
import Rectifier

struct Pretrain: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Pre-train a stack of denoising auto-encoders, greedily, layer by layer.",
        discussion: """
            Layer k is a denoising auto-encoder on the clean codes of layers 1..k-1. Writes, with \
            --out: stack.safetensors (the encoders), metrics.jsonl (one line per layer and epoch: \
            train and validation reconstruction cost, code sparsity), config.json and \
            result.json (chosen learning rates, final costs, times). Each finished layer is \
            saved, so Ctrl-C and `--resume RUN_DIR` continue with the next layer. Fine-tune the \
            stack with `rectifier train --init-from RUN_DIR/stack.safetensors`.
            """)

    @OptionGroup var data: DataOptions
    @OptionGroup var model: ModelOptions
    @OptionGroup var pretrain: PretrainOptions
    @OptionGroup var compute: ComputeOptions

    @Option(help: ArgumentHelp("Directory for the run's files (created if missing).", valueName: "run-dir"))
    var out: String?

    @Option(help: ArgumentHelp("Continue the interrupted pre-training in this directory, after its last finished layer.", valueName: "run-dir"))
    var resume: String?

    func validate() throws {
        _ = try specification()
        if resume != nil && out != nil { throw ValidationError("--resume continues the run in its own directory; drop --out") }
    }

    /// The run these options describe: pre-training only.
    func specification() throws -> RunSpecification {
        let m = try model.apply(to: TrainingConfig())
        let config = try pretrain.config(hiddenSizes: m.hiddenSizes, activation: m.activation, signTrick: m.signTrick, l1: m.l1,
                                         batchSize: m.batchSize, seed: m.seed, textInput: try data.reference().kind.inputKind == .text)
        return RunSpecification(data: try data.reference(), pretraining: config, training: nil)
    }

    func run() throws {
        Interrupt.install()
        let la = try compute.linearAlgebra()
        let console = Console()
        let directory = resume ?? out
        let spec = try resume.map { try Run.specification(in: $0, limit: ProcessEnvironment.current.maxFileBytes) } ?? specification()
        console.line("compute: \(la)")
        var options = RunOptions(linearAlgebra: la, dataDirectory: resume == nil ? nil : data.dataDir)
        options.limits = try data.limits()
        let result = try RunConsole(console: console).execute(Run(spec, directory: directory, options: options))
        if let directory, let r = result.pretraining {
            console.line("pre-trained \(r.layers.count) layer(s) in \(format(r.wallSeconds, 1)) s; "
                + "wrote \(directory)/{config.json, metrics.jsonl, result.json, stack.safetensors}")
        }
    }
}
