import Foundation

/// Your own NumPy arrays: inputs X (`n x ...`, flattened to one row per example) and labels y
/// (`n` numbers or strings), from `--data-file X.npy --labels-file y.npy`, a directory holding
/// `X.npy` and `y.npy` (`--data-dir`), or an `.npz` archive with arrays `x` and `y`
/// (`--x-key`, `--y-key`). Split and standardised as a CSV table.
public struct NumPyDataset: DatasetKind {
    public init() {}
    public var name: String { "numpy" }
    public var title: String { "your NumPy arrays: X and y as .npy files, or one .npz (--data-file, --labels-file)" }
    public var files: [String] { ["X.npy and y.npy", "or --data-file X.npy --labels-file y.npy", "or --data-file data.npz (x, y)"] }
    public var split: String { "stratified 70% / 10% / 20% (--test-fraction, --validation), or --folds K" }
    public var preprocessing: String { "each feature standardised by the training part's mean and standard deviation (--standardize off: as given)" }
    public var shape: ImageShape? { nil }
    public var downloadSize: String? { nil }
    public var source: String { "your own arrays" }
    public var inputKind: InputKind { .table }
    public var options: [DataOption] { [.dataFile, .labelsFile, .xKey, .yKey, .task, .standardize] + DataOption.singleFileSplit }
    public var fileExtensions: [String] { ["npy", "npz"] }
    public func isPresent(in directory: String) -> Bool {
        FileManager.default.fileExists(atPath: directory + "/X.npy") && FileManager.default.fileExists(atPath: directory + "/y.npy")
    }

    public func validate(_ reference: DataReference) throws {
        guard let file = reference.dataFile else {
            if reference.directory == nil { throw UsageError("\(name) needs --data-file (X.npy or data.npz) or --data-dir DIR with X.npy and y.npy") }
            return
        }
        let isArchive = file.lowercased().hasSuffix(".npz")
        if isArchive && reference.text(.labelsFile) != nil { throw UsageError("an .npz holds its labels: --y-key names them, not --labels-file") }
        if !isArchive && reference.text(.labelsFile) == nil { throw UsageError("\(file): give the labels with --labels-file y.npy") }
        if !isArchive && (reference.text(.xKey) != nil || reference.text(.yKey) != nil) { throw UsageError("--x-key and --y-key name arrays of an .npz") }
    }

    public func load(_ reference: DataReference, directory: String, limits: Limits) throws -> DataSplits {
        let (x, y, source): (NumPyArray, NumPyArray, String)
        if let file = reference.dataFile, file.lowercased().hasSuffix(".npz") {
            x = try NumPyArray.read(file, key: reference.text(.xKey) ?? "x", limits: limits)
            y = try NumPyArray.read(file, key: reference.text(.yKey) ?? "y", limits: limits)
            source = file
        } else if let file = reference.dataFile {
            x = try NumPyArray.read(file, limits: limits)
            y = try NumPyArray.read(reference.text(.labelsFile)!, limits: limits)
            source = file
        } else {
            x = try NumPyArray.read(directory + "/X.npy", limits: limits)
            y = try NumPyArray.read(directory + "/y.npy", limits: limits)
            source = directory + "/X.npy"
        }
        guard x.shape.count >= 2, x.shape[0] > 0, x.count > 0 else {
            throw FileError(source, "X has shape \(x.shape): it needs one row per example (n x features, or n x h x w ...)")
        }
        let n = x.shape[0]
        guard y.shape == [n] || y.shape == [n, 1] else {
            throw FileError(source, "y has shape \(y.shape); X has \(n) examples, so y must be (\(n),) or (\(n), 1)")
        }
        guard case .numbers(let values) = x.values else { throw FileError(source, "X holds strings; it must hold numbers") }
        let labels: [String]
        switch y.values {
        case .strings(let s): labels = s
        case .numbers(let v): labels = v.map { $0 == $0.rounded() && abs($0) < 1e7 ? String(Int($0)) : String($0) }
        }
        return try TableSplits.make(features: .dense(Matrix(rows: n, columns: x.count / n, storage: values)), labels: labels,
                                    reference: reference, name: name, source: source, limits: limits)
    }
}

extension DataOption {
    /// NumPy: the labels' `.npy` file beside `--data-file X.npy`.
    public static let labelsFile = DataOption("labels-file", key: "labelsFile", .text, help: "numpy: the labels (y.npy) beside --data-file X.npy.")
    /// NumPy: the inputs' array in an `.npz`.
    public static let xKey = DataOption("x-key", key: "xKey", .text, help: "numpy: the inputs' array in an .npz archive (default x).")
    /// NumPy: the labels' array in an `.npz`.
    public static let yKey = DataOption("y-key", key: "yKey", .text, help: "numpy: the labels' array in an .npz archive (default y).")
}
