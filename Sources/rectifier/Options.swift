import ArgumentParser
import Foundation
import Rectifier

extension Activation: ExpressibleByArgument {
    public init?(argument: String) { self.init(name: argument) }
    public static var allValueStrings: [String] { knownNames }
}

/// Where the data comes from. The dataset reads the options it knows (`DatasetKind.options`);
/// the library refuses any other, naming it.
struct DataOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Dataset: \(Datasets.names) (see `rectifier datasets list`; default: mnist, or the one --data-file's extension names).",
                               valueName: "name"))
    var dataset: String?

    @Option(help: ArgumentHelp("Directory with the dataset's files (default: data/NAME).", valueName: "dir"))
    var dataDir: String?

    @Option(help: ArgumentHelp(DataOption.dataFile.help, valueName: "file")) var dataFile: String?
    @Option(help: ArgumentHelp(DataOption.validation.help, valueName: "n")) var validation: Int?
    @Option(help: ArgumentHelp(DataOption.perturbationLevel.help, valueName: "level")) var perturbationLevel: Double?
    @Flag(help: ArgumentHelp(DataOption.perturbTest.help)) var perturbTest = false
    @Option(help: ArgumentHelp(DataOption.domain.help, valueName: "domain")) var domain: String?
    @Option(help: ArgumentHelp(DataOption.textColumn.help, valueName: "name")) var textColumn: String?
    @Option(help: ArgumentHelp(DataOption.labelColumn.help, valueName: "name")) var labelColumn: String?
    @Option(help: ArgumentHelp(DataOption.task.help, valueName: "task")) var task: String?
    @Option(help: ArgumentHelp(DataOption.vocabulary.help, valueName: "k")) var vocabulary: Int?
    @Option(help: ArgumentHelp(DataOption.vocabularyFrom.help, valueName: "all|domain")) var vocabularyFrom: String?
    @Option(help: ArgumentHelp(DataOption.features.help, valueName: "kind")) var features: String?
    @Option(help: ArgumentHelp(DataOption.testFraction.help, valueName: "f")) var testFraction: Double?
    @Option(help: ArgumentHelp(DataOption.folds.help, valueName: "k")) var folds: Int?
    @Option(help: ArgumentHelp(DataOption.fold.help, valueName: "n")) var fold: Int?
    @Option(help: ArgumentHelp(DataOption.splitSeed.help, valueName: "seed")) var splitSeed: UInt64?
    @Flag(help: ArgumentHelp(DataOption.skipBadLines.help)) var skipBadLines = false
    @Option(help: ArgumentHelp(DataOption.labelsFile.help, valueName: "file")) var labelsFile: String?
    @Option(help: ArgumentHelp(DataOption.xKey.help, valueName: "name")) var xKey: String?
    @Option(help: ArgumentHelp(DataOption.yKey.help, valueName: "name")) var yKey: String?
    @Option(help: ArgumentHelp(DataOption.standardize.help, valueName: "on|off")) var standardize: String?

    @Option(help: ArgumentHelp("Memory the data and the network may take, e.g. 8G (default: this machine's memory); a run that needs more is refused before it starts.", valueName: "size"))
    var maxMemory: String?
    @Option(help: ArgumentHelp("Most classes a label column may have (default 1000).", valueName: "n"))
    var maxClasses: Int?

    /// The dataset options given, by name, as text.
    var arguments: [String: String] {
        var given: [String: String?] = [
            DataOption.dataFile.name: dataFile, DataOption.validation.name: validation.map(String.init),
            DataOption.perturbationLevel.name: perturbationLevel.map { String($0) },
            DataOption.perturbTest.name: perturbTest ? "true" : nil, DataOption.domain.name: domain,
            DataOption.textColumn.name: textColumn, DataOption.labelColumn.name: labelColumn, DataOption.task.name: task,
            DataOption.vocabulary.name: vocabulary.map(String.init), DataOption.vocabularyFrom.name: vocabularyFrom,
            DataOption.features.name: features, DataOption.testFraction.name: testFraction.map { String($0) },
            DataOption.folds.name: folds.map(String.init), DataOption.splitSeed.name: splitSeed.map { String($0) },
            DataOption.skipBadLines.name: skipBadLines ? "true" : nil, DataOption.labelsFile.name: labelsFile,
            DataOption.xKey.name: xKey, DataOption.yKey.name: yKey, DataOption.standardize.name: standardize,
        ]
        // --folds K alone runs every fold; the reference names fold 0 until cross-validation sets each.
        given[DataOption.fold.name] = fold.map(String.init) ?? (folds == nil ? nil : "0")
        return given.compactMapValues { $0 }
    }

    /// Whether any data option was given (else `train` reads the shipped MNIST subset, and says so).
    var anyGiven: Bool { dataset != nil || dataDir != nil || !arguments.isEmpty }

    func validate() throws {
        if fold != nil && folds == nil { throw ValidationError("--fold needs --folds K") }
        _ = try limits()
        do { try reference().validate() } catch let e as UsageError { throw ValidationError(e.message) }
    }

    /// The data these options name: the dataset given, or the one the data file's extension
    /// names, or MNIST; in the directory given, or (once any data option is given) in
    /// `data/NAME`, or, with no data option at all, the dataset's shipped subset.
    func reference() throws -> DataReference {
        let name: String
        if let dataset {
            name = dataset.lowercased()
        } else if let dataFile {
            name = try Datasets.forFile(dataFile, given: Set(arguments.keys)).name
        } else {
            name = Datasets.all[0].name
        }
        let kind = try DataReference(dataset: name).kind
        let directory = dataDir ?? (anyGiven && kind.shippedSubset != nil ? Datasets.defaultDirectory(for: name) : nil)
        return try DataReference(dataset: name, directory: directory, arguments: arguments)
    }

    /// How much the command may read and hold.
    func limits() throws -> Limits {
        var limits = Limits(fileBytes: ProcessEnvironment.current.maxFileBytes)
        if let maxMemory {
            guard let bytes = Limits.parseSize(maxMemory) else {
                throw ValidationError("--max-memory: '\(maxMemory)' is not a size (such as 8G, 512M or 2000000000)")
            }
            limits.memoryBytes = bytes
        }
        if let maxClasses {
            guard maxClasses >= 2 else { throw ValidationError("--max-classes must be at least 2, got \(maxClasses)") }
            limits.classes = maxClasses
        }
        return limits
    }

    /// Loads and splits the data.
    func load() throws -> DataSplits {
        try reference().load(limits: limits())
    }
}

