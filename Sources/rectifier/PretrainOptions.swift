import ArgumentParser
import Rectifier

extension ReconstructionStrategy: ExpressibleByArgument {}
extension CodeScaling: ExpressibleByArgument {}

/// Options of unsupervised pre-training, shared by `pretrain` and `train --pretrain`.
struct PretrainOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Input corruption: masking:P, salt-and-pepper:P or none, or one per layer (comma-separated); bare levels (0.8,0.3,0.1) mean salt-and-pepper on a text input layer and masking elsewhere.",
                               valueName: "noise"))
    var noise: String = "masking:0.25"

    @Option(help: ArgumentHelp("Pre-training L1 coefficient per layer (comma-separated; default: --l1 for every layer).", valueName: "l1s"))
    var pretrainL1: String?

    @Option(help: ArgumentHelp("Reconstruction: softplus-quadratic, sigmoid-cross-entropy, linear-quadratic or rectifier-quadratic (default: sigmoid-cross-entropy for a text input or tanh/sigmoid units, else softplus-quadratic).",
                               valueName: "strategy"))
    var reconstruction: ReconstructionStrategy?

    @Option(help: "How sigmoid-cross-entropy scales rectifier codes into [0, 1]: global (layer maximum) or unit (each unit's maximum).")
    var codeScaling: CodeScaling = .globalMax

    @Option(help: "Pre-training epochs per layer.")
    var pretrainEpochs: Int = PretrainingConfig().epochs

    @Option(help: ArgumentHelp("Pre-training learning rate: auto (chosen per layer from 0.1, 0.01, 0.001, 0.0001 by validation reconstruction), one rate, or one per layer (comma-separated).",
                               valueName: "rates"))
    var pretrainLearningRate: String = "auto"

    @Option(help: "Epochs each candidate learning rate trains before the automatic choice.")
    var selectionEpochs: Int = PretrainingConfig().selectionEpochs

    /// Checks the options' syntax even when nothing is pre-trained, so a mistyped value is an
    /// error at once rather than silently ignored.
    func validate() throws {
        _ = try corruptions(layers: 1, textInput: false)
        _ = try config(hiddenSizes: [1], activation: .rectifier, signTrick: false, l1: 0, batchSize: 1, seed: 1, checkLayers: false)
    }

    /// The corruption of each layer, from `--noise`; `textInput` says the first layer reads a
    /// bag of words (bare levels then mean salt-and-pepper there).
    func corruptions(layers: Int, textInput: Bool) throws -> [Corruption] {
        let parts = noise.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        return try parts.enumerated().map { i, part in
            if let level = Float(part), level >= 0, level < 1 {
                return i == 0 && textInput ? .saltAndPepper(level) : .masking(level)
            }
            guard let c = Corruption(name: part) else {
                throw ValidationError("--noise: '\(part)' is not masking:P, salt-and-pepper:P, none or a level in [0, 1)")
            }
            return c
        }
    }

    /// The pre-training configuration for a network of `model`'s shape.
    func config(hiddenSizes: [Int], activation: Activation, signTrick: Bool, l1: Float, batchSize: Int, seed: UInt64,
                textInput: Bool = false, checkLayers: Bool = true) throws -> PretrainingConfig {
        var c = PretrainingConfig()
        c.hiddenSizes = hiddenSizes
        c.activation = activation
        c.signTrick = signTrick
        let corruptions = try corruptions(layers: hiddenSizes.count, textInput: textInput)
        if corruptions.count == 1 { c.corruption = corruptions[0] } else { c.layerCorruptions = corruptions }
        if let pretrainL1 {
            c.layerL1 = try pretrainL1.split(separator: ",").map { part in
                guard let v = Float(part.trimmingCharacters(in: .whitespaces)), v >= 0, v.isFinite else {
                    throw ValidationError("--pretrain-l1: '\(part)' is not a number >= 0")
                }
                return v
            }
        }
        // Text pre-training reconstructs the binary bag of words with a sigmoid and cross-entropy (the paper's text setting).
        c.strategy = reconstruction ?? (textInput ? .sigmoidCrossEntropy : nil)
        c.scaling = codeScaling
        c.l1 = l1
        c.epochs = pretrainEpochs
        c.batchSize = batchSize
        c.seed = seed
        c.selectionEpochs = min(selectionEpochs, pretrainEpochs)
        if pretrainLearningRate.lowercased() != "auto" {
            c.learningRates = try pretrainLearningRate.split(separator: ",").map { part in
                guard let r = Float(part.trimmingCharacters(in: .whitespaces)), r > 0, r.isFinite else {
                    throw ValidationError("--pretrain-learning-rate: '\(part)' is not a positive number (or use auto)")
                }
                return r
            }
        }
        guard checkLayers else { return c }
        do { try c.validate() } catch let e as UsageError { throw ValidationError(e.message) }
        return c
    }
}
