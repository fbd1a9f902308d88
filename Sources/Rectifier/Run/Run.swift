import Foundation

/// One run of a `RunSpecification` into a directory: what `rectifier train` and `rectifier
/// pretrain` do between parsing their options and printing, usable from Swift.
///
/// A run directory belongs to one specification (its `config.json` records the specification
/// and its hash):
/// - a fresh or empty directory starts the run;
/// - a directory holding an unfinished run of the same specification resumes it from its
///   checkpoints (fine-tuning mid-epoch, pre-training after its last finished layer), with the
///   same bytes as an uninterrupted run;
/// - a directory holding its finished result does nothing and returns that result;
/// - a directory holding another specification's run is refused.
///
/// Every file is written atomically. The run owns its directory while it executes (its
/// `DirectoryLock`): a second process is refused, naming the first, and temporary files that a
/// killed run left are removed. Without a directory nothing is written and nothing can be
/// resumed (the demo).
public struct Run {
    public var specification: RunSpecification
    /// Where the run's files go, or nil.
    public var directory: String?
    public var options: RunOptions

    public init(_ specification: RunSpecification, directory: String?, options: RunOptions = RunOptions()) {
        self.specification = specification
        self.directory = directory
        self.options = options
    }

    /// Lets the run in `directory` train for `epochs` epochs (and stop early after `patience`
    /// epochs without improvement, when given) instead of what it was started with: its
    /// record takes the new specification, with the change noted in `extensions`, and the next
    /// `execute` continues from its last checkpoint, as a run started with these settings
    /// would have gone on (as far as early stopping allows). Returns the new specification.
    public static func extend(_ directory: String, epochs: Int?, patience: Int?, limit: Int = FileIO.defaultSizeLimit) throws -> RunSpecification {
        let dir = try RunDirectory(existing: directory)
        guard var record = try dir.readRecord(limit: limit) else { throw FileError(directory, "holds no run (no \(RunDirectory.recordFile))") }
        guard var training = record.specification.training else { throw UsageError("\(directory) holds a pre-training run: nothing to train longer") }
        guard FileManager.default.fileExists(atPath: dir.checkpointPath) else {
            throw FileError(directory, "has no checkpoint to continue from (\(RunDirectory.checkpointFile))")
        }
        let done = try Checkpoint.read(dir.checkpointPath, limit: limit).state.epoch
        if let epochs {
            guard epochs > done else { throw UsageError("--epochs \(epochs): \(directory) has already run \(done) epochs") }
            training.epochs = epochs
        }
        if let patience { training.patience = patience }
        var extended = record.specification
        extended.training = training
        try extended.validate()
        let changes = extended.differences(from: record.specification)
        guard !changes.isEmpty else { return extended }
        record.extensions = (record.extensions ?? []) + [changes.joined(separator: ", ")]
        record.specification = extended
        record.specHash = extended.hash
        try dir.writeRecord(record)
        if FileManager.default.fileExists(atPath: dir.resultPath) { try FileManager.default.removeItem(atPath: dir.resultPath) }
        return extended
    }

    /// Reads the specification recorded in a run directory (for `--resume`).
    public static func specification(in directory: String, limit: Int = FileIO.defaultSizeLimit) throws -> RunSpecification {
        let dir = try RunDirectory(existing: directory)
        guard let record = try dir.readRecord(limit: limit) else {
            throw FileError(directory, "holds no run (no \(RunDirectory.recordFile))")
        }
        return record.specification
    }

    /// Runs, resumes or reuses the run, reporting to `events`. Throws a `UsageError` or
    /// `FileError` for bad settings or files, `DirectoryInUse` when another process runs in the
    /// directory, `RunInterrupted` when `options.shouldStop` stopped it (after saving what can be
    /// resumed). A run that diverged returns normally, with the divergence in its result.
    public func execute(events: (RunEvent) -> Void = { _ in }) throws -> RunResult {
        try specification.validate()
        guard let directory else { return try execute(in: nil, events: events) }
        let dir = try RunDirectory(directory)
        return try DirectoryLock.holding(dir.path) { try execute(in: dir, events: events) }
    }

