import Foundation

/// The report of an experiment, and of any run or sweep (`rectifier report DIR`): the tables
/// beside the paper's numbers, the plots, learning curves, sparsity per layer, and how, where
/// and with what configuration the runs were made.
public enum ExperimentReport {
    /// The whole report of `experiment`.
    static func document(_ experiment: any Experiment, analysis: ExperimentAnalysis, runs: [ExperimentRun],
                         provenance: ExperimentDirectory.Provenance, sweepFiles: [String]) throws -> ReportDocument {
        let summary = analysis.summary
        var doc = ReportDocument(title: summary.title)
        doc.paragraph("Experiment \(summary.experiment) on \(summary.settings.dataset), \(summary.settings.budget.rawValue) budget, "
                      + "\(summary.settings.seeds) seed\(summary.settings.seeds == 1 ? "" : "s"): "
                      + "\(summary.finishedRuns) of \(summary.runs) runs finished.")
        if !summary.findings.isEmpty {
            doc.heading("Findings")
            for finding in summary.findings { doc.paragraph(finding) }
        }
        for table in summary.tables {
            doc.heading(table.title)
            try doc.table(header: table.header, rows: table.rows)
        }
        for figure in analysis.figures { try doc.figure(figure.plot, fileName: figure.fileName, caption: figure.caption) }
        if !summary.method.isEmpty {
            doc.heading("Method")
            doc.paragraph(summary.method)
        }
        try runSections(&doc, runs: runs, prefix: "")
        doc.heading("How this was made")
        doc.keyValues(provenanceEntries(provenance, runs: runs))
        doc.paragraph("Every run's full specification is in its directory (`run.json`, `config.json`); the sweeps: "
                      + sweepFiles.map { "`\($0)`" }.joined(separator: ", ") + ".")
        return doc
    }

    /// Learning curves and sparsity per layer of `runs`.
    static func runSections(_ doc: inout ReportDocument, runs: [ExperimentRun], prefix: String) throws {
        let finished = runs.filter { $0.result != nil }
        guard !finished.isEmpty else { return }
        doc.heading("Learning curves")
        let shown = Array(finished.prefix(maxCurves))
        let colouring = CurveColouring(shown)
        let series = shown.enumerated().map { i, run in
            Series.line(label(run), run.validationCurve.enumerated().map { DataPoint(x: Double($0.offset + 1), y: $0.element) },
                        markers: run.validationCurve.count < RunPlots.maxMarkers, colour: colouring.colours[i])
        }
        let plot = Plot(title: "Validation error per epoch", x: RunPlots.epochAxis,
                        y: Axis("validation error", scale: .automatic, format: .percent), series: series, colourScale: colouring.scale)
        try doc.figure(plot, fileName: prefix + "learning-curves.svg",
                       caption: "Validation error after each epoch" + (finished.count > shown.count
                           ? " (the first \(shown.count) of \(finished.count) finished runs)" : ", every finished run") + colouring.caption)
        doc.heading("Sparsity per layer")
        let layers = finished.map { $0.result!.sparsityPerLayer.count }.max() ?? 0
        let rows = finished.map { run -> [String] in
            let r = run.result!
            return [run.stage + "/" + SweepDirectory.name(run.index), label(run), ExperimentFormat.percent(r.validationError),
                    ExperimentFormat.percent(r.testError)]
                + (0..<layers).map { $0 < r.sparsityPerLayer.count ? ExperimentFormat.percent(r.sparsityPerLayer[$0], digits: 1) : "" }
                + [String(r.bestEpoch), ExperimentFormat.number(r.wallSeconds, digits: 0) + " s"]
        }
        try doc.table(header: ["run", "options", "valid err", "test err"] + (0..<layers).map { "layer \($0 + 1) zeros" }
                      + ["best epoch", "time"], rows: rows)
    }

    /// At most this many learning curves in one plot (more cannot be told apart).
    static let maxCurves = 12

    /// How the learning curves of several runs are told apart: by a swept numeric option's
    /// value on a colour scale when the runs differ in one (a sweep over l1 reads as a
    /// gradient), else by palette colours while they last, else by position on a colour scale.
    struct CurveColouring {
        /// One per run.
        let colours: [SeriesColour]
        /// Names what the colour scale shows, if used.
        let scale: ColourScale
        /// The end of the plot's caption: what the colours mean.
        let caption: String

        init(_ runs: [ExperimentRun]) {
            let varying = Set(runs.flatMap(\.axes.keys)).sorted().filter { key in Set(runs.map { $0.axes[key] }).count > 1 }
            let numeric = varying.filter { key in runs.allSatisfy { $0.axes[key]?.number != nil } }
            // Seeds replicate a setting rather than set one: colour by them only when nothing else is numeric.
            if let axis = numeric.first(where: { $0 != "seed" }) ?? numeric.first {
                colours = runs.map { .value($0.axes[axis]?.number ?? .nan) }
                scale = ColourScale(axis)
                let others = varying.filter { $0 != axis }
                caption = "; colour: \(axis)" + (others.isEmpty ? "."
                    : " (the first numeric swept option; \(others.joined(separator: ", ")) also \(others.count == 1 ? "varies" : "vary")).")
            } else {
                colours = SeriesColour.distinct(runs.indices.map { Double($0 + 1) })
                scale = ColourScale("curve", format: .integer)
                caption = runs.count > Plot.palette.count ? "; colour: position in the table below." : "."
            }
        }
    }

    /// `activation=tanh pretrain=true` for a run's swept options (or "base" when none).
    static func label(_ run: ExperimentRun) -> String {
        let text = run.axes.keys.sorted().filter { $0 != "seed" || run.axes.count == 1 }
            .map { "\($0)=\(short(run.axes[$0]!))" }.joined(separator: " ")
        return text.isEmpty ? "base" : text
    }

    static func short(_ v: SweepValue) -> String {
        if case .double(let d) = v { return String(format: "%.4g", d) }
        return v.description
    }

    static func provenanceEntries(_ provenance: ExperimentDirectory.Provenance, runs: [ExperimentRun]) -> [(String, String)] {
        let results = runs.compactMap(\.result)
        let backends = Set(results.map(\.backend)).sorted()
        let wall = results.reduce(0) { $0 + $1.wallSeconds + ($1.pretrainingSeconds ?? 0) }
        return [("command", provenance.command)] + provenance.machine
            + [("backend", backends.isEmpty ? "–" : backends.joined(separator: "; ")),
               ("run time (sum over runs)", String(format: "%.1f min", wall / 60)),
               ("written", ISO8601DateFormatter().string(from: Date()))]
    }
}
