import ArgumentParser
import Rectifier

@main
struct RectifierCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rectifier",
        abstract: "Train, pre-train and study deep sparse rectifier networks (Glorot, Bordes & Bengio, 2011).",
        discussion: """
            With no subcommand, runs a short demo on the MNIST subset shipped with the package. \
            Matrix products use OpenBLAS when installed; set RECTIFIER_GEMM=builtin to force the \
            built-in kernel and RECTIFIER_THREADS=n to set the thread count.
            """,
        version: "0.1.0",
        subcommands: [Demo.self, Train.self, Pretrain.self, Evaluate.self, Bench.self],
        defaultSubcommand: Demo.self)
}