    /// `execute` of the validated specification in `dir`, whose lock the caller holds (a
    /// sweep's task holds it longer, to record a failure).
    func execute(in dir: RunDirectory?, events: (RunEvent) -> Void) throws -> RunResult {
        let spec = specification
        let hash = spec.hash
        if let dir {
            // Nobody else writes here while the lock is held: these are a killed run's.
            try FileIO.removeTemporaries(in: dir.path)
            if let finished = try claim(dir, hash: hash) {
                events(.reused)
                return finished
            }
        }
        let splits = try spec.data.load(limits: options.limits, overrideDirectory: options.dataDirectory)
        events(.dataLoaded(train: splits.train.count, validation: splits.validation.count, test: splits.test.count,
                           name: splits.train.name))
        try dir?.writeRecord(RunRecord(specHash: hash, specification: spec, architecture: nil,
                                       backend: options.linearAlgebra.description))
        return try withoutActuallyEscaping(events) { events in
            let context = RunContext(specification: spec, hash: hash, directory: dir, options: options, splits: splits,
                                     events: events)
            var stack: PretrainedStack?
            var initial: Network?
            if let pretraining = spec.pretraining {
                let done = try context.pretrain(pretraining)
                if spec.training == nil {
                    let result = PretrainingResult(layers: done.reports, wallSeconds: done.reports.reduce(0) { $0 + $1.seconds },
                                                   config: pretraining, specHash: hash)
                    try dir?.writeResult(result)
                    return RunResult(specHash: hash, pretraining: result)
                }
                stack = done
            } else if let initFrom = spec.initFrom {
                // A stack from `rectifier pretrain`, or a whole model (Rectifier's or a PyTorch MLP's) to fine-tune.
                if try SafeTensors.read(initFrom, limit: options.fileSizeLimit).metadata["format"] == PretrainedStack.format {
                    stack = try PretrainedStack.load(from: initFrom, limit: options.fileSizeLimit)
                } else {
                    initial = try Model.load(initFrom, limits: options.limits, activation: spec.training?.activation ?? .rectifier).network
                }
            }
            return RunResult(specHash: hash, training: try context.fineTune(from: stack, network: initial))
        }
    }

    /// Checks that `dir` is free for this run or holds this run; returns its result when it is
    /// finished.
    private func claim(_ dir: RunDirectory, hash: String) throws -> RunResult? {
        guard let record = try dir.readRecord(limit: options.fileSizeLimit) else {
            let leftovers = RunDirectory.runFiles.filter { FileManager.default.fileExists(atPath: dir.path + "/" + $0) }
            if !leftovers.isEmpty {
                throw FileError(dir.path, "holds files of a run this version cannot identify (\(leftovers.joined(separator: ", "))); "
                    + "use another directory")
            }
            return nil
        }
        guard record.specHash == hash else {
            let changes = specification.differences(from: record.specification)
            throw FileError(dir.path, "holds another run (\(record.specification.summary)); this one differs in "
                + changes.prefix(10).joined(separator: ", ") + (changes.count > 10 ? ", … and \(changes.count - 10) more" : "")
                + ": use another directory, or --resume \(dir.path) to continue that one")
        }
        guard FileManager.default.fileExists(atPath: dir.resultPath) else { return nil }
        if specification.training == nil {
            return RunResult(specHash: hash, pretraining: try dir.readResult(PretrainingResult.self, limit: options.fileSizeLimit),
                             reused: true)
        }
        return RunResult(specHash: hash, training: try dir.readResult(TrainingResult.self, limit: options.fileSizeLimit),
                         reused: true)
    }
}

/// How a run executes: none of this changes its results (beyond the last bits between BLAS
/// and the built-in kernels).
public struct RunOptions {
    /// Where products run.
    public var linearAlgebra: LinearAlgebra
    /// Fine-tuning also checkpoints within epochs this often (of training time).
    public var checkpointInterval: Duration
    /// How much the run may read and hold.
    public var limits: Limits
    /// No file larger than this is read.
    public var fileSizeLimit: Int {
        get { limits.fileBytes }
        set { limits.fileBytes = newValue }
    }
    /// The data's directory when it has moved since the run began (loading only: the
    /// specification keeps its own).
    public var dataDirectory: String?
    /// Asked between steps; true stops the run after saving a checkpoint (`RunInterrupted`).
    public var shouldStop: () -> Bool
    /// Every this many steps, the running loss and sparsity go to `steps.jsonl` (nil: never).
    public var logEvery: Int?
    /// Whether epochs (and `logEvery` steps) are also written as TensorBoard event files in
    /// `RUN_DIR/tensorboard`.
    public var tensorBoard = false

