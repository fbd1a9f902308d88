import Foundation

/// One line of `sweep collect`: a run's swept options, state and measurements.
public struct SweepRow: Codable, Equatable, Sendable {
    public var index: Int
    public var status: String
    /// The swept options (as given in the sweep file).
    public var axes: [String: SweepValue]
    public var validationError: Double?
    public var testError: Double?
    public var meanSparsity: Double?
    public var sparsityPerLayer: [Double]?
    public var bestEpoch: Int?
    public var epochsRun: Int?
    public var wallSeconds: Double?
    /// Why a failed run failed.
    public var message: String?
}

extension SweepDirectory {
    /// Every planned run as a row, in index order; unfinished runs have their state and no
    /// measurements (none is left out).
    public func collect(activeSlurmTasks: Set<Int> = []) throws -> [SweepRow] {
        try records().map { record in
            let status = status(record.index, activeSlurmTasks: activeSlurmTasks)
            var row = SweepRow(index: record.index, status: status.name, axes: record.run.axes)
            if case .failed(let message, _) = status { row.message = message }
            if let result = try? RunDirectory(existing: runPath(record.index)).readResult(TrainingResult.self) {
                row.validationError = result.validationError
                row.testError = result.testError
                row.meanSparsity = result.meanSparsity
                row.sparsityPerLayer = result.sparsityPerLayer
                row.bestEpoch = result.bestEpoch
                row.epochsRun = result.epochsRun
                row.wallSeconds = result.wallSeconds
            }
            return row
        }
    }

    /// Writes `results.csv` and `results.jsonl` for `rows`, atomically.
    public func writeResults(_ rows: [SweepRow]) throws {
        let axes = Set(rows.flatMap(\.axes.keys)).sorted()
        let layers = rows.map { $0.sparsityPerLayer?.count ?? 0 }.max() ?? 0
        let header = ["index", "status"] + axes
            + ["validation_error", "test_error", "mean_sparsity"] + (0..<layers).map { "sparsity_layer_\($0 + 1)" }
            + ["best_epoch", "epochs_run", "wall_seconds", "message"]
        func field(_ text: String) -> String {
            text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" }) ? "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : text
        }
        func number(_ v: Double?) -> String { v.map { $0.description } ?? "" }
        var csv = header.joined(separator: ",") + "\n"
        var jsonl = ""
        for row in rows {
            var cells = [String(row.index), row.status] + axes.map { row.axes[$0]?.description ?? "" }
            cells += [number(row.validationError), number(row.testError), number(row.meanSparsity)]
            cells += (0..<layers).map { l in number(row.sparsityPerLayer.flatMap { l < $0.count ? $0[l] : nil }) }
            cells += [row.bestEpoch.map(String.init) ?? "", row.epochsRun.map(String.init) ?? "", number(row.wallSeconds), row.message ?? ""]
            csv += cells.map(field).joined(separator: ",") + "\n"
            jsonl += try FileIO.jsonLine(row) + "\n"
        }
        try FileIO.writeAtomically(Array(csv.utf8), to: path + "/results.csv")
        try FileIO.writeAtomically(Array(jsonl.utf8), to: path + "/results.jsonl")
    }
}
