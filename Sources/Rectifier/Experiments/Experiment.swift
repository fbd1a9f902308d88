import Foundation

/// How much of an experiment to run.
public enum ExperimentBudget: String, CaseIterable, Codable, Sendable {
    /// The shipped MNIST subset (or a small slice of the named data), tiny networks, about a
    /// minute: what CI runs for every experiment.
    case smoke
    /// The full dataset, one seed, fewer epochs: about an hour on 2 cores.
    case quick
    /// The paper's protocol.
    case paper

    /// Hidden units per layer of the text networks: tiny, 1000, the paper's 5000.
    var textWidth: Int {
        switch self {
        case .smoke: 32
        case .quick: 1000
        case .paper: 5000
        }
    }
}

/// What an experiment is run on.
public struct ExperimentSettings: Codable, Equatable, Sendable {
    /// A dataset of the registry (`Datasets.all`).
    public var dataset: String
    /// Its files; nil: the shipped MNIST subset (smoke) or `data/NAME`.
    public var dataDirectory: String?
    public var budget: ExperimentBudget
    /// Seeds per configuration (intervals and paired tests need at least 2).
    public var seeds: Int

    public init(dataset: String, dataDirectory: String? = nil, budget: ExperimentBudget, seeds: Int) {
        self.dataset = dataset
        self.dataDirectory = dataDirectory
        self.budget = budget
        self.seeds = seeds
    }

    /// `[1, 2, ..., seeds]`, as sweep values.
    var seedValues: [SweepValue] { (1...max(1, seeds)).map { .int($0) } }

    /// The options naming the data, for a sweep's base.
    var dataOptions: [String: SweepValue] {
        // No data option at all means the shipped subset, as for `rectifier train`.
        if dataDirectory == nil && dataset == Datasets.all[0].name && Datasets.all[0].shippedSubset != nil { return [:] }
        var options: [String: SweepValue] = ["dataset": .string(dataset)]
        if let dataDirectory { options["data-dir"] = .string(dataDirectory) }
        return options
    }
}

/// One sweep of an experiment: its runs, as `rectifier train` options.
public struct ExperimentStage: Sendable {
    /// The sweep's directory name inside the experiment's directory.
    public var name: String
    public var sweep: SweepSpecification

    public init(name: String, sweep: SweepSpecification) {
        self.name = name
        self.sweep = sweep
    }
}

/// One of the paper's tables or figures: the runs it needs, and what it makes of them.
///
/// An experiment is a set of sweeps (so `--jobs N` and Slurm work for it); `analyse` turns the
/// finished runs into tables, plots and findings set beside the paper's numbers.
public protocol Experiment: Sendable {
    /// The name `rectifier reproduce` takes.
    static var name: String { get }
    /// The dataset it runs on when none is named.
    static func defaultDataset(budget: ExperimentBudget) -> any DatasetKind
    /// The experiment on `settings`.
    init(settings: ExperimentSettings)
    /// What the report is titled.
    var title: String { get }
    var settings: ExperimentSettings { get }
    /// The sweeps to run, in order.
    func stages() -> [ExperimentStage]
    /// Tables, figures and findings from the runs (unfinished runs have no result).
    func analyse(_ runs: [ExperimentRun]) throws -> ExperimentAnalysis
}

extension Experiment {
    public static func defaultDataset(budget: ExperimentBudget) -> any DatasetKind { MNISTDataset() }

    /// The hidden layers of the paper's image networks on the settings' dataset.
    var paperLayers: String {
        (Datasets.named(settings.dataset)?.paperHiddenLayers ?? [1000, 1000, 1000]).map(String.init).joined(separator: ",")
    }
}

/// The experiments `rectifier reproduce` knows.
public enum Experiments {
    /// Every experiment, in the order the paper shows them.
    public static let all: [any Experiment.Type] = [Table1.self, Figure3.self, Figure4.self, SoftplusScale.self, Sentiment.self, Table2.self]

    /// Every experiment's name.
    public static var names: [String] { all.map { $0.name } }

    /// The experiment type called `name`; a `UsageError` listing the known ones otherwise.
    public static func type(named name: String) throws -> any Experiment.Type {
        guard let type = all.first(where: { $0.name == name }) else {
            throw UsageError("unknown experiment '\(name)' (known: \(names.joined(separator: ", ")))")
        }
        return type
    }

    /// The experiment called `name` with `settings`; a `UsageError` for an unknown name.
    public static func named(_ name: String, settings: ExperimentSettings) throws -> any Experiment {
        try type(named: name).init(settings: settings)
    }
}
