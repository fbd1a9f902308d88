import Foundation

/// Labelled documents as term counts, before they become a dataset: what every text reader
/// gives. `splits` makes the training, validation and test sets (a seeded stratified split, or
/// one fold of a cross-validation), builds the vocabulary on the training documents only, and
/// turns every document into a sparse row of binary (or count) features.
struct TextCorpus {
    var documents: [[String: Int]]
    /// One label per document, as the file gives it.
    var labels: [String]

    /// The classes of the documents' labels (`ClassLabels`), in the lexicographic order the
    /// text datasets have always used, so earlier runs keep their class indices.
    func classes(task: String?, source: String, limits: Limits) throws -> ClassLabels {
        try ClassLabels(labels, task: task, source: source, limits: limits, numericOrder: false)
    }

    /// The split `reference` asks for (see `StratifiedSplit.init(classes:reference:)`).
    static func split(_ classes: [Int32], reference: DataReference) throws -> StratifiedSplit {
        try StratifiedSplit(classes: classes, reference: reference)
    }

    /// The three sparse datasets of `split`, named `name/train` and so on, with the vocabulary
    /// (built from the training documents, unless `reference.vocabularyFile` gives one).
    func splits(_ split: StratifiedSplit, reference: DataReference, name: String, source: String,
                vocabularyDocuments: [[String: Int]]? = nil, limits: Limits) throws -> DataSplits {
        let labels = try self.classes(task: reference.text(.task), source: source, limits: limits)
        let (classes, names, values) = (labels.indices, labels.names, labels.values)
        let vocabulary: Vocabulary
        if let file = reference.vocabularyFile {
            vocabulary = try Vocabulary.read(file, limit: limits.fileBytes)
        } else {
            vocabulary = try Vocabulary.mostFrequent(in: vocabularyDocuments ?? split.train.map { documents[$0] },
                                                     size: reference.integer(.vocabulary) ?? Vocabulary.paperSize)
        }
        let weighting: Vocabulary.Weighting = reference.text(.features) == "counts" ? .counts : .binary
        func dataset(_ rows: [Int], _ part: String) -> Dataset {
            var d = Dataset(name: "\(name)/\(part)", inputs: .sparse(vocabulary.matrix(rows.map { documents[$0] }, weighting: weighting)),
                            labels: rows.map { classes[$0] }, classes: names.count, classNames: names)
            d.classValues = values
            return d
        }
        var splits = DataSplits(train: dataset(split.train, "train"), validation: dataset(split.validation, "validation"),
                                test: dataset(split.test, "test"))
        splits.vocabulary = vocabulary
        return splits
    }

    /// Splits `corpus` as `reference` asks and makes the datasets (the readers' common ending).
    static func load(_ corpus: TextCorpus, reference: DataReference, name: String, source: String, limits: Limits) throws -> DataSplits {
        guard !corpus.documents.isEmpty else { throw FileError(source, "holds no documents") }
        let classes = try corpus.classes(task: reference.text(.task), source: source, limits: limits).indices
        return try corpus.splits(try split(classes, reference: reference), reference: reference, name: name, source: source, limits: limits)
    }
}
