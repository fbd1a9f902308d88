import Foundation

/// Any CSV file with a header: one document per row, its text in `textColumn` and its label in
/// `labelColumn` (any strings; numbers for `task: rating`), tokenised as processed_acl was
/// (`Tokenizer`), split seeded and stratified (20% test, 10% validation) or by folds.
public struct TextCSVDataset: DatasetKind {
    public init() {}
    public var name: String { "text-csv" }
    public var title: String { "your labelled text: a CSV file with a header (--data-file, --text-column, --label-column)" }
    public var files: [String] { ["--data-file FILE.csv"] }
    public var split: String { "stratified 70% / 10% / 20% (--test-fraction, --validation), or --folds K" }
    public var preprocessing: String { "lower-case unigrams and bigrams, numbers to <num>; binary bag of words over the 5000 terms of highest document frequency in the training part" }
    public var shape: ImageShape? { nil }
    public var downloadSize: String? { nil }
    public var source: String { "your own file" }
    public var inputKind: InputKind { .text }
    public var options: [DataOption] { [.dataFile, .textColumn, .labelColumn] + DataOption.bagOfWords + DataOption.singleFileSplit }
    public var fileExtensions: [String] { ["csv"] }
    public var optionsThatClaimFiles: [DataOption] { [.textColumn] }
    public func isPresent(in directory: String) -> Bool { false }

    public func validate(_ reference: DataReference) throws {
        if reference.dataFile == nil { throw UsageError("\(name) needs --data-file FILE.csv") }
    }

    public func load(_ reference: DataReference, directory: String, limits: Limits) throws -> DataSplits {
        let limit = limits.fileBytes
        guard let file = reference.dataFile else { throw UsageError("text-csv needs --data-file FILE.csv") }
        let table = try CSVTable.read(file, limit: limit, memory: limits.memoryBytes)
        let textColumn = reference.text(.textColumn) ?? "text", labelColumn = reference.text(.labelColumn) ?? "label"
        let texts = try table.column(textColumn), labels = try table.column(labelColumn)
        let tokenizer = Tokenizer()
        var corpus = TextCorpus(documents: [], labels: [])
        var skipped = 0
        for (row, (text, label)) in zip(texts, labels).enumerated() {
            let problem = label.trimmingCharacters(in: .whitespaces).isEmpty ? "has no label"
                : (text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty ? "has an empty text" : nil)
            if let problem {
                guard reference.flag(.skipBadLines) else { throw FileError(file, "line \(table.rowLines[row]): the row \(problem)") }
                skipped += 1
                continue
            }
            corpus.documents.append(tokenizer.termCounts([text]))
            corpus.labels.append(label)
        }
        return try TextCorpus.load(corpus, reference: reference, name: name, source: file, limits: limits)
    }
}

/// The libsvm / svmlight sparse format (`label index:value ...`), which other tools write: one
/// file (split seeded and stratified, or by folds) or a directory holding `train` and `test`
/// files (`.svm`, `.txt` or no extension; validation from the end of the training file).
public struct SVMLightDataset: DatasetKind {
    public init() {}
    public var name: String { "svmlight" }
    public var title: String { "libsvm / svmlight sparse vectors (--data-file FILE, or a directory with train and test files)" }
    public var files: [String] { ["--data-file FILE", "or train[.svm|.txt] and test[.svm|.txt]"] }
    public var split: String { "one file: stratified 70% / 10% / 20% or --folds K; train and test files: last tenth of train validates" }
    public var preprocessing: String { "values as given, indices to columns (1-based, or 0-based when an index 0 appears)" }
    public var shape: ImageShape? { nil }
    public var downloadSize: String? { nil }
    public var source: String { "your own files" }
    public var inputKind: InputKind { .text }
    public var options: [DataOption] { [.dataFile, .task, .skipBadLines] + DataOption.singleFileSplit }
    public var fileExtensions: [String] { ["svm", "svmlight", "libsvm"] }
    public func isPresent(in directory: String) -> Bool { (try? Self.pair(directory)) != nil }

    public func validate(_ reference: DataReference) throws {
        if reference.dataFile == nil && reference.directory == nil {
            throw UsageError("\(name) needs --data-file FILE (or --data-dir DIR with train and test files)")
        }
    }

    static func pair(_ directory: String) throws -> (String, String) {
        func find(_ stem: String) -> String? {
            ["", ".svm", ".txt", ".libsvm"].map { "\(directory)/\(stem)\($0)" }.first { FileManager.default.fileExists(atPath: $0) }
        }
        guard let train = find("train"), let test = find("test") else {
            throw FileError(directory, "no train and test files (train, train.svm or train.txt; test likewise)")
        }
        return (train, test)
    }

    public func load(_ reference: DataReference, directory: String, limits: Limits) throws -> DataSplits {
        let limit = limits.fileBytes
        let policy: BadRecordPolicy = reference.flag(.skipBadLines) ? .skip : .fail
        var isDirectory: ObjCBool = false
        let path = reference.dataFile ?? directory
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { throw FileError(path, "no such file") }
        let files: [SVMLight]
        if isDirectory.boolValue {
            let (train, test) = try Self.pair(path)
            files = [try SVMLight.read(train, badLines: policy, limit: limit), try SVMLight.read(test, badLines: policy, limit: limit)]
        } else {
            files = [try SVMLight.read(path, badLines: policy, limit: limit)]
        }
        // 0-based indices when any file has an index 0 (scikit-learn's zero_based="auto").
        let zeroBased = files.contains { $0.hasZeroIndex }
        let width = files.map { $0.width(zeroBased: zeroBased) }.max() ?? 0
        guard width > 0 else { throw FileError(path, "holds no feature") }
        try limits.checkMemory(width * 4 * 2, for: "\(path) (indices up to \(width - 1 + (zeroBased ? 0 : 1)), one input each)")
        let corpus = TextCorpus(documents: [], labels: files.flatMap(\.labels))
        let labels = try corpus.classes(task: reference.text(.task), source: path, limits: limits)
        let (classes, names, values) = (labels.indices, labels.names, labels.values)
        let matrices = try files.map { try $0.matrix(columns: width, zeroBased: zeroBased) }
        let all = matrices.dropFirst().reduce(matrices[0]) { $0.appending($1) }
        let split: StratifiedSplit
        if files.count == 2 {
            let trainCount = files[0].count
            let validation = reference.validation ?? trainCount / 10
            guard validation >= 0, validation < trainCount else {
                throw FileError(path, "a validation set of \(validation) does not fit the \(trainCount) training examples")
            }
            split = StratifiedSplit(train: Array(0..<(trainCount - validation)), validation: Array((trainCount - validation)..<trainCount),
                                    test: Array(trainCount..<all.rows))
        } else {
            split = try TextCorpus.split(classes, reference: reference)
        }
        func dataset(_ rows: [Int], _ part: String) -> Dataset {
            var d = Dataset(name: "svmlight/\(part)", inputs: .sparse(all.gatherRows(rows)), labels: rows.map { classes[$0] },
                            classes: names.count, classNames: names)
            d.classValues = values
            return d
        }
        return DataSplits(train: dataset(split.train, "train"), validation: dataset(split.validation, "validation"),
                          test: dataset(split.test, "test"))
    }
}

extension DataOption {
    /// text-csv: the column holding the text.
    public static let textColumn = DataOption("text-column", key: "textColumn", .text,
                                              help: "text-csv: the column holding the text (default: text); a .csv with it is read as text.")
}
