import Foundation

/// Figure 4 (semi-supervised): fine-tuning on 4, 21, 43, 64 and 100% of the labels, rectifier
/// and tanh networks, with and without pre-training (pre-training always sees every training
/// input). The paper ran it on NORB.
public struct Figure4: Experiment {
    public static let name = "figure4"
    /// NORB at the paper's budget, as the paper; MNIST otherwise.
    public static func defaultDataset(budget: ExperimentBudget) -> any DatasetKind { budget == .paper ? NORBDataset() : MNISTDataset() }
    public var settings: ExperimentSettings
    public var title: String { "Figure 4: test error against the fraction of labelled examples" }

    public init(settings: ExperimentSettings) { self.settings = settings }

    /// The paper's NORB values, read off the figure: (fraction, curve) → error.
    static let paper: [String: [Double: Double]] = [
        "tanh": [0.04: 0.445, 1.0: 0.193], "tanh+pre": [0.04: 0.41, 1.0: 0.177],
        "rectifier": [0.04: 0.445, 1.0: 0.164], "rectifier+pre": [0.04: 0.38, 1.0: 0.165],
    ]

    static let curves = ["rectifier", "rectifier+pre", "tanh", "tanh+pre"]

    public func stages() -> [ExperimentStage] {
        var base = settings.dataOptions
        let layers = paperLayers
        base.merge(["layers": .string(layers), "batch-size": .int(10), "learning-rate": .double(0.01),
                    "pretrain-learning-rate": .string("auto")]) { $1 }
        var fractions = [0.04, 0.21, 0.43, 0.64, 1.0]
        switch settings.budget {
        case .smoke:
            base.merge(["layers": .string("24,24"), "epochs": .int(2), "patience": .int(0), "pretrain-epochs": .int(1),
                        "selection-epochs": .int(1), "learning-rate": .double(0.05)]) { $1 }
            fractions = [0.21, 1.0]
        case .quick:
            // Choosing a pre-training rate after one epoch picks 0.1 for the first layer and kills
            // most of its units; three epochs, the default, avoid it.
            base.merge(["epochs": .int(10), "patience": .int(4), "pretrain-epochs": .int(3)]) { $1 }
        case .paper:
            base["pretrain-epochs"] = .int(10)
        }
        let sweep = SweepSpecification(
            seed: 1, count: 1, base: base,
            grid: [("label-fraction", fractions.map { .double($0) }), ("pretrain", [.bool(false), .bool(true)]),
                   ("seed", settings.seedValues)],
            zip: [("activation", [.string("rectifier"), .string("tanh")]), ("l1", [.double(0.001), .double(0)])], random: [])
        return [ExperimentStage(name: "figure4", sweep: sweep)]
    }

    public func analyse(_ runs: [ExperimentRun]) throws -> ExperimentAnalysis {
        let finished = runs.filter { $0.result != nil }
        let fractions = Set(runs.compactMap { $0.number("label-fraction") }).sorted()
        var means: [String: [Double: [Double]]] = [:]
        for run in finished {
            let key = run.activation + (run.flag("pretrain") ? "+pre" : "")
            means[key, default: [:]][run.number("label-fraction") ?? 1, default: []].append(run.result!.testError)
        }
        var series: [Series] = []
        var values: [String: Double] = [:]
        for (i, curve) in Self.curves.enumerated() {
            let bars = fractions.compactMap { f -> ErrorBar? in
                guard let bar = ExperimentFormat.errorBar(x: f, means[curve]?[f] ?? []) else { return nil }
                values["\(curve.replacingOccurrences(of: "+pre", with: "_pretrained"))_\(Int((f * 100).rounded()))"] = bar.y
                return bar
            }
            series.append(.errorBars(curve.replacingOccurrences(of: "+pre", with: " pre-trained"), bars, connected: true, colour: .palette(i)))
        }
        let rows = fractions.map { f -> [String] in
            [ExperimentFormat.percent(f, digits: 0)] + Self.curves.map { curve in
                let ours = means[curve]?[f].map(ExperimentFormat.meanWithInterval) ?? "–"
                return Self.paper[curve]?[f].map { ours + " (paper, NORB: " + ExperimentFormat.percent($0, digits: 1) + ")" } ?? ours
            }
        }
        var findings: [String] = []
        for activation in ["rectifier", "tanh"] {
            let gains = fractions.compactMap { f -> String? in
                guard let a = values["\(activation)_\(Int((f * 100).rounded()))"],
                      let b = values["\(activation)_pretrained_\(Int((f * 100).rounded()))"] else { return nil }
                return "\(ExperimentFormat.percent(f, digits: 0)): " + String(format: "%+.2f", (a - b) * 100)
            }
            if !gains.isEmpty {
                findings.append("Gain from pre-training, \(activation) (points of test error, by label fraction): "
                                + gains.joined(separator: ", ") + ". Paper (NORB): tanh always gains; the rectifier's gain "
                                + "shrinks as labels grow and vanishes at 100%.")
            }
        }
        let table = ExperimentSummary.Table(title: "Test error by label fraction (\(settings.dataset))",
                                            header: ["labels"] + Self.curves.map { $0.replacingOccurrences(of: "+pre", with: ", pre-trained") },
                                            rows: rows)
        let plot = Plot(title: "Test error against the fraction of labels (\(settings.dataset))",
                        x: Axis("fraction of labelled training examples", format: .percent), y: Axis("test error", format: .percent),
                        series: series)
        return ExperimentAnalysis(
            summary: ExperimentSummary(
                experiment: Self.name, title: title, settings: settings, runs: runs, tables: [table], values: values, findings: findings,
                method: "Fine-tuning uses a seeded, stratified sample of the labelled training examples (the label fraction); "
                    + "pre-training uses every training input. Learning rate 0.01 for every network (not selected, to keep the "
                    + "grid of runs small); the epoch is selected by validation error. Points are means over seeds with 95% intervals."),
            figures: [(plot, "figure4.svg", "Four curves: rectifier and tanh, with and without pre-training.")])
    }
}
