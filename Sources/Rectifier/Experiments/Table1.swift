import Foundation

/// Table 1: rectifier, tanh and softplus networks, with and without pre-training, the
/// fine-tuning learning rate chosen from {0.1, 0.01, 0.001, 0.0001} by validation error and the
/// pre-training rate by validation reconstruction error (`--pretrain-learning-rate auto`).
public struct Table1: Experiment {
    public static let name = "table1"
    public var settings: ExperimentSettings
    public var title: String { "Table 1: test error of rectifier, tanh and softplus networks, with and without pre-training" }

    public init(settings: ExperimentSettings) { self.settings = settings }

    /// The paper's test errors, by dataset, then by row (`rectifier`, `rectifier+pre`, ...).
    static let paper: [String: [String: Double]] = [
        MNISTDataset().name: ["rectifier+pre": 0.0120, "tanh+pre": 0.0116, "softplus+pre": 0.0117,
                  "rectifier": 0.0143, "tanh": 0.0157, "softplus": 0.0177],
        CIFAR10Dataset().name: ["rectifier+pre": 0.4996, "tanh+pre": 0.5079, "softplus+pre": 0.4952,
                    "rectifier": 0.5086, "tanh": 0.5262, "softplus": 0.5320],
        NISTPDataset().name: ["rectifier+pre": 0.3286, "tanh+pre": 0.3589, "softplus+pre": 0.3327,
                  "rectifier": 0.3264, "tanh": 0.3646, "softplus": 0.3548],
        NORBDataset().name: ["rectifier+pre": 0.1646, "tanh+pre": 0.1766, "softplus+pre": 0.1919,
                 "rectifier": 0.1640, "tanh": 0.1929, "softplus": 0.1768],
    ]
    /// The paper's mean exact sparsity of the rectifier networks.
    static let paperSparsity: [String: Double] = [MNISTDataset().name: 0.834, CIFAR10Dataset().name: 0.720,
                                                  NISTPDataset().name: 0.680, NORBDataset().name: 0.738]

    static let activations = ["rectifier", "tanh", "softplus"]

    public func stages() -> [ExperimentStage] {
        var base = settings.dataOptions
        let grid: [SweepValue]
        switch settings.budget {
        case .smoke:
            base.merge(["layers": .string("24,24"), "epochs": .int(2), "patience": .int(0),
                        "pretrain-epochs": .int(1), "pretrain-learning-rate": .string("auto"), "selection-epochs": .int(1)]) { $1 }
            grid = [.double(0.1), .double(0.01)]
        case .quick:
            base.merge(["layers": .string(paperLayers), "epochs": .int(10),
                        "patience": .int(4), "pretrain-epochs": .int(3), "pretrain-learning-rate": .string("auto")]) { $1 }
            grid = [0.1, 0.01, 0.001, 0.0001].map { .double($0) }
        case .paper:
            base.merge(["layers": .string(paperLayers),
                        "pretrain-epochs": .int(10), "pretrain-learning-rate": .string("auto")]) { $1 }
            grid = [0.1, 0.01, 0.001, 0.0001].map { .double($0) }
        }
        base["batch-size"] = .int(10)
        let sweep = SweepSpecification(
            seed: 1, count: 1, base: base,
            grid: [("learning-rate", grid), ("pretrain", [.bool(false), .bool(true)]), ("seed", settings.seedValues)],
            // The L1 penalty makes the rectifier sparse; the demo's and the paper's tanh and softplus nets have none.
            zip: [("activation", Self.activations.map { .string($0) }), ("l1", [.double(0.001), .double(0), .double(0)])],
            random: [])
        return [ExperimentStage(name: "table1", sweep: sweep)]
    }

    /// A row of the table: one activation, with or without pre-training, at its selected rate.
    struct Row {
        var key: String
        var learningRate: Double?
        var validationError: Double?
        /// The selected rate's runs, by seed.
        var runsBySeed: [Int: ExperimentRun]
    }

    /// For each (activation, pre-training), the learning rate whose runs have the lowest mean
    /// validation error over seeds, and those runs.
    static func select(_ runs: [ExperimentRun]) -> [String: Row] {
        var rows: [String: Row] = [:]
        let finished = runs.filter { $0.result != nil }
        for activation in activations {
            for pretrain in [false, true] {
                let key = activation + (pretrain ? "+pre" : "")
                let group = finished.filter { $0.activation == activation && $0.flag("pretrain") == pretrain }
                let byRate = Dictionary(grouping: group) { $0.number("learning-rate") ?? 0 }
                let best = byRate.min { a, b in
                    let va = a.value.map { $0.result!.validationError }.reduce(0, +) / Double(a.value.count)
                    let vb = b.value.map { $0.result!.validationError }.reduce(0, +) / Double(b.value.count)
                    return va != vb ? va < vb : a.key > b.key
                }
                var row = Row(key: key, runsBySeed: [:])
                if let best {
                    row.learningRate = best.key
                    row.validationError = best.value.map { $0.result!.validationError }.reduce(0, +) / Double(best.value.count)
                    for run in best.value { row.runsBySeed[Int(run.number("seed") ?? 0)] = run }
                }
                rows[key] = row
            }
        }
        return rows
    }

