import ArgumentParser
import Foundation
import Rectifier

extension Activation: ExpressibleByArgument {
    public init?(argument: String) { self.init(name: argument) }
    public static var allValueStrings: [String] { knownNames }
}

/// Where the data comes from.
struct DataOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Dataset: \(Datasets.names) (see `rectifier datasets list`).", valueName: "name"))
    var dataset: String = "mnist"

    @Option(help: ArgumentHelp("Directory with the dataset's files (default: the MNIST subset shipped with the package for mnist, data/NAME for the others).",
                               valueName: "dir"))
    var dataDir: String?

    @Option(help: ArgumentHelp("Validation examples, taken from the end of the training file (default: the dataset's split).",
                               valueName: "n"))
    var validation: Int?

    @Option(help: ArgumentHelp("nistp: the level of the perturbations in [0, 1] (default: 0.7, the paper's).", valueName: "level"))
    var perturbationLevel: Float?

    @Flag(help: "nistp: perturb the validation and test images too (once, with a fixed seed).")
    var perturbTest = false

    @Option(help: ArgumentHelp("Amazon: books, dvd, electronics, kitchen or all.", valueName: "domain"))
    var domain: String?

    @Option(help: ArgumentHelp("text-csv, svmlight: the data file.", valueName: "file"))
    var dataFile: String?

    @Option(help: ArgumentHelp("text-csv: the column holding the text (default: text).", valueName: "name"))
    var textColumn: String?

    @Option(help: ArgumentHelp("text-csv: the column holding the label (default: label).", valueName: "name"))
    var labelColumn: String?

    @Option(help: ArgumentHelp("Text: classification, or rating (numeric labels: softmax over the ratings, expected rating, RMSE).", valueName: "task"))
    var task: String?

    @Option(help: ArgumentHelp("Text: terms in the vocabulary (default: 5000, the paper's).", valueName: "k"))
    var vocabulary: Int?

    @Option(help: ArgumentHelp("Amazon: the training parts that choose the vocabulary: all four domains (default) or the domain alone.", valueName: "all|domain"))
    var vocabularyFrom: String?

    @Option(help: ArgumentHelp("Text: binary (default, the paper's) or counts.", valueName: "kind"))
    var features: String?

    @Option(help: ArgumentHelp("A single labelled file: the seeded, stratified test fraction (default 0.2).", valueName: "f"))
    var testFraction: Double?

    @Option(help: ArgumentHelp("Stratified K-fold cross-validation: one run per fold in RUN_DIR/fold-N, means in RUN_DIR/result.json.", valueName: "k"))
    var folds: Int?

    @Option(help: ArgumentHelp("With --folds K: run only fold N (0-based) as one run, as a sweep over folds does.", valueName: "n"))
    var fold: Int?

    @Option(help: ArgumentHelp("Seed of the split and the folds (default 0).", valueName: "seed"))
    var splitSeed: UInt64?

    @Flag(help: "Skip malformed lines of text files (counting them) instead of refusing the file.")
    var skipBadLines = false

    func validate() throws {
        if fold != nil && folds == nil { throw ValidationError("--fold needs --folds K") }
        do { try reference.validate() } catch let e as UsageError { throw ValidationError(e.message) }
    }

    /// The data these options name.
    var reference: DataReference {
        var r = DataReference(dataset: dataset.lowercased(), directory: dataDir, validation: validation)
        r.perturbationLevel = perturbationLevel
        r.perturbTest = perturbTest ? true : nil
        r.domain = domain
        r.dataFile = dataFile
        r.textColumn = textColumn
        r.labelColumn = labelColumn
        r.task = task
        r.vocabularySize = vocabulary
        r.features = features
        r.vocabularyFrom = vocabularyFrom
        r.testFraction = testFraction
        r.folds = folds
        r.fold = folds == nil ? fold : fold ?? 0
        r.splitSeed = splitSeed
        r.skipBadLines = skipBadLines ? true : nil
        return r
    }

    /// Loads and splits the data.
    func load() throws -> DataSplits {
        try reference.load(limit: ProcessEnvironment.current.maxFileBytes)
    }
}

/// How matrix products run.
struct ComputeOptions: ParsableArguments {
    @Option(help: "GEMM backend: auto (built-in on AVX-512 CPUs, else BLAS when installed), blas or builtin.")
    var backend: String = "auto"

    @Option(help: "Threads for matrix products (default: all cores, or RECTIFIER_THREADS); minibatches up to 32 run on one while it measures faster.")
    var threads: Int?

    func linearAlgebra() throws -> LinearAlgebra {
        let env = ProcessEnvironment.current
        if let threads, threads <= 0 { throw ValidationError("--threads must be positive, got \(threads)") }
        let n = threads ?? env.threads ?? LinearAlgebra.defaultThreads
        var la: LinearAlgebra
        switch backend.lowercased() {
        case "auto":
            switch env.gemm {
            case "builtin": la = .builtin(threads: n)
            case "blas": la = LinearAlgebra.systemBLAS(threads: n) ?? .builtin(threads: n)
            default: la = .automatic(threads: n)
            }
        case "builtin": la = .builtin(threads: n)
        case "blas":
            guard let blas = LinearAlgebra.systemBLAS(threads: n) else {
                throw ValidationError("--backend blas: no BLAS found (install libopenblas0, or use --backend builtin)")
            }
            la = blas
        default: throw ValidationError("unknown backend '\(backend)' (auto, blas, builtin)")
        }
        if !env.sparseKernels { la = la.with(sparsity: .never) }
        if let m = env.sparseMaxBatch, la.sparsity.enabled {
            var policy = la.sparsity
            policy.maxBatch = min(m, SparsityPolicy.always.maxBatch)
            la = la.with(sparsity: policy)
        }
        if let d = env.sparseDensity, la.sparsity.enabled {
            var policy = la.sparsity
            policy.largeBatchForwardDensity = d.forward
            policy.largeBatchBackwardDensity = d.backward
            la = la.with(sparsity: policy)
        }
        return la.with(threadChoice: env.threadChoice)
    }
}

/// Throws a one-line error naming `file` unless `network` takes `data`'s inputs and classes.
func requireFits(_ network: Network, _ data: Dataset, file: String) throws {
    do {
        try network.checkFits(width: data.featureCount, classes: data.classes, name: data.name)
    } catch let e as UsageError {
        throw ValidationError("\(file): \(e.message)")
    }
}

/// Parses a comma-separated list of positive whole numbers such as `1000,1000,1000`; with
/// `allowEmpty`, an empty text is the empty list.
func parseList(_ text: String, option: String, what: String, allowEmpty: Bool = false) throws -> [Int] {
    if allowEmpty && text.trimmingCharacters(in: .whitespaces).isEmpty { return [] }
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
