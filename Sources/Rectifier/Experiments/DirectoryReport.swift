import Foundation

/// `rectifier report DIR`: the report of an experiment, a sweep or a single run directory,
/// written into it as `report.md` (with its SVG files) and `report.html`.
public enum DirectoryReport {
    /// What was found at the path.
    public enum Kind: String, Sendable { case experiment, sweep, run }

    /// Writes the report of `path`; returns what it was.
    @discardableResult
    public static func write(_ path: String, provenance: ExperimentDirectory.Provenance) throws -> Kind {
        let fm = FileManager.default
        let experiment = ExperimentDirectory(path)
        if let record = try experiment.record() {
            try experiment.writeReport(try Experiments.named(record.experiment, settings: record.settings), provenance: provenance)
            return .experiment
        }
        if fm.fileExists(atPath: path + "/runs") {
            try sweepReport(SweepDirectory(path), provenance: provenance).write(to: path)
            return .sweep
        }
        if fm.fileExists(atPath: path + "/" + RunDirectory.recordFile) {
            try runReport(path, provenance: provenance).write(to: path)
            return .run
        }
        throw FileError(path, "is not an experiment, sweep or run directory (no experiment.json, runs/ or config.json)")
    }

    static func sweepReport(_ sweep: SweepDirectory, provenance: ExperimentDirectory.Provenance) throws -> ReportDocument {
        let runs = try ExperimentDirectory.runs(in: sweep, stage: "runs")
        guard !runs.isEmpty else { throw FileError(sweep.path, "holds no planned runs") }
        var doc = ReportDocument(title: "Sweep " + URL(fileURLWithPath: sweep.path).lastPathComponent)
        let finished = runs.filter { $0.result != nil }
        doc.paragraph("\(finished.count) of \(runs.count) runs finished.")
        let axes = Set(runs.flatMap(\.axes.keys)).sorted()
        let rows = runs.map { run -> [String] in
            [SweepDirectory.name(run.index), run.status] + axes.map { run.axes[$0].map(ExperimentReport.short) ?? "" }
                + [ExperimentFormat.percent(run.result?.validationError), ExperimentFormat.percent(run.result?.testError),
                   ExperimentFormat.percent(run.result?.meanSparsity, digits: 1)]
        }
        doc.heading("Runs")
        try doc.table(header: ["run", "status"] + axes + ["valid err", "test err", "sparsity"], rows: rows)
        if finished.count >= 2 {
            let points = finished.map { DataPoint(x: $0.result!.meanSparsity, y: $0.result!.testError) }
            try doc.figure(Plot(title: "Test error against sparsity", x: Axis("mean exact sparsity", format: .percent),
                                y: Axis("test error", format: .percent), series: [.scatter("runs", points)]),
                           fileName: "sweep.svg", caption: "Each point a finished run.")
        }
        try ExperimentReport.runSections(&doc, runs: runs, prefix: "")
        doc.heading("How this was made")
        doc.keyValues(ExperimentReport.provenanceEntries(provenance, runs: runs))
        if let text = try? String(contentsOfFile: sweep.path + "/sweep.toml", encoding: .utf8) { doc.code(text, language: "toml") }
        return doc
    }

    static func runReport(_ path: String, provenance: ExperimentDirectory.Provenance) throws -> ReportDocument {
        let dir = try RunDirectory(existing: path)
        let spec = try Run.specification(in: path)
        var doc = ReportDocument(title: "Run " + URL(fileURLWithPath: path).lastPathComponent)
        doc.paragraph(spec.summary)
        let result = try? dir.readResult(TrainingResult.self)
        let metrics = epochMetrics(dir.metricsPath)
        let run = ExperimentRun(stage: "run", index: 0, status: result == nil ? "unfinished" : "finished", axes: [:], options: [:],
                                result: result, validationCurve: metrics.map(\.validationError))
        if let r = result {
            doc.heading("Result")
            doc.keyValues([("test error", ExperimentFormat.percent(r.testError)), ("validation error", ExperimentFormat.percent(r.validationError)),
                           ("mean sparsity", ExperimentFormat.percent(r.meanSparsity, digits: 1)), ("best epoch", "\(r.bestEpoch) of \(r.epochsRun)"),
                           ("seed", String(r.seed))] + (r.testRMSE.map { [("test RMSE", ExperimentFormat.number($0))] } ?? []))
        } else {
            doc.paragraph("The run has no result yet (resume it with `rectifier train --resume \(path)`).")
        }
        if !metrics.isEmpty {
            doc.heading("Learning curves")
            try doc.figure(RunPlots.loss(metrics), fileName: "loss.svg",
                           caption: "Training loss: the mean objective over each epoch's steps (NLL plus the L1 penalty, "
                               + "and the NLL alone when a penalty makes them differ); validation loss: the mean NLL on the "
                               + "validation set after the epoch (not recorded by runs made before it was).")
            try doc.figure(RunPlots.error(metrics), fileName: "learning-curve.svg",
                           caption: "Training error on the examples as they were trained on; validation error after each epoch.")
            if let sparsity = RunPlots.sparsity(metrics) {
                try doc.figure(sparsity, fileName: "sparsity.svg", caption: "Fraction of exact zeros among each hidden layer's "
                               + "outputs on the validation set after each epoch (their mean, for runs made before it was "
                               + "recorded per layer).")
            } else {
                doc.paragraph("No validation set: the exact sparsity was not measured after each epoch; "
                              + "the table below gives it on the test set.")
            }
        }
        if let r = result {
            doc.heading("Sparsity per layer")
            try doc.table(header: ["layer", "exact zeros", "dead units"], rows: r.sparsityPerLayer.indices.map {
                [String($0 + 1), ExperimentFormat.percent(r.sparsityPerLayer[$0], digits: 1), String(r.deadUnitsPerLayer[$0])]
            })
        }
        doc.heading("How this was made")
        doc.keyValues(ExperimentReport.provenanceEntries(provenance, runs: [run]))
        doc.code(String(decoding: try FileIO.jsonEncoder(pretty: true).encode(spec), as: UTF8.self), language: "json")
        return doc
    }

    /// Every epoch of a `metrics.jsonl` that decodes (none when the file is missing); keys
    /// added since a run was made are optional, so older runs read too.
    static func epochMetrics(_ file: String) -> [EpochMetrics] {
        guard let bytes = try? FileIO.read(file, limit: 64 << 20) else { return [] }
        let decoder = FileIO.jsonDecoder()
        return String(decoding: bytes, as: UTF8.self).split(separator: "\n").compactMap {
            try? decoder.decode(EpochMetrics.self, from: Data($0.utf8))
        }
    }
}
