import Foundation

/// Figure 3: randomly initialised deep rectifier networks (no pre-training), each with its own
/// seed and an L1 coefficient drawn uniformly from [0, 0.01]; test error against the exact
/// sparsity reached, with a degree-2 polynomial fit. The `quick` and `paper` budgets are
/// `sweeps/figure3-mnist-small.toml` and `sweeps/figure3-mnist.toml` (the same runs).
public struct Figure3: Experiment {
    public static let name = "figure3"
    public var settings: ExperimentSettings
    public var title: String { "Figure 3: test error against sparsity of randomly initialised rectifier networks" }

    public init(settings: ExperimentSettings) { self.settings = settings }

    /// Networks at each budget.
    static func count(_ budget: ExperimentBudget) -> Int {
        switch budget {
        case .smoke: 6
        case .quick: 12
        case .paper: 200
        }
    }

    public func stages() -> [ExperimentStage] {
        var base = settings.dataOptions
        base.merge(["layers": .string("1000,1000,1000"), "activation": .string("rectifier"), "batch-size": .int(10),
                    "learning-rate": .double(0.01), "epochs": .int(60), "patience": .int(15)]) { $1 }
        switch settings.budget {
        case .smoke: base.merge(["layers": .string("24,24"), "epochs": .int(2), "learning-rate": .double(0.05)]) { $1 }
        case .quick: base.merge(["epochs": .int(20), "patience": .int(5)]) { $1 }
        case .paper: break
        }
        let sweep = SweepSpecification(seed: 2011, count: Self.count(settings.budget), base: base, grid: [], zip: [],
                                       random: [("l1", .uniform(0, 0.01)), ("seed", .integer(1, 1_000_000))])
        return [ExperimentStage(name: "figure3", sweep: sweep)]
    }

    public func analyse(_ runs: [ExperimentRun]) throws -> ExperimentAnalysis {
        let finished = runs.filter { $0.result != nil }.sorted { $0.result!.meanSparsity < $1.result!.meanSparsity }
        let points = finished.map { DataPoint(x: $0.result!.meanSparsity, y: $0.result!.testError) }
        var values: [String: Double] = [:]
        var findings: [String] = []
        var series: [Series] = [.scatter("networks", points, colour: .palette(0))]
        var lines: [ReferenceLine] = []
        if points.count >= 3 {
            let fit = try PolynomialFit(x: points.map(\.x), y: points.map(\.y), degree: 2)
            series.append(.function("degree-2 fit", colour: .palette(1)) { fit.value(at: $0) })
            let lowest = points.min { $0.y < $1.y }!
            // The fit's minimum: its vertex when it is a minimum inside the data, else the data's end it is lowest at.
            let minimum: DataPoint
            if let v = fit.vertex, v.isMinimum, v.isWithinData {
                minimum = DataPoint(x: v.x, y: v.y)
            } else {
                let ends = [fit.xRange.lowerBound, fit.xRange.upperBound]
                let x = ends.min { fit.value(at: $0) < fit.value(at: $1) }!
                minimum = DataPoint(x: x, y: fit.value(at: x))
            }
            values["fit_minimum_sparsity"] = minimum.x
            values["fit_minimum_error"] = minimum.y
            values["lowest_error"] = lowest.y
            values["lowest_error_sparsity"] = lowest.x
            lines.append(.vertical(minimum.x, label: "fit minimum " + ExperimentFormat.percent(minimum.x, digits: 1)))
            findings.append("The fit's minimum is \(ExperimentFormat.percent(minimum.y)) test error at "
                            + "\(ExperimentFormat.percent(minimum.x, digits: 1)) sparsity (paper: about 1.35% near 80%; "
                            + "error unchanged from about 70% to 85% of zeros). "
                            + (0.70...0.90 ~= minimum.x ? "It lies between 70% and 90%, as in the paper." : "It lies outside 70-90%, unlike the paper."))
            let sparse = finished.filter { $0.result!.meanSparsity > 0.95 }.map { $0.result!.testError }
            if let mean = try? Statistics.mean(sparse) {
                values["above_95_mean_error"] = mean
                values["above_95_excess"] = mean - minimum.y
                findings.append("The \(sparse.count) networks above 95% sparsity average \(ExperimentFormat.percent(mean)), "
                                + String(format: "%.2f", (mean - minimum.y) * 100) + " points above the fit minimum "
                                + "(paper: 98-99% sparse networks reach 2.1-2.5%, 0.8-1.2 points worse).")
            } else {
                findings.append("No network exceeds 95% sparsity, so the paper's degradation beyond 85-95% cannot be checked here.")
            }
        } else {
            findings.append("Fewer than three networks have finished: no fit yet.")
        }
        values["networks"] = Double(finished.count)
        let rows = finished.map { run -> [String] in
            let r = run.result!
            return [SweepDirectory.name(run.index), ExperimentFormat.number(run.number("l1"), digits: 5),
                    ExperimentFormat.percent(r.meanSparsity, digits: 1), ExperimentFormat.percent(r.testError),
                    ExperimentFormat.percent(r.validationError), String(r.bestEpoch)]
        }
        let table = ExperimentSummary.Table(title: "Networks, by sparsity", header: ["run", "L1", "sparsity", "test error", "valid error", "best epoch"],
                                            rows: rows)
        let plot = Plot(title: "Test error against exact sparsity (\(settings.dataset), \(finished.count) networks)",
                        x: Axis("mean exact sparsity of the hidden layers", format: .percent),
                        y: Axis("test error", format: .percent), series: series, referenceLines: lines)
        return ExperimentAnalysis(
            summary: ExperimentSummary(
                experiment: Self.name, title: title, settings: settings, runs: runs, tables: [table], values: values, findings: findings,
                method: "Each network has its own seed and an L1 coefficient drawn uniformly from [0, 0.01] (the sweep's seed 2011); "
                    + "the epoch is selected by validation error, and sparsity is the mean over hidden layers of the fraction of "
                    + "exact zeros on the test set. The curve is the least-squares degree-2 polynomial in sparsity."),
            figures: [(plot, "figure3.svg", "Each point a network; the curve the degree-2 fit; the dashed line its minimum.")])
    }
}
