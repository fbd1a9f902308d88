import ArgumentParser
import Foundation
import Rectifier

struct Demo: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Train rectifier, softplus and tanh networks on the shipped MNIST subset and compare them.",
        discussion: """
            Uses the 5,000-image training / 1,000 validation / 2,000 test subset of MNIST inside \
            the package: no download, no data directory. Takes one to three minutes.
            """)

    @Option(help: "Epochs per network.")
    var epochs: Int = 10

    @Option(help: "Learning rate (higher than the full-MNIST default, for the short budget).")
    var learningRate: Float = 0.02

    @Option(help: "Seed.")
    var seed: UInt64 = 1

    @OptionGroup var compute: ComputeOptions

    func run() throws {
        guard epochs > 0 else { throw ValidationError("--epochs must be positive") }
        guard learningRate > 0 else { throw ValidationError("--learning-rate must be positive") }
        let console = Console()
        let la = try compute.linearAlgebra()
        let splits = try MNIST.loadEmbeddedSubset()
        console.line("Rectifier demo: deep sparse rectifier networks (Glorot, Bordes & Bengio, 2011)")
        console.line("data: shipped MNIST subset, \(splits.train.count) train / \(splits.validation.count) validation / \(splits.test.count) test")
        console.line("network: 784-1000-1000-1000-10, minibatch 10, L1 0.001, learning rate \(learningRate), \(epochs) epochs; compute: \(la)")
        var rows: [[String]] = []
        for activation in [Activation.rectifier, .softplus, .tanh] {
            var config = TrainingConfig()
            config.activation = activation
            config.epochs = epochs
            config.learningRate = learningRate
            config.patience = 0
            config.seed = seed
            console.line("training \(activation.name)...")
            let session = TrainingSession(trainer: Trainer(config: config, linearAlgebra: la), splits: splits, run: nil,
                                          console: console, quiet: true)
            let r = try session.train(from: session.trainer.initialState(for: splits))
            rows.append([activation.name, percent(r.testError), percent(r.validationError), percent(r.meanSparsity),
                         String(r.deadUnits), format(r.wallSeconds, 1) + " s"])
        }
        console.line("")
        console.line(table(["activation", "test error", "valid error", "mean sparsity", "dead units", "time"], rows))
        console.line("""

            Sparsity is the fraction of exact zeros among hidden outputs on the test set. The paper's
            full-MNIST figures: rectifier 1.43%, softplus 1.77%, tanh 1.57% test error; 83.4% sparsity.
            Reproduce them with `rectifier train --data-dir <mnist>` (see README).
            """)
    }
}
