import Foundation

/// Which data a run uses: a dataset of the registry by name, where its files are, and the
/// values of the options that dataset reads (`DatasetKind.options`).
///
/// A value, recorded in every run's specification, so that a run can be repeated or resumed
/// from its directory alone. In JSON it is one flat object: `dataset`, `directory`, and each
/// option under its key (`{"dataset": "amazon-sentiment", "domain": "books"}`).
public struct DataReference: Codable, Equatable, Sendable, CustomStringConvertible {
    /// Dataset name, one of `Datasets.all`.
    public var dataset: String
    /// Directory holding the dataset's files; nil: the dataset's shipped subset when it has one
    /// (MNIST's), else `data/NAME`.
    public var directory: String?
    /// The options set, by option name. Set them through the subscript, which checks values.
    public private(set) var options: [String: DataValue] = [:]

    /// A reference to `dataset` (default the registry's first, MNIST) in `directory`, with no
    /// option set.
    public init(dataset: String = Datasets.all[0].name, directory: String? = nil, validation: Int? = nil) {
        self.dataset = dataset
        self.directory = directory
        self.validation = validation
    }

    /// A reference with options given as text (from the command line or a sweep file), by
    /// option name: each is parsed and checked, and one the dataset does not read is refused.
    public init(dataset: String, directory: String?, arguments: [String: String]) throws {
        self.init(dataset: dataset, directory: directory)
        let kind = try self.kind
        // In the options' order, so that --folds is named before the --fold it implies.
        let order = Dictionary(uniqueKeysWithValues: Datasets.allOptions.enumerated().map { ($1.name, $0) })
        for (name, text) in arguments.sorted(by: { (order[$0.key] ?? .max, $0.key) < (order[$1.key] ?? .max, $1.key) }) {
            guard let option = kind.options.first(where: { $0.name == name }) else {
                throw UsageError(Self.notRead(name, by: kind))
            }
            options[name] = try option.parse(text)
        }
    }

    /// The value of `option`, or nil. Setting a value the option does not take is a
    /// programming error; values from users go through `init(dataset:directory:arguments:)`.
    public subscript(option: DataOption) -> DataValue? {
        get { options[option.name] }
        set {
            if let newValue { precondition((try? option.check(newValue)) != nil, "\(option): invalid value \(newValue)") }
            options[option.name] = newValue
        }
    }

    /// Text and choice options.
    public func text(_ option: DataOption) -> String? {
        if case .text(let s) = self[option] { s } else { nil }
    }
    /// Whole-number options.
    public func integer(_ option: DataOption) -> Int? {
        if case .integer(let n) = self[option] { n } else { nil }
    }
    /// Number options.
    public func number(_ option: DataOption) -> Double? {
        switch self[option] {
        case .number(let x): x
        case .integer(let n): Double(n)
        default: nil
        }
    }
    /// Flags: true when given.
    public func flag(_ option: DataOption) -> Bool {
        if case .flag(true) = self[option] { true } else { false }
    }

    /// The options every single-file dataset and the text pipeline read, by name.
    public var validation: Int? {
        get { integer(.validation) }
        set { self[.validation] = newValue.map { .integer($0) } }
    }
    public var dataFile: String? {
        get { text(.dataFile) }
        set { self[.dataFile] = newValue.map { .text($0) } }
    }
    public var folds: Int? {
        get { integer(.folds) }
        set { self[.folds] = newValue.map { .integer($0) } }
    }
    public var fold: Int? {
        get { integer(.fold) }
        set { self[.fold] = newValue.map { .integer($0) } }
    }
    public var vocabularyFile: String? {
        get { text(.vocabularyFile) }
        set { self[.vocabularyFile] = newValue.map { .text($0) } }
    }

    /// The registry's dataset of this name; a `UsageError` listing the known ones otherwise.
    public var kind: any DatasetKind {
        get throws {
            guard let kind = Datasets.named(dataset) else {
                throw UsageError("unknown dataset '\(dataset)' (known: \(Datasets.names))")
            }
            return kind
        }
    }

