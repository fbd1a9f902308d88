import ArgumentParser
import Foundation
import Rectifier

struct Demo: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Train rectifier, softplus and tanh networks on the shipped MNIST subset and compare them.",
        discussion: """
            Uses the 5,000-image training / 1,000 validation / 2,000 test subset of MNIST inside \
            the package: no download, no data directory. Takes under a minute. As in the paper, the \
            L1 activation penalty (0.001) makes the rectifier layers sparse; softplus and tanh \
            networks train without it, which suits them better (see docs/reproducing.md).
            """)

    @Option(help: "Epochs per network.")
    var epochs: Int = 10

    @Option(help: "Learning rate (higher than the full-MNIST default, for the short budget).")
    var learningRate: Float = 0.02

    @Option(help: "Seed.")
    var seed: UInt64 = 1

    @Option(help: "Hidden layer widths, comma-separated.")
    var layers: String = "1000,1000,1000"

    @OptionGroup var compute: ComputeOptions

    func run() throws {
        guard epochs > 0 else { throw ValidationError("--epochs must be positive") }
        guard learningRate > 0 else { throw ValidationError("--learning-rate must be positive") }
        let hidden = try parseList(layers, option: "--layers", what: "a layer width")
        let console = Console()
        let la = try compute.linearAlgebra()
        let data = DataReference()
        let splits = try data.load()
        console.line("Rectifier demo: deep sparse rectifier networks (Glorot, Bordes & Bengio, 2011)")
        console.line("data: shipped MNIST subset, \(splits.train.count) train / \(splits.validation.count) validation / \(splits.test.count) test")
        let widths = ([784] + hidden + [10]).map(String.init).joined(separator: "-")
        console.line("network: \(widths), minibatch 10, learning rate \(learningRate), \(epochs) epochs; compute: \(la)")
        var rows: [[String]] = []
        for activation in [Activation.rectifier, .softplus, .tanh] {
            var config = TrainingConfig()
            config.activation = activation
            config.hiddenSizes = hidden
            config.l1 = activation.hasExactZeros ? 0.001 : 0
            config.epochs = epochs
            config.learningRate = learningRate
            config.patience = 0
            config.seed = seed
            console.line("training \(activation.name)...")
            let run = Run(RunSpecification(data: data, training: config), directory: nil, options: RunOptions(linearAlgebra: la))
            let r = try RunConsole(console: console, quiet: true).execute(run).training!
            rows.append([activation.name, config.l1 == 0 ? "0" : String(config.l1), percent(r.testError), percent(r.validationError), percent(r.meanSparsity),
                         String(r.deadUnits), format(r.wallSeconds, 1) + " s"])
        }
        console.line("")
        console.line(table(["activation", "L1", "test error", "valid error", "mean sparsity", "dead units", "time"], rows))
        console.line("""

            Sparsity is the fraction of exact zeros among hidden outputs on the test set. The paper's
            full-MNIST figures: rectifier 1.43%, softplus 1.77%, tanh 1.57% test error; 83.4% sparsity.
            Reproduce them with `rectifier train --data-dir <mnist>` (see docs/training.md).
            """)
    }
}
