import Foundation

/// One run of an experiment, as read back from its sweep: what it varied and what it measured.
public struct ExperimentRun: Codable, Sendable {
    /// The stage (sweep) it belongs to.
    public var stage: String
    /// Its index in that sweep.
    public var index: Int
    /// `planned`, `running`, `finished` or `failed`.
    public var status: String
    /// The options the sweep varied for it.
    public var axes: [String: SweepValue]
    /// Every option it was given.
    public var options: [String: SweepValue]
    /// Its result, when finished.
    public var result: TrainingResult?
    /// Validation error after each epoch (`metrics.jsonl`).
    public var validationCurve: [Double]

    /// The value of option `key` (swept or not), as text.
    public func option(_ key: String) -> String? { options[key]?.description }

    /// The value of a numeric option.
    public func number(_ key: String) -> Double? { options[key]?.number }

    /// Whether a flag option is set.
    public func flag(_ key: String) -> Bool { options[key] == .bool(true) }

    /// The activation's name as given (`rectifier` when unset, the default).
    public var activation: String { option("activation") ?? "rectifier" }

    /// Test errors counted on the test set (`testError × examples`), for tests on counts.
    public func testErrors(examples: Int) -> Int? { result.map { Int(($0.testError * Double(examples)).rounded()) } }
}

/// What an experiment makes of its runs: its summary and its plots.
public struct ExperimentAnalysis: Sendable {
    public var summary: ExperimentSummary
    /// Plots with their file names (`*.svg`) and captions, in report order.
    public var figures: [(plot: Plot, fileName: String, caption: String)]

    public init(summary: ExperimentSummary, figures: [(plot: Plot, fileName: String, caption: String)] = []) {
        self.summary = summary
        self.figures = figures
    }
}

/// `summary.json`: the experiment's tables and findings, beside the paper's numbers.
public struct ExperimentSummary: Codable, Equatable, Sendable {
    /// A table of the report.
    public struct Table: Codable, Equatable, Sendable {
        public var title: String
        public var header: [String]
        public var rows: [[String]]

        public init(title: String, header: [String], rows: [[String]]) {
            self.title = title
            self.header = header
            self.rows = rows
        }
    }

    public var experiment: String
    public var title: String
    public var settings: ExperimentSettings
    /// Runs planned, and finished.
    public var runs: Int
    public var finishedRuns: Int
    public var tables: [Table]
    /// Named measurements (e.g. `fit_minimum_sparsity`), for scripts and tests.
    public var values: [String: Double]
    /// Sentences stating what was found, each beside what the paper found.
    public var findings: [String]
    /// How runs were selected and how intervals and significance were computed.
    public var method: String

    public init(experiment: String, title: String, settings: ExperimentSettings, runs: [ExperimentRun],
                tables: [Table] = [], values: [String: Double] = [:], findings: [String] = [], method: String = "") {
        self.experiment = experiment
        self.title = title
        self.settings = settings
        self.runs = runs.count
        finishedRuns = runs.filter { $0.result != nil }.count
        self.tables = tables
        self.values = values
        self.findings = findings
        self.method = method
    }
}

/// Formatting shared by the experiments' tables.
enum ExperimentFormat {
    /// `1.43%` for 0.0143.
    static func percent(_ v: Double?, digits: Int = 2) -> String {
        guard let v, v.isFinite else { return "–" }
        return String(format: "%.\(digits)f%%", v * 100)
    }

    /// `1.43% ± 0.12` (a 95% interval's half-width), or the single value for one seed.
    static func meanWithInterval(_ values: [Double]) -> String {
        guard let mean = try? Statistics.mean(values) else { return "–" }
        guard values.count > 1, let ci = try? Statistics.confidenceIntervalOfMean(values) else { return percent(mean) }
        return percent(mean) + String(format: " ± %.2f", (ci.upper - ci.lower) / 2 * 100)
    }

    /// The mean of `values` at `x` with its 95% interval over them (none for a single value);
    /// nil when there are no values.
    static func errorBar(x: Double, _ values: [Double]) -> ErrorBar? {
        guard let mean = try? Statistics.mean(values) else { return nil }
        let ci = values.count > 1 ? try? Statistics.confidenceIntervalOfMean(values) : nil
        return ErrorBar(x: x, y: mean, lower: ci?.lower ?? mean, upper: ci?.upper ?? mean)
    }

    /// A number with `digits` decimals, or a dash.
    static func number(_ v: Double?, digits: Int = 3) -> String {
        guard let v, v.isFinite else { return "–" }
        return String(format: "%.\(digits)f", v)
    }
}
