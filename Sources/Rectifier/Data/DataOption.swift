/// A setting a dataset reads besides where its files are: its name on the command line and in
/// sweep files (`--domain books`, `domain = "books"`), the key it is recorded under in a run's
/// `config.json`, the values it takes and what it does.
///
/// Each dataset lists the options it reads (`DatasetKind.options`); a reference that sets any
/// other is refused, naming it. The options several datasets share are here; an option only
/// one dataset reads is declared in that dataset's file.
public struct DataOption: Sendable, Hashable, CustomStringConvertible {
    /// The values an option takes.
    public enum Kind: Sendable, Hashable {
        /// Any text (a file name, a column name).
        case text
        /// One of these words.
        case choice([String])
        /// A whole number in the range.
        case integer(ClosedRange<Int>)
        /// A number strictly between the bounds (`open`) or in the closed range.
        case number(ClosedRange<Double>, open: Bool)
        /// On when given.
        case flag
    }

    /// The name on the command line (without `--`) and in sweep files.
    public let name: String
    /// The key in a run's data record (camel case; snake case in the JSON files).
    public let key: String
    public let kind: Kind
    /// One line for `--help` and the docs.
    public let help: String

    public init(_ name: String, key: String, _ kind: Kind, help: String) {
        self.name = name
        self.key = key
        self.kind = kind
        self.help = help
    }

    /// `--name`.
    public var description: String { "--" + name }

    /// The value `text` gives this option; a `UsageError` naming the option otherwise.
    public func parse(_ text: String) throws -> DataValue {
        let value: DataValue
        switch kind {
        case .text: value = .text(text)
        case .choice(let words): value = .text(words.contains(text.lowercased()) ? text.lowercased() : text)
        case .integer: guard let n = Int(text.trimmingCharacters(in: .whitespaces)) else {
            throw UsageError("\(self): '\(text)' is not a whole number")
        }
            value = .integer(n)
        case .number: guard let x = Double(text.trimmingCharacters(in: .whitespaces)) else {
            throw UsageError("\(self): '\(text)' is not a number")
        }
            value = .number(x)
        case .flag: guard let b = ["true": true, "false": false, "1": true, "0": false][text.lowercased()] else {
            throw UsageError("\(self) is a flag: true or false, not '\(text)'")
        }
            value = .flag(b)
        }
        try check(value)
        return value
    }

    /// A `UsageError` naming the option unless `value` is one it takes.
    public func check(_ value: DataValue) throws {
        switch (kind, value) {
        case (.text, .text(let s)):
            guard !s.isEmpty, !s.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
                throw UsageError("\(self) needs a value without control characters")
            }
        case (.choice(let words), .text(let s)):
            guard words.contains(s) else { throw UsageError("\(self): '\(s)' is not one of \(words.joined(separator: ", "))") }
        case (.integer(let range), .integer(let n)):
            guard range.contains(n) else {
                throw UsageError("\(self) must be \(range.upperBound == .max ? "at least \(range.lowerBound)" : "in \(range.lowerBound)...\(range.upperBound)"), got \(n)")
            }
        case (.number(let range, let open), .number(let x)):
            let inside = open ? (x > range.lowerBound && x < range.upperBound) : range.contains(x)
            guard inside else {
                throw UsageError("\(self) must be in \(open ? "(" : "[")\(range.lowerBound), \(range.upperBound)\(open ? ")" : "]"), got \(x)")
            }
        case (.flag, .flag): break
        default: throw UsageError("\(self): a value of the wrong kind (\(value))")
        }
    }
}

/// The value of a `DataOption`.
public enum DataValue: Hashable, Sendable, Codable, CustomStringConvertible {
    case text(String)
    case integer(Int)
    case number(Double)
    case flag(Bool)

    public var description: String {
        switch self {
        case .text(let s): s
        case .integer(let n): String(n)
        case .number(let x): String(x)
        case .flag(let b): String(b)
        }
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if let b = try? c.decode(Bool.self) { self = .flag(b) }
        else if let n = try? c.decode(Int.self) { self = .integer(n) }
        else if let x = try? c.decode(Double.self) { self = .number(x) }
        else { self = .text(try c.decode(String.self)) }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .text(let s): try c.encode(s)
        case .integer(let n): try c.encode(n)
        case .number(let x): try c.encode(x)
        case .flag(let b): try c.encode(b)
        }
    }
}

extension DataOption {
    /// Validation examples taken from the end of the training data (or the training part).
    public static let validation = DataOption("validation", key: "validation", .integer(0...Int.max),
                                              help: "Validation examples, taken from the end of the training file (default: the dataset's split).")
    /// The one file of a dataset that comes as a single file.
    public static let dataFile = DataOption("data-file", key: "dataFile", .text,
                                            help: "The data file (a table, arrays, svmlight or text); without --dataset, its extension names the dataset.")
    /// The test share of a seeded, stratified split of one file.
    public static let testFraction = DataOption("test-fraction", key: "testFraction", .number(0...1, open: true),
                                                help: "A single labelled file: the seeded, stratified test fraction (default 0.2).")
    /// Stratified K-fold cross-validation.
    public static let folds = DataOption("folds", key: "folds", .integer(2...Int.max),
                                         help: "Stratified K-fold cross-validation: one run per fold in RUN_DIR/fold-N, means in RUN_DIR/result.json.")
    /// The fold used as test set (0-based).
    public static let fold = DataOption("fold", key: "fold", .integer(0...Int.max),
                                        help: "With --folds K: run only fold N (0-based) as one run, as a sweep over folds does.")
    /// Seed of the split and the folds.
    public static let splitSeed = DataOption("split-seed", key: "splitSeed", .integer(0...Int.max),
                                             help: "Seed of the split and the folds (default 0).")
    /// Count and skip malformed records instead of refusing the file.
    public static let skipBadLines = DataOption("skip-bad-lines", key: "skipBadLines", .flag,
                                                help: "Skip malformed lines (counting them) instead of refusing the file.")
    /// Classification, or rating prediction from numeric labels.
    public static let task = DataOption("task", key: "task", .choice(["classification", "rating"]),
                                        help: "classification, or rating (numeric labels: softmax over the ratings, expected rating, RMSE).")
    /// Terms in a text dataset's vocabulary.
    public static let vocabulary = DataOption("vocabulary", key: "vocabularySize", .integer(1...10_000_000),
                                              help: "Text: terms in the vocabulary (default: 5000, the paper's).")
    /// Binary or count features of a bag of words.
    public static let features = DataOption("features", key: "features", .choice(["binary", "counts"]),
                                            help: "Text: binary (default, the paper's) or counts.")
    /// A vocabulary file to read text with, instead of building one (a trained model's).
    public static let vocabularyFile = DataOption("vocabulary-file", key: "vocabularyFile", .text,
                                                  help: "Text: read the documents with this vocabulary (one term per line) instead of building one.")
    /// The column of a table holding the label.
    public static let labelColumn = DataOption("label-column", key: "labelColumn", .text,
                                               help: "The column holding the label, by name or 0-based index.")

    /// What every dataset that comes as one labelled file reads: the split and the folds.
    public static let singleFileSplit: [DataOption] = [validation, testFraction, folds, fold, splitSeed]
    /// What every bag-of-words dataset reads.
    public static let bagOfWords: [DataOption] = [task, vocabulary, features, vocabularyFile, skipBadLines]
}
