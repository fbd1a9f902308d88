import Foundation

/// Table 2: star-rating prediction from a binary bag of words, softmax over the ratings and
/// the expected rating as prediction, RMSE. The paper's data (OpenTable) is not public; this
/// runs on the Amazon reviews' star ratings (`amazon-reviews`, `--task rating`).
public struct Table2: Experiment {
    public static let name = "table2"
    public static func defaultDataset(budget: ExperimentBudget) -> any DatasetKind { AmazonSentimentDataset(raw: true) }
    public var settings: ExperimentSettings
    public var title: String { "Table 2: rating prediction, RMSE and sparsity" }

    public init(settings: ExperimentSettings) { self.settings = settings }

    /// The rows: (name, layers, activation, pretrain, the paper's RMSE, the paper's sparsity).
    static func models(width: Int) -> [(String, String, String, Bool, Double?, Double?)] {
        let w = String(width), three = "\(w),\(w),\(w)"
        return [("no hidden layer", "", "rectifier", false, 0.885, 0.994),
                ("rectifier, 1 layer", w, "rectifier", true, 0.807, 0.289),
                ("rectifier, 3 layers", three, "rectifier", true, 0.746, 0.539),
                ("rectifier, 3 layers, no pre-training", three, "rectifier", false, 0.833, nil),
                ("tanh, 3 layers", three, "tanh", true, 0.774, 0.0)]
    }

    var width: Int { settings.budget.textWidth }

    public func stages() -> [ExperimentStage] {
        var base = settings.dataOptions
        base.merge(["task": .string("rating"), "domain": .string(settings.budget == .smoke ? "books" : "all"), "batch-size": .int(10),
                    "learning-rate": .double(0.01)]) { $1 }
        // The paper's protocol is 10-fold cross-validation: one run per fold (and seed).
        var grid: [(key: String, values: [SweepValue])] = [("fold", (0..<10).map { .int($0) })]
        switch settings.budget {
        case .smoke:
            base.merge(["epochs": .int(2), "patience": .int(0), "pretrain-epochs": .int(1), "vocabulary": .int(1000)]) { $1 }
            grid = []
        case .quick: base.merge(["folds": .int(10), "epochs": .int(10), "patience": .int(4), "pretrain-epochs": .int(3)]) { $1 }
        case .paper: base.merge(["folds": .int(10), "pretrain-epochs": .int(10)]) { $1 }
        }
        grid.append(("seed", settings.seedValues))
        let models = Self.models(width: width)
        // Per-layer pre-training settings must have one entry per layer: masking 0.8 on the bag of words, then 0.3 (as Sentiment).
        func perLayer(_ layers: String, _ first: String, _ rest: String) -> SweepValue {
            let n = layers.split(separator: ",").count
            return .string(n == 0 ? first : ([first] + Array(repeating: rest, count: n - 1)).joined(separator: ","))
        }
        let sweep = SweepSpecification(
            seed: 1, count: 1, base: base, grid: grid,
            zip: [("activation", models.map { .string($0.2) }), ("l1", models.map { .double($0.2 == "tanh" ? 0 : 0.001) }),
                  ("layers", models.map { .string($0.1) }), ("noise", models.map { perLayer($0.1, "masking:0.8", "masking:0.3") }),
                  // The paper's text pre-training rates and L1 (as Sentiment), so no rate search per layer.
                  // Keys in order, as a sweep file is read back.
                  ("pretrain", models.map { .bool($0.3) }),
                  ("pretrain-l1", models.map { perLayer($0.1, "0.0001", "0.001") }),
                  ("pretrain-learning-rate", models.map { perLayer($0.1, "0.005", "0.0005") })],
            random: [])
        return [ExperimentStage(name: "table2", sweep: sweep)]
    }

    public func analyse(_ runs: [ExperimentRun]) throws -> ExperimentAnalysis {
        let finished = runs.filter { $0.result?.testRMSE != nil }
        var rows: [[String]] = []
        var values: [String: Double] = [:]
        var findings: [String] = []
        var bars: [ErrorBar] = []
        for (i, m) in Self.models(width: width).enumerated() {
            let mine = finished.filter { ($0.option("layers") ?? "") == m.1 && $0.activation == m.2 && $0.flag("pretrain") == m.3 }
            let rmse = mine.compactMap { $0.result!.testRMSE }
            // Without hidden layers the paper's sparsity column is the input's.
            let sparsity = try? Statistics.mean(mine.compactMap { m.1.isEmpty ? $0.result!.inputSparsity : $0.result!.meanSparsity })
            if let bar = ExperimentFormat.errorBar(x: Double(i), rmse) {
                values["rmse_\(i)"] = bar.y
                bars.append(bar)
            }
            rows.append([m.0, rmse.isEmpty ? "–" : ExperimentFormat.number(try Statistics.mean(rmse)),
                         m.4.map { ExperimentFormat.number($0) } ?? "–", sparsity == nil ? "–" : ExperimentFormat.percent(sparsity, digits: 1) + (m.1.isEmpty ? " (input)" : ""),
                         m.5.map { ExperimentFormat.percent($0, digits: 1) } ?? "–",
                         ExperimentFormat.percent(try? Statistics.mean(mine.map { 1 - $0.result!.testError }))])
        }
        if let a = values["rmse_0"], let b = values["rmse_2"] {
            findings.append("The pre-trained 3-layer rectifier network's RMSE is \(ExperimentFormat.number(b)) against "
                            + "\(ExperimentFormat.number(a)) without hidden layers (paper, OpenTable: 0.746 against 0.885).")
        }
        let plot = Plot(title: "Rating RMSE by model", x: Axis("model (rows of the table, from 0)", range: -0.5...4.5),
                        y: Axis("test RMSE"), series: [.errorBars("RMSE", bars, colour: .palette(0))])
        return ExperimentAnalysis(
            summary: ExperimentSummary(
                experiment: Self.name, title: title, settings: settings, runs: runs,
                tables: [.init(title: "Rating prediction (\(settings.dataset))",
                               header: ["model", "RMSE (ours)", "RMSE (paper)", "sparsity", "sparsity (paper)", "accuracy"], rows: rows)],
                values: values, findings: findings,
                method: "Softmax over the star ratings; the prediction is the expected rating, and the epoch is selected by "
                    + "validation RMSE; 10-fold cross-validation on all 8,000 reviews (one run per fold). Masking noise 0.8 on "
                    + "the bag of words, 0.3 on the layers above; pre-training rates 0.005 then 0.0005, L1 1e-4 then 1e-3; the "
                    + "paper's numbers are for OpenTable reviews, which are not public."),
            figures: [(plot, "table2.svg", "Test RMSE of each model (bars: 95% interval over folds and seeds).")])
    }
}
