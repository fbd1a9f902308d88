import ArgumentParser
import Rectifier

/// The network and what is shared by training and pre-training.
struct ModelOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Hidden units: rectifier, softplus, tanh, sigmoid or rescaled-softplus:A.", valueName: "name"))
    var activation: Activation = .rectifier

    @Option(help: ArgumentHelp("Hidden layer widths, comma-separated ('' for none: softmax regression).", valueName: "widths"))
    var layers: String = "1000,1000,1000"

    @Option(help: "Examples per SGD step.")
    var batchSize: Int = 10

    @Option(help: "L1 penalty coefficient on hidden activations (per layer: coefficient x batch mean of sum |h|).")
    var l1: Float = TrainingConfig().l1

    @Flag(help: "Use the sign trick: flip the outputs of a random half of each hidden layer's units.")
    var signTrick = false

    @Option(help: "Seed for initial weights, sign masks, noise and data order.")
    var seed: UInt64 = 1

    /// These options on top of `config`, validated.
    func apply(to config: TrainingConfig) throws -> TrainingConfig {
        var c = config
        c.hiddenSizes = try parseList(layers, option: "--layers", what: "a layer width", allowEmpty: true)
        c.activation = activation
        c.batchSize = batchSize
        c.l1 = l1
        c.signTrick = signTrick
        c.seed = seed
        do { try c.validate() } catch let e as UsageError { throw ValidationError(e.message) }
        return c
    }
}

/// How supervised training proceeds.
struct ScheduleOptions: ParsableArguments {
    @Option(help: "Constant SGD learning rate.")
    var learningRate: Float = TrainingConfig().learningRate

    @Option(help: ArgumentHelp("Update rule: \(Optimizers.names) (default: sgd, the paper's).", valueName: "name"))
    var optimizer: String?

    @Option(help: "Momentum (0 is plain SGD, as in the paper).")
    var momentum: Float = 0

    @Option(help: ArgumentHelp("Decay the learning rate: epoch t (from 0) trains at rate / (1 + t/T) (default: constant, the paper's).", valueName: "T"))
    var lrDecayEpochs: Double?

    @Option(help: ArgumentHelp("Drop each input value of a training batch with probability P, scaling the kept ones by 1/(1-P) (default: none, the paper's); a regulariser for bag-of-words inputs.", valueName: "P"))
    var inputDropout: Float?

    @Option(help: "Parameters to keep: best (the epoch of lowest validation error, ties broken by validation loss) or last.")
    var keep: KeepPolicy = .best

    @Option(help: "Maximum number of epochs (default 60; with --resume, train a finished or stopped run longer).")
    var epochs: Int?

    @Option(help: "Stop after this many epochs without a better validation error (0: never; default 15).")
    var patience: Int?

    /// The training configuration these options and `model` give.
    func trainingConfig(_ model: ModelOptions) throws -> TrainingConfig {
        var c = TrainingConfig()
        c.learningRate = learningRate
        c.momentum = momentum
        // The default rule is recorded as nil, so that naming it keeps a specification's hash.
        c.optimizer = optimizer.map { $0.lowercased() }.flatMap { $0 == SGD.name ? nil : $0 }
        c.epochs = epochs ?? c.epochs
        c.patience = patience ?? c.patience
        c.learningRateDecayEpochs = lrDecayEpochs
        c.inputDropout = inputDropout
        c.keep = keep == .best ? nil : keep  // the default is recorded as nil, keeping earlier hashes
        return try model.apply(to: c)
    }
}
