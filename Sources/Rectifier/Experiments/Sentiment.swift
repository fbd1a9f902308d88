import Foundation

/// The Amazon multi-domain sentiment benchmark (books, dvd, electronics, kitchen): binary
/// bag-of-words input, softmax regression, and 3-layer rectifier networks with and without
/// stacked denoising pre-training (on every domain's training reviews), the paper's 78.95%
/// mean accuracy for the pre-trained 3-layer net.
public struct Sentiment: Experiment {
    public static let name = "sentiment"
    public static func defaultDataset(budget: ExperimentBudget) -> any DatasetKind { AmazonSentimentDataset() }
    public var settings: ExperimentSettings
    public var title: String { "Amazon sentiment: accuracy per domain" }

    public init(settings: ExperimentSettings) { self.settings = settings }

    static let domains = ["books", "dvd", "electronics", "kitchen"]
    /// The paper's mean accuracy of the pre-trained 3-layer rectifier network.
    static let paperAccuracy = 0.7895

    /// The models compared, as zipped options: (name, layers, pretrain, noise, pre-training L1, pre-training rates).
    static func models(width: Int) -> [(String, String, Bool)] {
        let w = String(width)
        return [("softmax regression", "", false), ("rectifier 3 layers", "\(w),\(w),\(w)", false),
                ("rectifier 3 layers, pre-trained", "\(w),\(w),\(w)", true)]
    }

    var width: Int { settings.budget.textWidth }

    public func stages() -> [ExperimentStage] {
        var base = settings.dataOptions
        // The paper's text settings ([code]): masking 0.8 / 0.3 / 0.1 on every layer (salt-and-pepper 0.8 on a
        // 5000-term bag of words switches on about 2000 absent terms: the stack it gives does not fine-tune),
        // pre-training L1 1e-4 / 1e-3 / 1e-3 and rates 0.005 / 0.0005 / 0.0003, minibatch 10.
        base.merge(["batch-size": .int(10), "learning-rate": .double(0.01), "l1": .double(0.001),
                    "noise": .string("masking:0.8,masking:0.3,masking:0.1"), "pretrain-l1": .string("0.0001,0.001,0.001"),
                    "pretrain-learning-rate": .string("0.005,0.0005,0.0003")]) { $1 }
        var grid: [(key: String, values: [SweepValue])] = [("domain", Self.domains.map { .string($0) })]
        switch settings.budget {
        case .smoke:
            base.merge(["epochs": .int(2), "patience": .int(0), "pretrain-epochs": .int(1), "vocabulary": .int(1000)]) { $1 }
            grid = [("domain", [.string("books")])]
        case .quick:
            base.merge(["epochs": .int(10), "patience": .int(4), "pretrain-epochs": .int(3)]) { $1 }
        case .paper:
            base.merge(["folds": .int(10), "pretrain-epochs": .int(10)]) { $1 }
            grid.append(("fold", (0..<10).map { .int($0) }))
        }
        grid.append(("seed", settings.seedValues))
        let models = Self.models(width: width)
        let sweep = SweepSpecification(seed: 1, count: 1, base: base, grid: grid,
                                       zip: [("layers", models.map { .string($0.1) }), ("pretrain", models.map { .bool($0.2) })],
                                       random: [])
        return [ExperimentStage(name: "sentiment", sweep: sweep)]
    }

    public func analyse(_ runs: [ExperimentRun]) throws -> ExperimentAnalysis {
        let models = Self.models(width: width)
        let finished = runs.filter { $0.result != nil }
        let domains = Self.domains.filter { d in runs.contains { $0.option("domain") == d } }
        var values: [String: Double] = [:]
        var rows: [[String]] = []
        var findings: [String] = []
        for (name, layers, pretrain) in models {
            let mine = finished.filter { ($0.option("layers") ?? "") == layers && $0.flag("pretrain") == pretrain }
            var domainMeans: [Double] = []
            var cells: [String] = []
            for d in domains {
                let accuracies = mine.filter { $0.option("domain") == d }.map { 1 - $0.result!.testError }
                cells.append(ExperimentFormat.meanWithInterval(accuracies))
                if let m = try? Statistics.mean(accuracies) { domainMeans.append(m) }
            }
            let sparsity = try? Statistics.mean(mine.map { $0.result!.meanSparsity })
            let mean = domainMeans.count == domains.count ? try? Statistics.mean(domainMeans) : nil
            if let mean { values[name.replacingOccurrences(of: " ", with: "_").replacingOccurrences(of: ",", with: "") + "_accuracy"] = mean }
            rows.append([name] + cells + [ExperimentFormat.percent(mean), layers.isEmpty ? "–" : ExperimentFormat.percent(sparsity, digits: 1),
                                          pretrain && layers.split(separator: ",").count == 3 ? ExperimentFormat.percent(Self.paperAccuracy) : "–"])
            if pretrain, let mean {
                findings.append("The pre-trained 3-layer rectifier network averages \(ExperimentFormat.percent(mean)) over the domains "
                                + "(paper: 78.95%, against 73.72% for Zhou et al. 2010).")
            }
        }
        let table = ExperimentSummary.Table(title: "Test accuracy", header: ["model"] + domains + ["mean", "sparsity", "paper"], rows: rows)
        let bars = models.enumerated().compactMap { i, m -> Series? in
            let points = domains.enumerated().compactMap { j, d -> ErrorBar? in
                let a = finished.filter { ($0.option("layers") ?? "") == m.1 && $0.flag("pretrain") == m.2 && $0.option("domain") == d }
                    .map { 1 - $0.result!.testError }
                return ExperimentFormat.errorBar(x: Double(j) + Double(i - 1) * 0.2, a)
            }
            return points.isEmpty ? nil : .errorBars(m.0, points, colour: .palette(i))
        }
        let plot = Plot(title: "Accuracy per domain", x: Axis("domain: " + domains.enumerated().map { "\($0.offset) \($0.element)" }.joined(separator: ", "),
                                                              range: -0.5...(Double(max(domains.count, 1)) - 0.5)),
                        y: Axis("test accuracy", format: .percent), series: bars,
                        referenceLines: [.horizontal(Self.paperAccuracy, label: "paper 78.95%")])
        return ExperimentAnalysis(
            summary: ExperimentSummary(
                experiment: Self.name, title: title, settings: settings, runs: runs, tables: [table], values: values, findings: findings,
                method: "Each domain is split on its own (70 / 10 / 20, or 10-fold cross-validation at the paper budget, one run per "
                    + "fold); the 5000-term binary vocabulary comes from the training parts of all four domains, and pre-training "
                    + "uses them all. Accuracy is averaged over folds and seeds per domain (95% interval when there are several), "
                    + "then over domains."),
            figures: [(plot, "sentiment.svg", "Test accuracy per domain and model; the dashed line is the paper's mean.")])
    }
}
