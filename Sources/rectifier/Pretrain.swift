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
            result.json (chosen learning rates, final costs, times). Fine-tune the stack with \
            `rectifier train --init-from RUN_DIR/stack.safetensors`.
            """)

    @OptionGroup var data: DataOptions
    @OptionGroup var model: ModelOptions
    @OptionGroup var pretrain: PretrainOptions
    @OptionGroup var compute: ComputeOptions

    @Option(help: ArgumentHelp("Directory for the run's files (created if missing).", valueName: "run-dir"))
    var out: String?

    func validate() throws { _ = try pretrainingConfig() }

    func pretrainingConfig() throws -> PretrainingConfig {
        let m = try model.apply(to: TrainingConfig())
        return try pretrain.config(hiddenSizes: m.hiddenSizes, activation: m.activation, signTrick: m.signTrick, l1: m.l1,
                                   batchSize: m.batchSize, seed: m.seed)
    }

    func run() throws {
        Interrupt.install()
        let config = try pretrainingConfig()
        let la = try compute.linearAlgebra()
        let console = Console()
        let splits = try data.load()
        let run = try out.map(RunDirectory.init)
        try run?.writeConfig(config)
        let start = ContinuousClock.now
        console.line("data: \(splits.train.name) \(splits.train.count) inputs, validation \(splits.validation.count); compute: \(la)")
        let stack = try pretrainAndReport(config, splits: splits, la: la, console: console, run: run, metricsFile: "metrics.jsonl")
        if let run {
            try stack.save(to: run.path + "/stack.safetensors", metadata: ["seed": String(config.seed)])
            try run.writeResult(PretrainingResult(layers: stack.reports, wallSeconds: (ContinuousClock.now - start).seconds, config: config))
            console.line("wrote \(run.path)/{config.json, metrics.jsonl, result.json, stack.safetensors}")
        }
    }
}

struct PretrainingResult: Codable {
    var layers: [PretrainedLayerReport]
    var wallSeconds: Double
    var config: PretrainingConfig
}
