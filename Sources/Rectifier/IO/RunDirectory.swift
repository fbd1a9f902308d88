import Foundation

/// The files of one run: `config.json` (the specification and what it ran on),
/// `metrics.jsonl`, `result.json`, `model.safetensors`, checkpoints. Every file is replaced
/// atomically, so an interrupted run never leaves a half-written one behind.
public struct RunDirectory: Sendable {
    /// The directory.
    public let path: String

    /// Uses `path`, creating it (and its parents) if needed.
    public init(_ path: String) throws {
        try FileIO.createDirectory(path, what: "run directory")
        self.path = path
    }

    /// Uses `path`, which must exist.
    public init(existing path: String) throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw FileError(path, "no such run directory")
        }
        self.path = path
    }

    /// The file that records which run a directory holds.
    public static let recordFile = "config.json"
    /// Files a run writes (any of them marks a directory as holding a run).
    public static let runFiles = [recordFile, "metrics.jsonl", "result.json", "model.safetensors", checkpointFile,
                                  stackFile, pretrainingCheckpointFile]
    /// The fine-tuning checkpoint.
    public static let checkpointFile = "checkpoint.bin"
    /// The pre-trained stack.
    public static let stackFile = "stack.safetensors"
    /// The layers pre-trained so far, while pre-training is under way.
    public static let pretrainingCheckpointFile = "pretraining-checkpoint.safetensors"

    public var configPath: String { path + "/" + Self.recordFile }
    public var metricsPath: String { path + "/metrics.jsonl" }
    public var resultPath: String { path + "/result.json" }
    public var modelPath: String { path + "/model.safetensors" }
    public var refitModelPath: String { path + "/model-refit.safetensors" }
    public var checkpointPath: String { path + "/" + Self.checkpointFile }
    public var stackPath: String { path + "/" + Self.stackFile }
    public var pretrainingCheckpointPath: String { path + "/" + Self.pretrainingCheckpointFile }

    /// Writes `config.json`. A record rewritten for the same specification keeps the run's
    /// extension history (`Run.extend`).
    public func writeRecord(_ record: RunRecord) throws {
        var record = record
        if record.extensions == nil, let old = try? readRecord(), old.specHash == record.specHash { record.extensions = old.extensions }
        try FileIO.writeJSON(record, to: configPath)
    }

    /// The run recorded in `config.json`, or nil when there is none.
    public func readRecord(limit: Int = FileIO.defaultSizeLimit) throws -> RunRecord? {
        guard FileManager.default.fileExists(atPath: configPath) else { return nil }
        do {
            return try FileIO.jsonDecoder().decode(RunRecord.self, from: Data(FileIO.read(configPath, limit: limit)))
        } catch let error as FileError {
            throw error
        } catch {
            throw FileError(configPath, "not a run record of this version (\(error))")
        }
    }

    /// Rewrites `metrics.jsonl` (or another JSON Lines file of the run) with one object per line.
    public func writeMetrics<T: Encodable>(_ lines: [T], file: String = "metrics.jsonl") throws {
        let text = try lines.map { try FileIO.jsonLine($0) + "\n" }.joined()
        try FileIO.writeAtomically(Array(text.utf8), to: path + "/" + file)
    }

    /// Writes `result.json`.
    public func writeResult<T: Encodable>(_ result: T) throws { try FileIO.writeJSON(result, to: resultPath) }

    /// Reads `result.json`.
    public func readResult<T: Decodable>(_ type: T.Type, limit: Int = FileIO.defaultSizeLimit) throws -> T {
        do {
            return try FileIO.jsonDecoder().decode(type, from: Data(FileIO.read(resultPath, limit: limit)))
        } catch let error as FileError {
            throw error
        } catch {
            throw FileError(resultPath, "unreadable result (\(error))")
        }
    }
}

/// What `config.json` records: the run's specification and hash, and what it ran on.
public struct RunRecord: Codable, Equatable, Sendable {
    /// `rectifier-run`.
    public var format = "rectifier-run"
    /// `RunSpecification.hash` of `specification`.
    public var specHash: String
    public var specification: RunSpecification
    /// The network's shape, once known.
    public var architecture: Architecture?
    /// Backend and threads of the session that wrote this.
    public var backend: String
    /// How the run was extended after it started (`epochs: 2 → 4`), oldest first.
    public var extensions: [String]?

    public init(specHash: String, specification: RunSpecification, architecture: Architecture?, backend: String) {
        self.specHash = specHash
        self.specification = specification
        self.architecture = architecture
        self.backend = backend
    }
}
