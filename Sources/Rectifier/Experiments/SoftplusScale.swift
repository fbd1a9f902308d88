import Foundation

/// The rescaled softplus (1/a)·softplus(a·x), a ∈ {1, 1.3, 2, 3, 6}, against the rectifier
/// (a = ∞): the paper's NORB row, where the error falls steadily as a grows.
public struct SoftplusScale: Experiment {
    public static let name = "softplus-scale"
    /// NORB at the paper's budget, as the paper; MNIST otherwise.
    public static func defaultDataset(budget: ExperimentBudget) -> any DatasetKind { budget == .paper ? NORBDataset() : MNISTDataset() }
    public var settings: ExperimentSettings
    public var title: String { "Rescaled softplus: test error against the sharpness a" }

    public init(settings: ExperimentSettings) { self.settings = settings }

    static let scales: [Double] = [1, 1.3, 2, 3, 6]
    /// The paper's NORB test errors, by a (infinity: the rectifier).
    static let paper: [Double: Double] = [1: 0.1768, 1.3: 0.1753, 2: 0.169, 3: 0.1666, 6: 0.1654, .infinity: 0.1640]

    public func stages() -> [ExperimentStage] {
        var base = settings.dataOptions
        base.merge(["layers": .string(paperLayers), "batch-size": .int(10),
                    "learning-rate": .double(0.01)]) { $1 }
        switch settings.budget {
        case .smoke: base.merge(["layers": .string("24,24"), "epochs": .int(2), "patience": .int(0), "learning-rate": .double(0.05)]) { $1 }
        case .quick: base.merge(["epochs": .int(10), "patience": .int(4)]) { $1 }
        case .paper: break
        }
        let activations = Self.scales.map { SweepValue.string("rescaled-softplus:\(Self.text($0))") } + [.string("rectifier")]
        let sweep = SweepSpecification(seed: 1, count: 1, base: base,
                                       grid: [("activation", activations), ("seed", settings.seedValues)], zip: [], random: [])
        return [ExperimentStage(name: "softplus-scale", sweep: sweep)]
    }

    static func text(_ a: Double) -> String { a == a.rounded() ? String(Int(a)) : String(a) }

    /// a of a run: its rescaled-softplus scale, infinity for the rectifier.
    static func scale(_ run: ExperimentRun) -> Double? {
        if run.activation == "rectifier" { return .infinity }
        guard run.activation.hasPrefix("rescaled-softplus:") else { return nil }
        return Double(run.activation.dropFirst("rescaled-softplus:".count))
    }

    public func analyse(_ runs: [ExperimentRun]) throws -> ExperimentAnalysis {
        var errors: [Double: [Double]] = [:]
        for run in runs where run.result != nil {
            if let a = Self.scale(run) { errors[a, default: []].append(run.result!.testError) }
        }
        var values: [String: Double] = [:]
        let rows = (Self.scales + [.infinity]).map { a -> [String] in
            if let e = errors[a], let mean = try? Statistics.mean(e) { values["a_\(a.isFinite ? Self.text(a) : "inf")"] = mean }
            return [a.isFinite ? Self.text(a) : "∞ (rectifier)", errors[a].map(ExperimentFormat.meanWithInterval) ?? "–",
                    ExperimentFormat.percent(Self.paper[a])]
        }
        let bars = Self.scales.compactMap { ExperimentFormat.errorBar(x: $0, errors[$0] ?? []) }
        var lines: [ReferenceLine] = []
        if let r = values["a_inf"] { lines.append(.horizontal(r, label: "rectifier " + ExperimentFormat.percent(r))) }
        var findings: [String] = []
        let finite = Self.scales.compactMap { a in values["a_\(Self.text(a))"].map { (a, $0) } }
        if finite.count >= 2 {
            let falling = zip(finite, finite.dropFirst()).filter { $0.1.1 < $0.0.1 }.count
            findings.append("The error falls in \(falling) of \(finite.count - 1) steps of a (paper, NORB: in every step, "
                            + "from 17.68% at a = 1 to 16.54% at a = 6, and 16.40% for the rectifier).")
        }
        let plot = Plot(title: "Rescaled softplus (\(settings.dataset))", x: Axis("a", scale: .logarithmic),
                        y: Axis("test error", format: .percent),
                        series: [.errorBars("rescaled softplus", bars, connected: true, colour: .palette(0))], referenceLines: lines)
        return ExperimentAnalysis(
            summary: ExperimentSummary(
                experiment: Self.name, title: title, settings: settings, runs: runs,
                tables: [.init(title: "Test error by a (\(settings.dataset))", header: ["a", "test error (ours)", "paper (NORB)"], rows: rows)],
                values: values, findings: findings,
                method: "One network per a and seed, learning rate 0.01, no pre-training, no L1; epoch selected by validation error."),
            figures: [(plot, "softplus-scale.svg", "Test error against a (log scale); the dashed line is the rectifier (a = ∞).")])
    }
}
