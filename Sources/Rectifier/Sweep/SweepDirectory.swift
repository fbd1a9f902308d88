import Foundation

/// The directory of a sweep: the specification it was planned from, and one run directory per
/// planned run (`runs/0000`, ...), each with its full `RunSpecification` and hash in
/// `run.json` beside the run's own files. Everything the commands need is read back from here,
/// so any machine that sees the directory (a shared file system, for Slurm) can run, report and
/// collect it.
public struct SweepDirectory: Sendable {
    /// The directory.
    public let path: String

    public init(_ path: String) { self.path = path }

    /// `runs/NNNN` of run `index`.
    public func runPath(_ index: Int) -> String { path + "/runs/" + Self.name(index) }

    /// `0042` for 42 (four digits at least, more for sweeps of 10,000 runs and up).
    public static func name(_ index: Int) -> String {
        let digits = String(index)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }

    /// What `run.json` holds.
    public struct RunRecord: Codable, Equatable, Sendable {
        public var index: Int
        /// `RunSpecification.hash` of `specification`.
        public var hash: String
        public var run: PlannedRun
        public var specification: RunSpecification
    }

    /// A run's state, read from its directory.
    public enum Status: Equatable, Sendable {
        /// Not started, or stopped with a checkpoint to resume (`resumable`).
        case planned(resumable: Bool)
        /// A worker (here or on a Slurm node) holds it.
        case running
        /// Its result is recorded.
        case finished
        /// It diverged or could not run; `message` says why, `attempts` how often it was tried.
        case failed(message: String, attempts: Int)

        /// `planned`, `running`, `finished` or `failed`.
        public var name: String {
            switch self {
            case .planned: "planned"
            case .running: "running"
            case .finished: "finished"
            case .failed: "failed"
            }
        }
    }

    /// What a failed attempt leaves in `failure.json`.
    public struct Failure: Codable, Equatable, Sendable {
        public var message: String
        public var attempts: Int
    }

    /// Every run record, by index; a `FileError` when the sweep directory does not exist.
    public func records(limit: Int = FileIO.defaultSizeLimit) throws -> [RunRecord] {
        guard FileManager.default.fileExists(atPath: path) else { throw FileError(path, "no such sweep directory") }
        let runs = path + "/runs"
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: runs) else { return [] }
        return try names.filter { Int($0) != nil }.sorted().compactMap { name in
            let file = runs + "/" + name + "/run.json"
            guard FileManager.default.fileExists(atPath: file) else { return nil }
            return try Self.readRecord(file, limit: limit)
        }
    }

    /// The run record in `file`; a `FileError` naming it when it is not one.
    static func readRecord(_ file: String, limit: Int) throws -> RunRecord {
        do {
            return try FileIO.jsonDecoder().decode(RunRecord.self, from: Data(FileIO.read(file, limit: limit)))
        } catch let error as FileError {
            throw error
        } catch {
            throw FileError(file, "not a sweep run record (\(error))")
        }
    }

    /// The record of run `index`.
    public func record(_ index: Int, limit: Int = FileIO.defaultSizeLimit) throws -> RunRecord {
        let file = runPath(index) + "/run.json"
        guard FileManager.default.fileExists(atPath: file) else {
            throw FileError(path, "has no run \(index) (plan it first: rectifier sweep plan SPEC --out \(path))")
        }
        return try Self.readRecord(file, limit: limit)
    }

    /// The state of run `index`, from its files: running while a process holds its directory's
    /// lock (which the kernel releases when that process dies) or while Slurm still runs or
    /// holds its array task (`activeSlurmTasks`, for a task not yet started, or on a file system
    /// that does not share locks between nodes).
    public func status(_ index: Int, activeSlurmTasks: Set<Int> = []) -> Status {
        let dir = runPath(index)
        let fm = FileManager.default
        if fm.fileExists(atPath: dir + "/result.json") {
            if let result = try? RunDirectory(existing: dir).readResult(TrainingResult.self), let d = result.divergence {
                return .failed(message: d.description, attempts: 1)
            }
            return .finished
        }
        if activeSlurmTasks.contains(index) || DirectoryLock.isHeld(dir) { return .running }
        if let failure = try? FileIO.jsonDecoder().decode(Failure.self, from: Data(FileIO.read(dir + "/failure.json"))) {
            return .failed(message: failure.message, attempts: failure.attempts)
        }
        return .planned(resumable: fm.fileExists(atPath: dir + "/" + RunDirectory.checkpointFile)
                        || fm.fileExists(atPath: dir + "/" + RunDirectory.pretrainingCheckpointFile))
    }

    /// Records a failed attempt of run `index` (attempts count up). The caller holds the run's
    /// lock.
    public func recordFailure(_ index: Int, message: String) throws {
        let dir = runPath(index)
        let previous = (try? FileIO.jsonDecoder().decode(Failure.self, from: Data(FileIO.read(dir + "/failure.json"))))?.attempts ?? 0
        try FileIO.writeJSON(Failure(message: message, attempts: previous + 1), to: dir + "/failure.json")
    }

    /// Runs run `index` in this process: claims it (its directory's lock, held until the
    /// failure is recorded), executes its `RunSpecification` into its directory (resuming a
    /// checkpoint, or returning the recorded result), records a failure. Throws what the run
    /// throws; `DirectoryInUse` when another process has the run (recorded as no failure),
    /// `RunInterrupted` leaves it resumable.
    public func runTask(_ index: Int, options: RunOptions, events: (RunEvent) -> Void = { _ in }) throws -> RunResult {
        let record = try record(index)
        let dir = try RunDirectory(existing: runPath(index))
        return try DirectoryLock.holding(dir.path) {
            let result: RunResult
            do {
                try record.specification.validate()
                result = try Run(record.specification, directory: dir.path, options: options).execute(in: dir, events: events)
            } catch let interrupted as RunInterrupted {
                throw interrupted
            } catch {
                try recordFailure(index, message: "\(error)")
                throw error
            }
            if FileManager.default.fileExists(atPath: dir.path + "/failure.json") { try FileIO.remove(dir.path + "/failure.json") }
            return result
        }
    }
}
