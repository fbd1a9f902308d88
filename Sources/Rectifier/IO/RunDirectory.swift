import Foundation

/// The files of one training run: `config.json`, `metrics.jsonl`, `result.json` and
/// `model.safetensors`. Every file is replaced atomically, so an interrupted run never leaves
/// a half-written one behind.
public struct RunDirectory: Sendable {
    /// The directory.
    public let path: String

    /// Uses `path`, creating it (and its parents) if needed.
    public init(_ path: String) throws {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else { throw FileError(path, "exists and is not a directory") }
        } else {
            do {
                try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
            } catch {
                throw FileError(path, "cannot create the run directory: \(error.localizedDescription)")
            }
        }
        self.path = path
    }

    public var configPath: String { path + "/config.json" }
    public var metricsPath: String { path + "/metrics.jsonl" }
    public var resultPath: String { path + "/result.json" }
    public var modelPath: String { path + "/model.safetensors" }

    /// Writes `config.json`.
    public func writeConfig<T: Encodable>(_ config: T) throws { try FileIO.writeJSON(config, to: configPath) }

    /// Rewrites `metrics.jsonl` (or another JSON Lines file of the run) with one object per line.
    public func writeMetrics<T: Encodable>(_ lines: [T], file: String = "metrics.jsonl") throws {
        let text = try lines.map { try FileIO.jsonLine($0) + "\n" }.joined()
        try FileIO.writeAtomically(Array(text.utf8), to: path + "/" + file)
    }

    /// Writes `result.json`.
    public func writeResult<T: Encodable>(_ result: T) throws { try FileIO.writeJSON(result, to: resultPath) }
}
