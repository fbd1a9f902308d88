import ArgumentParser
import Rectifier

extension Corruption: ExpressibleByArgument {
    public init?(argument: String) { self.init(name: argument) }
}

extension ReconstructionStrategy: ExpressibleByArgument {}
extension CodeScaling: ExpressibleByArgument {}

/// Options of unsupervised pre-training, shared by `pretrain` and `train --pretrain`.
struct PretrainOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Input corruption: masking:P, salt-and-pepper:P or none.", valueName: "noise"))
    var noise: Corruption = .masking(0.25)

    @Option(help: ArgumentHelp("Reconstruction: softplus-quadratic, sigmoid-cross-entropy, linear-quadratic or rectifier-quadratic (default: softplus-quadratic for rectifier/softplus units, sigmoid-cross-entropy for tanh/sigmoid).",
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

    /// The pre-training configuration for a network of `model`'s shape.
    func config(hiddenSizes: [Int], activation: Activation, signTrick: Bool, l1: Float, batchSize: Int, seed: UInt64) throws -> PretrainingConfig {
        var c = PretrainingConfig()
        c.hiddenSizes = hiddenSizes
        c.activation = activation
        c.signTrick = signTrick
        c.corruption = noise
        c.strategy = reconstruction
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
        do { try c.validate() } catch let e as UsageError { throw ValidationError(e.message) }
        return c
    }
}
