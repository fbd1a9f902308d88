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
    /// Amazon: `books`, `dvd`, `electronics`, `kitchen` or `all` (nil: all).
    public var domain: String?
    /// text-csv, svmlight: the data file (svmlight also takes a directory of train/test files).
    public var dataFile: String?
    /// text-csv: the columns of the text and the label.
    public var textColumn: String?
    public var labelColumn: String?
    /// Text: `classification` (nil) or `rating` (labels are numbers; softmax over the ratings,
    /// prediction = the expected rating, RMSE reported).
    public var task: String?
    /// Text: terms in the vocabulary (nil: 5000, the paper's).
    public var vocabularySize: Int?
    /// Text: `binary` (nil, the paper's) or `counts` features.
    public var features: String?
    /// Amazon: whose training parts choose the vocabulary: `all` four domains (nil, so one
    /// vocabulary serves every domain) or the `domain` alone (as the scikit-learn peer does).
    /// Either way pre-training reads the training parts of all four.
    public var vocabularyFrom: String?
    /// Text: a vocabulary file to use instead of building one (e.g. a trained model's).
    public var vocabularyFile: String?
    /// A single labelled file: the test fraction of the seeded, stratified split (nil: 0.2).
    public var testFraction: Double?
    /// Cross-validation: the number of folds and the fold used as test set (0-based).
    public var folds: Int?
    public var fold: Int?
    /// Seed of the split and the folds (nil: 0).
    public var splitSeed: UInt64?
    /// Skip malformed lines (counting them) instead of refusing the file.
    public var skipBadLines: Bool?

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
        if let task, !["classification", "rating"].contains(task) { throw UsageError("unknown task '\(task)' (classification, rating)") }
        if let features, !["binary", "counts"].contains(features) { throw UsageError("unknown features '\(features)' (binary, counts)") }
        if let from = vocabularyFrom {
            guard ["all", "domain"].contains(from) else { throw UsageError("unknown vocabulary source '\(from)' (all, domain)") }
            guard Datasets.named(dataset) is AmazonSentimentDataset else {
                throw UsageError("--vocabulary-from is for the Amazon datasets")
            }
        }
        if let size = vocabularySize, size <= 0 { throw UsageError("the vocabulary size must be positive, got \(size)") }
        if let f = testFraction, !(f > 0 && f < 1) { throw UsageError("the test fraction must be in (0, 1), got \(f)") }
        if let folds {
            guard folds >= 2 else { throw UsageError("cross-validation needs at least 2 folds, got \(folds)") }
            guard let fold, (0..<folds).contains(fold) else { throw UsageError("fold must be in 0..<\(folds)") }
        } else if fold != nil {
            throw UsageError("a fold needs the number of folds")
        }
        if ["text-csv", "svmlight"].contains(dataset.lowercased()) && dataFile == nil && (dataset.lowercased() == "text-csv" || directory == nil) {
            throw UsageError("\(dataset) needs --data-file FILE")
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
                return try MNISTDataset.load(directory: MNISTDataset.shippedSubsetDirectory, validationSize: validation ?? 1_000, limit: limit)
            }
            return try kind.load(self, directory: Datasets.defaultDirectory(for: kind.name), limit: limit)
        }
        return try kind.load(self, directory: dir, limit: limit)
    }

    /// Whether the dataset is text (bags of words as sparse inputs).
    public var isText: Bool { ["amazon-sentiment", "amazon-reviews", "text-csv", "svmlight"].contains(dataset.lowercased()) }

    /// e.g. `mnist (path/to/mnist)` or `mnist (shipped subset)`.
    public var description: String {
        "\(dataset) (\(directory ?? (dataset == "mnist" ? "shipped subset" : Datasets.defaultDirectory(for: dataset))))"
    }
}
