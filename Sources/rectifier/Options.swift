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
        guard dataset.lowercased() == "mnist" else {
            throw ValidationError("unknown dataset '\(dataset)' (known: mnist)")
        }
        if let dataDir { return try MNIST.load(directory: dataDir) }
        return try MNIST.loadEmbeddedSubset()
    }
}

/// How matrix products run.
struct ComputeOptions: ParsableArguments {
    @Option(help: "GEMM backend: auto (BLAS when installed), blas or builtin.")
    var backend: String = "auto"

    @Option(help: "Threads for matrix products (default: all cores, or RECTIFIER_THREADS).")
    var threads: Int?

    func linearAlgebra() throws -> LinearAlgebra {
        if let threads, threads <= 0 { throw ValidationError("--threads must be positive, got \(threads)") }
        let n = threads ?? LinearAlgebra.defaultThreads
        switch backend.lowercased() {
        case "auto":
            let auto = LinearAlgebra.automatic
            return auto.backend == .blas ? LinearAlgebra.systemBLAS(threads: n)! : .builtin(threads: n)
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

/// Parses a comma-separated list of layer widths such as `1000,1000,1000`.
func parseLayers(_ text: String) throws -> [Int] {
    let parts = text.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
    guard !text.trimmingCharacters(in: .whitespaces).isEmpty else {
        throw ValidationError("--layers is empty: give hidden layer widths such as 1000,1000,1000")
    }
    return try parts.map { part in
        guard let n = Int(part), n > 0, n <= 1_000_000 else {
            throw ValidationError("--layers: '\(part)' is not a layer width (a whole number from 1 to 1000000) in '\(text)'")
        }
        return n
    }
}