/// How matrix products run.
struct ComputeOptions: ParsableArguments {
    @Option(help: "GEMM backend: auto (whichever this machine measured faster, see bench --calibrate), blas or builtin.")
    var backend: String = "auto"

    @Option(help: "Threads for matrix products (default: all cores, or RECTIFIER_THREADS); minibatches up to 32 run on one while it measures faster.")
    var threads: Int?

    /// `--threads`, else `RECTIFIER_THREADS`, else every core.
    func threadCount() throws -> Int {
        if let threads, threads <= 0 { throw ValidationError("--threads must be positive, got \(threads)") }
        return threads ?? ProcessEnvironment.current.threads ?? LinearAlgebra.defaultThreads
    }

    func linearAlgebra() throws -> LinearAlgebra {
        let env = ProcessEnvironment.current
        let n = try threadCount()
        var la: LinearAlgebra
        switch backend.lowercased() {
        case "auto":
            switch env.gemm {
            case "builtin": la = .builtin(threads: n)
            case "blas": la = LinearAlgebra.systemBLAS(threads: n) ?? .builtin(threads: n)
            default: la = env.calibration ? Self.calibration(threads: n).linearAlgebra(threads: n) : .automatic(threads: n)
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

extension ComputeOptions {
    /// This machine's calibration for `threads` threads: the one kept, or measured now (once,
    /// a few seconds) and kept.
    static func calibration(threads: Int, remeasure: Bool = false) -> Calibration {
        let path = ProcessEnvironment.current.calibrationPath
        var file = path.map(CalibrationFile.read) ?? CalibrationFile()
        if !remeasure, let kept = file.calibration(threads: threads) { return kept }
        Console().error("calibrating the products on this machine (once: a few seconds; `rectifier bench --calibrate` redoes it)")
        let calibration = Calibration.measure(threads: threads)
        if let path {
            do { try file.keep(calibration, at: path) } catch {
                Console().error("note: cannot keep the calibration in \(path) (\(error)); it will be measured again")
            }
        }
        return calibration
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