    /// Whether pre-training made a significant difference (p < 0.05) for `activation`: a paired
    /// t-test over seeds when there are at least two common seeds, else a two-proportion z-test
    /// on the shared test set. Nil when it cannot be computed.
    static func comparison(_ without: Row, _ with: Row) -> (pValue: Double, test: String)? {
        let seeds = Set(without.runsBySeed.keys).intersection(with.runsBySeed.keys).sorted()
        if seeds.count >= 2 {
            let a = seeds.map { without.runsBySeed[$0]!.result!.testError }
            let b = seeds.map { with.runsBySeed[$0]!.result!.testError }
            guard let t = try? TTest.paired(a, b), t.pValue.isFinite else { return nil }
            return (t.pValue, "paired t over \(seeds.count) seeds")
        }
        guard let seed = seeds.first, let a = without.runsBySeed[seed]!.result, let b = with.runsBySeed[seed]!.result,
              let n = a.testExamples, n > 0,
              let z = try? TwoProportionZTest(firstErrors: Int((a.testError * Double(n)).rounded()),
                                              secondErrors: Int((b.testError * Double(n)).rounded()), trials: n)
        else { return nil }
        return (z.pValue, "two-proportion z on \(n) test examples")
    }

    public func analyse(_ runs: [ExperimentRun]) throws -> ExperimentAnalysis {
        let rows = Self.select(runs)
        // small NORB's column is NORB's, the paper's only NORB.
        let paperColumn = Self.paper[settings.dataset == NORBSmallDataset().name ? NORBDataset().name : settings.dataset] ?? [:]
        var tableRows: [[String]] = []
        var values: [String: Double] = [:]
        var findings: [String] = []
        var plotBars: [Series] = []
        for (i, activation) in Self.activations.enumerated() {
            let test = rows[activation].flatMap { a in rows[activation + "+pre"].flatMap { Self.comparison(a, $0) } }
            for pretrain in [true, false] {
                let key = activation + (pretrain ? "+pre" : "")
                guard let row = rows[key] else { continue }
                let errors = row.runsBySeed.keys.sorted().map { row.runsBySeed[$0]!.result!.testError }
                let sparsity = row.runsBySeed.values.map { $0.result!.meanSparsity }
                let star = test.map { $0.pValue >= 0.05 ? "*" : "" } ?? ""
                tableRows.append([activation + (pretrain ? ", pre-trained" : ", no pre-training") + star,
                                  ExperimentFormat.meanWithInterval(errors), ExperimentFormat.percent(paperColumn[key]),
                                  row.learningRate.map { String(format: "%g", $0) } ?? "–", ExperimentFormat.percent(row.validationError),
                                  activation == "rectifier" ? ExperimentFormat.percent((try? Statistics.mean(sparsity)) ?? .nan, digits: 1) : "–",
                                  test.map { String(format: "%.3f", $0.pValue) } ?? "–"])
                if let bar = ExperimentFormat.errorBar(x: Double(i) + (pretrain ? 0.15 : -0.15), errors) {
                    values[key.replacingOccurrences(of: "+pre", with: "_pretrained") + "_test_error"] = bar.y
                    plotBars.append(.errorBars(activation + (pretrain ? " pre-trained" : ""), [bar], colour: .palette(2 * i + (pretrain ? 1 : 0))))
                }
                if let p = paperColumn[key], let mean = try? Statistics.mean(errors) {
                    findings.append("\(activation), \(pretrain ? "pre-trained" : "no pre-training"): \(ExperimentFormat.percent(mean)) "
                                    + "against the paper's \(ExperimentFormat.percent(p)) (learning rate \(row.learningRate.map { String(format: "%g", $0) } ?? "–")).")
                }
            }
            if let test { values[activation + "_pretraining_p"] = test.pValue }
        }
        if let r = rows["rectifier"], !r.runsBySeed.isEmpty {
            let s = try Statistics.mean(r.runsBySeed.values.map { $0.result!.meanSparsity })
            values["rectifier_sparsity"] = s
            findings.append("The rectifier network without pre-training has \(ExperimentFormat.percent(s, digits: 1)) exact zeros "
                            + "(paper: \(ExperimentFormat.percent(Self.paperSparsity[settings.dataset], digits: 1))).")
        }
        let table = ExperimentSummary.Table(
            title: "Test error (\(settings.dataset))",
            header: ["neuron", "test error (ours)", "paper", "learning rate", "valid error", "sparsity", "p (pre vs none)"],
            rows: tableRows)
        let method = """
            Each network trains with each fine-tuning learning rate of the grid; for each activation, with and \
            without pre-training, the rate with the lowest mean validation error over seeds is selected and its \
            test error reported (mean, and a 95% Student-t interval over seeds when there are several). Pre-training \
            rates are chosen per layer by validation reconstruction error. The asterisk marks pre-training making no \
            significant difference at p = 0.05: a paired t-test over seeds (test errors of the same seed with and \
            without pre-training) when there are at least two seeds, otherwise a two-proportion z-test on the shared \
            test set (pooled proportion, two-sided). The rectifier nets have the paper's L1 penalty 0.001; tanh \
            and softplus none.
            """
        let plot = Plot(title: "Test error by activation (\(settings.dataset))",
                        x: Axis("activation: 0 rectifier, 1 tanh, 2 softplus", range: -0.5...2.5),
                        y: Axis("test error", format: .percent), series: plotBars)
        return ExperimentAnalysis(
            summary: ExperimentSummary(experiment: Self.name, title: title, settings: settings, runs: runs, tables: [table],
                                       values: values, findings: findings, method: method),
            figures: [(plot, "table1.svg", "Selected networks' test error (bars: 95% interval over seeds).")])
    }
}
