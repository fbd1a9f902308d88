import ArgumentParser
import Foundation
import Rectifier

extension Activation: ExpressibleByArgument {
    public init?(argument: String) { self.init(name: argument) }
    public static var allValueStrings: [String] { knownNames }
}

/// Where the data comes from.
struct DataOptions: ParsableArguments {
    @Option(help: "Dataset: mnist.")
    var dataset: String = "mnist"

    func validate() throws {
        guard dataset.lowercased() == "mnist" else { throw ValidationError("unknown dataset '\(dataset)' (known: mnist)") }
    }

    @Option(help: ArgumentHelp("Directory with the dataset's files (default: the MNIST subset shipped with the package).",
                               valueName: "dir"))
    var dataDir: String?

    func load() throws -> DataSplits {
        try validate()
        if let dataDir { return try MNIST.load(directory: dataDir) }
        return try MNIST.loadEmbeddedSubset()
    }
}

/// How matrix products run.
struct ComputeOptions: ParsableArguments {
    @Option(help: "GEMM backend: auto (built-in on AVX-512 CPUs, else BLAS when installed), blas or builtin.")
    var backend: String = "auto"

    @Option(help: "Threads for matrix products (default: all cores, or RECTIFIER_THREADS); minibatches up to 32 run on one while it measures faster.")
    var threads: Int?

    func linearAlgebra() throws -> LinearAlgebra {
        if let threads, threads <= 0 { throw ValidationError("--threads must be positive, got \(threads)") }
        let n = threads ?? LinearAlgebra.defaultThreads
        switch backend.lowercased() {
        case "auto": return .automatic(threads: n)
        case "builtin": return .builtin(threads: n)
        case "blas":
            guard let blas = LinearAlgebra.systemBLAS(threads: n) else {
                throw ValidationError("--backend blas: no BLAS found (install libopenblas0, or use --backend builtin)")
            }
            return blas
        default: throw ValidationError("unknown backend '\(backend)' (auto, blas, builtin)")
        }
    }
}

/// Throws a one-line error naming `file` unless `network` takes `data`'s inputs and classes.
func requireFits(_ network: Network, _ data: Dataset, file: String) throws {
    guard data.featureCount == network.layers[0].inputSize, data.classes == network.layers.last!.outputSize else {
        throw ValidationError("\(file) expects \(network.layers[0].inputSize) inputs and \(network.layers.last!.outputSize) "
            + "classes; \(data.name) has \(data.featureCount) and \(data.classes)")
    }
}

/// Parses a comma-separated list of positive whole numbers such as `1000,1000,1000`.
func parseList(_ text: String, option: String, what: String) throws -> [Int] {
    guard !text.trimmingCharacters(in: .whitespaces).isEmpty else {
        throw ValidationError("\(option) is empty: give a comma-separated list such as 1000,1000,1000")
    }
    return try text.split(separator: ",", omittingEmptySubsequences: false).map { part in
        let part = part.trimmingCharacters(in: .whitespaces)
        guard let n = Int(part), n > 0, n <= 1_000_000 else {
            throw ValidationError("\(option): '\(part)' is not \(what) (a whole number from 1 to 1000000) in '\(text)'")
        }
        return n
    }
}
