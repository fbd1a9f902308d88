import Foundation

/// Which data a run uses: a dataset by name, where its files are, and how it is split.
///
/// A value, recorded in every run's specification, so that a run can be repeated or resumed
/// from its directory alone.
public struct DataReference: Codable, Equatable, Sendable, CustomStringConvertible {
    /// Dataset name (`mnist`, one of `Datasets.all`).
    public var dataset: String
    /// Directory holding the dataset's files; nil: the MNIST subset shipped with the package for
    /// `mnist`, `data/NAME` for the others.
    public var directory: String?
    /// Validation examples taken from the end of the training file; nil: the dataset's own
    /// split (MNIST: 10,000, the shipped subset: 1,000).
    public var validation: Int?
    /// NISTP: the level of the perturbations (nil: the paper's 0.7).
    public var perturbationLevel: Float?
    /// NISTP: perturb the test set too (once, with a fixed seed); nil or false: clean test images.
    public var perturbTest: Bool?

    public init(dataset: String = "mnist", directory: String? = nil, validation: Int? = nil) {
        self.dataset = dataset
        self.directory = directory
        self.validation = validation
    }

    /// A `UsageError` for an unknown dataset or a negative validation size.
    public func validate() throws {
        guard Datasets.named(dataset) != nil else {
            throw UsageError("unknown dataset '\(dataset)' (known: \(Datasets.names))")
        }
        if let validation, validation < 0 { throw UsageError("the validation size must be >= 0, got \(validation)") }
        if let level = perturbationLevel, !(level >= 0 && level <= 1) {
            throw UsageError("the perturbation level must be in [0, 1], got \(level)")
        }
        if (perturbationLevel != nil || perturbTest == true) && dataset.lowercased() != "nistp" {
            throw UsageError("perturbations are for the nistp dataset only")
        }
    }

    /// Reads the dataset's files (from `directory`, or from `overrideDirectory` when the files
    /// have moved) and splits them into training, validation and test sets; no file larger
    /// than `limit` bytes is read.
    public func load(limit: Int = FileIO.defaultSizeLimit, overrideDirectory: String? = nil) throws -> DataSplits {
        try validate()
        let kind = Datasets.named(dataset)!
        guard let dir = overrideDirectory ?? directory else {
            if kind.name == "mnist" {
                return try MNIST.load(directory: MNIST.embeddedSubsetDirectory, validationSize: validation ?? 1_000, limit: limit)
            }
            return try kind.load(self, directory: Datasets.defaultDirectory(for: kind.name), limit: limit)
        }
        return try kind.load(self, directory: dir, limit: limit)
    }

    /// e.g. `mnist (path/to/mnist)` or `mnist (shipped subset)`.
    public var description: String {
        "\(dataset) (\(directory ?? (dataset == "mnist" ? "shipped subset" : Datasets.defaultDirectory(for: dataset))))"
    }
}