    /// A `UsageError` for an unknown dataset, an option it does not read, or a value it does
    /// not take.
    public func validate() throws {
        let kind = try self.kind
        for (name, value) in options.sorted(by: { $0.key < $1.key }) {
            guard let option = kind.options.first(where: { $0.name == name }) else {
                throw UsageError(Self.notRead(name, by: kind))
            }
            try option.check(value)
        }
        if let folds {
            guard let fold, (0..<folds).contains(fold) else { throw UsageError("--fold must be in 0..<\(folds)") }
        } else if fold != nil {
            throw UsageError("--fold needs the number of folds (--folds K)")
        }
        try kind.validate(self)
    }

    static func notRead(_ name: String, by kind: any DatasetKind) -> String {
        let read = kind.options.map(\.description)
        return "--\(name) is not an option of the \(kind.name) dataset ("
            + (read.isEmpty ? "it reads none" : "it reads \(read.joined(separator: ", "))") + ")"
    }

    /// Reads the dataset's files (from `directory`, or from `overrideDirectory` when the files
    /// have moved) within `limits`, and splits them into training, validation and test sets.
    /// Tables and arrays are standardised (unless `--standardize off`): with `standardization`
    /// when given (a trained model's), else with the training part's statistics. A split
    /// without test examples is refused.
    public func load(limits: Limits = Limits(), overrideDirectory: String? = nil,
                     standardization given: Standardization? = nil) throws -> DataSplits {
        try validate()
        let kind = try self.kind
        var splits = try kind.load(self, directory: resolvedDirectory(override: overrideDirectory), limits: limits)
        guard splits.test.count > 0 else {
            throw UsageError("\(self): the split leaves no test examples (\(splits.train.count) training, "
                + "\(splits.validation.count) validation); give more data or a larger --test-fraction")
        }
        if kind.inputKind == .table && text(.standardize) != "off" {
            let s = given ?? Standardization(fitting: splits.train.inputs.densified())
            splits.train.inputs = s.apply(to: splits.train.inputs)
            splits.validation.inputs = s.apply(to: splits.validation.inputs)
            splits.test.inputs = s.apply(to: splits.test.inputs)
            splits.standardization = s
        }
        return splits
    }

    /// Where the files are read from: the directory given, else the shipped subset, else `data/NAME`.
    public func resolvedDirectory(override: String? = nil) throws -> String {
        if let dir = override ?? directory { return dir }
        return try kind.shippedSubset ?? Datasets.defaultDirectory(for: dataset)
    }

    /// Whether the data is the small copy shipped inside the package.
    public var isShippedSubset: Bool {
        directory == nil && dataFile == nil && (try? kind.shippedSubset) != nil
    }

    /// e.g. `mnist (path/to/mnist)`, `mnist (shipped subset)`, `csv (iris.csv)`.
    public var description: String {
        let place = dataFile ?? directory ?? (isShippedSubset ? "shipped subset" : Datasets.defaultDirectory(for: dataset))
        let set = options.keys.sorted().filter { $0 != DataOption.dataFile.name }.map { "--\($0) \(options[$0]!)" }
        return "\(dataset) (\(place))" + (set.isEmpty ? "" : " " + set.joined(separator: " "))
    }

    // A flat JSON object: dataset, directory, and each option under its key.
    struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(_ string: String) { stringValue = string }
        init?(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: Key.self)
        dataset = try c.decode(String.self, forKey: Key("dataset"))
        directory = try c.decodeIfPresent(String.self, forKey: Key("directory"))
        let known = Datasets.allOptions
        for key in c.allKeys where key.stringValue != "dataset" && key.stringValue != "directory" {
            guard let option = known.first(where: { $0.key == key.stringValue }) else {
                throw DecodingError.dataCorruptedError(forKey: key, in: c, debugDescription: "unknown data setting '\(key.stringValue)'")
            }
            var value = try c.decode(DataValue.self, forKey: key)
            if case .number = option.kind, case .integer(let n) = value { value = .number(Double(n)) }
            do { try option.check(value) } catch {
                throw DecodingError.dataCorruptedError(forKey: key, in: c, debugDescription: "\(error)")
            }
            options[option.name] = value
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: Key.self)
        try c.encode(dataset, forKey: Key("dataset"))
        try c.encodeIfPresent(directory, forKey: Key("directory"))
        let known = Datasets.allOptions
        for (name, value) in options {
            let key = known.first { $0.name == name }?.key ?? name
            try c.encode(value, forKey: Key(key))
        }
    }
}