    public init(linearAlgebra: LinearAlgebra = .automatic, checkpointInterval: Duration = .seconds(600),
                fileSizeLimit: Int = FileIO.defaultSizeLimit, dataDirectory: String? = nil,
                shouldStop: @escaping () -> Bool = { false }) {
        self.linearAlgebra = linearAlgebra
        self.checkpointInterval = checkpointInterval
        self.limits = Limits(fileBytes: fileSizeLimit)
        self.dataDirectory = dataDirectory
        self.shouldStop = shouldStop
    }
}

/// What a run reports while it goes, for a console or a log.
public enum RunEvent {
    /// The run directory already held this run's result; nothing was done.
    case reused
    /// The data is loaded.
    case dataLoaded(train: Int, validation: Int, test: Int, name: String)
    /// Pre-training begins (or resumes after `layersDone` layers).
    case pretrainingStarted(PretrainingConfig, layersDone: Int)
    /// Progress within a pre-training epoch.
    case pretrainingProgress(layer: Int, epoch: Int, done: Int, total: Int, samplesPerSecond: Double, cost: Double)
    /// A pre-training epoch finished.
    case pretrainingEpoch(PretrainingEpoch)
    /// A layer finished pre-training.
    case pretrainedLayer(PretrainedLayerReport)
    /// The network to train: its architecture, parameter count and labelled training examples.
    case model(Architecture, parameters: Int, labelledExamples: Int)
    /// Fine-tuning continues from a checkpoint.
    case resumed(epoch: Int, position: Int, examples: Int)
    /// The trainer's progress and epochs.
    case training(TrainingEvent)
    /// The refit begins: `examples` (training + validation) for `epochs` epochs.
    case refitStarted(examples: Int, epochs: Int)
    /// The refit's progress and epochs.
    case refit(TrainingEvent)
    /// Something the user should know that does not stop the run.
    case warning(String)
}

/// The result of a run: that of supervised training, or of pre-training alone.
public struct RunResult: Sendable {
    /// The specification's hash.
    public var specHash: String
    /// The supervised result (`result.json`), when the run trains.
    public var training: TrainingResult?
    /// The pre-training result (`result.json` of a pre-training run).
    public var pretraining: PretrainingResult?
    /// True when the directory already held this result and nothing ran.
    public var reused: Bool

    public init(specHash: String, training: TrainingResult? = nil, pretraining: PretrainingResult? = nil, reused: Bool = false) {
        self.specHash = specHash
        self.training = training
        self.pretraining = pretraining
        self.reused = reused
    }
}

/// A run stopped by `RunOptions.shouldStop`.
public struct RunInterrupted: Error, CustomStringConvertible {
    /// The run directory, when there is one (its checkpoints are saved).
    public var directory: String?
    /// Whether the stop came during pre-training (which resumes from its last finished layer).
    public var duringPretraining: Bool

    public var description: String {
        guard let directory else { return "interrupted (no run directory, so nothing was saved)" }
        return duringPretraining
            ? "interrupted during pre-training: finished layers saved in \(directory)"
            : "interrupted: checkpoint saved in \(directory)"
    }
}

/// The result of pre-training alone: what a pre-training run's `result.json` holds.
public struct PretrainingResult: Codable, Equatable, Sendable {
    /// How each layer was pre-trained.
    public var layers: [PretrainedLayerReport]
    public var wallSeconds: Double
    public var config: PretrainingConfig
    public var specHash: String?
}

extension RunSpecification {
    /// e.g. `mnist, 1000-1000-1000 rectifier, lr 0.01, L1 0.001, seed 1, pre-trained`.
    public var summary: String {
        var parts = [data.dataset]
        if let t = training {
            parts.append("\(t.hiddenSizes.map(String.init).joined(separator: "-")) \(t.activation.name)")
            parts.append("lr \(t.learningRate), L1 \(t.l1), seed \(t.seed)")
        } else if let p = pretraining {
            parts.append("pre-training \(p.hiddenSizes.map(String.init).joined(separator: "-")) \(p.activation.name), seed \(p.seed)")
        }
        if pretraining != nil && training != nil { parts.append("pre-trained") }
        if initFrom != nil { parts.append("from \(initFrom!)") }
        if refit { parts.append("refit") }
        return parts.joined(separator: ", ")
    }
}
