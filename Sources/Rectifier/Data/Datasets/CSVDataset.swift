import Foundation

/// Your own table of numbers: a CSV or TSV file (raw or `.gz`) with one label column
/// (`NumericTable`), split seeded and stratified or by folds; each feature standardised with
/// the training part's mean and standard deviation (kept with the model) unless
/// `--standardize off`.
public struct CSVDataset: DatasetKind {
    public init() {}
    public var name: String { "csv" }
    public var title: String { "your table of numbers: a CSV or TSV file with a label column (--data-file, --label-column)" }
    public var files: [String] { ["--data-file FILE.csv (or .tsv, .csv.gz)"] }
    public var split: String { "stratified 70% / 10% / 20% (--test-fraction, --validation), or --folds K" }
    public var preprocessing: String { "each feature standardised by the training part's mean and standard deviation (--standardize off: as given)" }
    public var shape: ImageShape? { nil }
    public var downloadSize: String? { nil }
    public var source: String { "your own file" }
    public var inputKind: InputKind { .table }
    public var options: [DataOption] { [.dataFile, .labelColumn, .task, .skipBadLines, .standardize] + DataOption.singleFileSplit }
    public var fileExtensions: [String] { ["csv", "tsv"] }
    public func isPresent(in directory: String) -> Bool { false }

    public func validate(_ reference: DataReference) throws {
        if reference.dataFile == nil { throw UsageError("\(name) needs --data-file FILE.csv") }
    }

    public func load(_ reference: DataReference, directory: String, limits: Limits) throws -> DataSplits {
        let path = reference.dataFile!
        let table = try NumericTable.read(path, label: reference.text(.labelColumn),
                                          badLines: reference.flag(.skipBadLines) ? .skip : .fail, limits: limits)
        var splits = try TableSplits.make(features: .dense(table.features), labels: table.labels, reference: reference, name: name,
                                          source: path, limits: limits, skipped: table.skipped)
        splits.featureNames = table.featureNames
        splits.labelColumn = table.columns[table.labelColumn]
        return splits
    }
}

extension DataOption {
    /// Tables and arrays: standardise each feature with the training part's statistics.
    public static let standardize = DataOption("standardize", key: "standardize", .choice(["on", "off"]),
                                               help: "Tables and arrays: standardise each feature with the training part's mean and standard deviation (on, the default) or keep the values (off).")
}

/// The splits of a labelled table or array, whatever file it came from.
enum TableSplits {
    /// Seeded, stratified split (or fold) of `features` and `labels` as `reference` asks, the
    /// parts named `name/train` and so on.
    static func make(features: Inputs, labels: [String], reference: DataReference, name: String, source: String,
                     limits: Limits, skipped: SkippedRecords = SkippedRecords()) throws -> DataSplits {
        let classes = try ClassLabels(labels, task: reference.text(.task), source: source, limits: limits)
        guard classes.names.count >= 2 else {
            throw FileError(source, "every example has the label \"\(NumericTable.excerpt(classes.names.first ?? ""))\": a classifier needs two classes or more")
        }
        let split = try StratifiedSplit(classes: classes.indices, reference: reference)
        func part(_ rows: [Int], _ label: String) -> Dataset {
            var d = Dataset(name: "\(name)/\(label)", inputs: features.gatherRows(rows), labels: rows.map { classes.indices[$0] },
                            classes: classes.names.count, classNames: classes.names)
            d.classValues = classes.values
            return d
        }
        var splits = DataSplits(train: part(split.train, "train"), validation: part(split.validation, "validation"),
                                test: part(split.test, "test"))
        splits.skipped = skipped
        splits.split = split
        return splits
    }
}
