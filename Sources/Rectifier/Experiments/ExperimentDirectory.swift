import Foundation

/// The directory of a `rectifier reproduce` experiment: one sweep per stage (`table1/`, with its
/// sweep file `table1.toml` beside it), and what the analysis writes: `results.jsonl` (one
/// line per run), `summary.json`, `report.md`, `report.html` and the plots (`*.svg`).
///
/// Every run is a sweep run, so rerunning `reproduce` continues where it stopped: finished runs
/// are reused, interrupted ones resume from their checkpoints.
public struct ExperimentDirectory: Sendable {
    public let path: String

    public init(_ path: String) { self.path = path }

    /// What `experiment.json` holds: which experiment, with which settings.
    public struct Record: Codable, Equatable, Sendable {
        public var experiment: String
        public var settings: ExperimentSettings
    }

    /// The experiment planned here, from `experiment.json` (nil when there is none).
    public func record() throws -> Record? {
        let file = path + "/experiment.json"
        guard FileManager.default.fileExists(atPath: file) else { return nil }
        do {
            return try FileIO.jsonDecoder().decode(Record.self, from: Data(FileIO.read(file, limit: 1 << 20)))
        } catch let error as FileError {
            throw error
        } catch {
            throw FileError(file, "not an experiment record (\(error))")
        }
    }

    /// The sweep of stage `name`.
    public func sweep(_ name: String) -> SweepDirectory { SweepDirectory(path + "/" + name) }

    /// Plans every stage of `experiment` (replanning a stage keeps its finished runs);
    /// `specification` makes each run's `RunSpecification` from its options, as `sweep plan` does.
    @discardableResult
    public func plan(_ experiment: any Experiment,
                     specification: (PlannedRun) throws -> RunSpecification) throws -> [SweepDirectory.PlanReport] {
        try FileIO.createDirectory(path, what: "experiment directory")
        try FileIO.writeJSON(Record(experiment: type(of: experiment).name, settings: experiment.settings), to: path + "/experiment.json")
        return try experiment.stages().map { stage in
            let file = path + "/" + stage.name + ".toml"
            let text = stage.sweep.toml(comment: "Stage '\(stage.name)' of `rectifier reproduce \(type(of: experiment).name)` "
                                        + "(\(experiment.settings.budget.rawValue) budget), written by rectifier.")
            try FileIO.writeAtomically(Array(text.utf8), to: file)
            return try sweep(stage.name).plan(stage.sweep, from: file, specification: specification)
        }
    }

    /// Every planned run of `experiment`'s stages with its state, result and validation curve.
    public func runs(of experiment: any Experiment) throws -> [ExperimentRun] {
        try experiment.stages().flatMap { try Self.runs(in: sweep($0.name), stage: $0.name) }
    }

    /// Every planned run of a sweep, as `ExperimentRun`s of stage `stage`.
    static func runs(in dir: SweepDirectory, stage: String) throws -> [ExperimentRun] {
        try dir.records().map { record in
            let runPath = dir.runPath(record.index)
            let result = try? RunDirectory(existing: runPath).readResult(TrainingResult.self)
            return ExperimentRun(stage: stage, index: record.index, status: dir.status(record.index).name,
                                 axes: record.run.axes, options: record.run.options, result: result,
                                 validationCurve: Self.validationCurve(runPath + "/metrics.jsonl"))
        }
    }

    /// Validation error per epoch from a `metrics.jsonl` (empty when missing or unreadable).
    static func validationCurve(_ file: String) -> [Double] {
        guard let bytes = try? FileIO.read(file, limit: 64 << 20) else { return [] }
        let decoder = FileIO.jsonDecoder()
        return String(decoding: bytes, as: UTF8.self).split(separator: "\n").compactMap { line in
            (try? decoder.decode(EpochMetrics.self, from: Data(line.utf8)))?.validationError
        }
    }

    /// What the report says about where and how it was made.
    public struct Provenance: Sendable {
        /// The command that made it.
        public var command: String
        /// CPU, cores, backend.
        public var machine: [(String, String)]

        public init(command: String, machine: [(String, String)]) {
            self.command = command
            self.machine = machine
        }
    }

    /// Analyses `experiment`'s runs and writes `results.jsonl`, `summary.json` and the report
    /// (Markdown with SVG files beside it, and a self-contained HTML page); returns the analysis.
    @discardableResult
    public func writeReport(_ experiment: any Experiment, provenance: Provenance) throws -> ExperimentAnalysis {
        let runs = try runs(of: experiment)
        let analysis = try experiment.analyse(runs)
        try FileIO.writeAtomically(Array(try runs.map { try FileIO.jsonLine($0) + "\n" }.joined().utf8), to: path + "/results.jsonl")
        try FileIO.writeJSON(analysis.summary, to: path + "/summary.json")
        let document = try ExperimentReport.document(experiment, analysis: analysis, runs: runs, provenance: provenance,
                                                     sweepFiles: experiment.stages().map { "\($0.name).toml" })
        try document.write(to: path)
        return analysis
    }
}
