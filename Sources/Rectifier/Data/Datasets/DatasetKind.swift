import Foundation

/// A dataset Rectifier knows by name: the files it reads, the options it takes, the split and
/// preprocessing of the paper, the input shape and classes, where it comes from. `--dataset
/// NAME` and `DataReference` look it up in `Datasets.all`; each dataset is one file in this
/// folder, and nothing outside it names the dataset.
public protocol DatasetKind: Sendable {
    /// The name used on the command line (`mnist`, `cifar10`, ...).
    var name: String { get }
    /// One line: what the data is.
    var title: String { get }
    /// The files `load` reads from its directory.
    var files: [String] { get }
    /// Training / validation / test split, in words.
    var split: String { get }
    /// What is done to the raw values, in words.
    var preprocessing: String { get }
    /// Channels x height x width of an input, when the inputs are images.
    var shape: ImageShape? { get }
    /// Size of the published download, in words (nil: nothing to download).
    var downloadSize: String? { get }
    /// Who made the data, its license and the paper to cite.
    var source: String { get }
    /// The published files and their checksums, for `rectifier datasets download` (nil: the
    /// publisher gives no checksums to check a download against).
    var download: DownloadManifest? { get }
    /// The options it reads besides its directory (`DataReference` refuses any other).
    var options: [DataOption] { get }
    /// What its inputs are.
    var inputKind: InputKind { get }
    /// A small copy of the data inside the package, read when no directory is given (nil: none).
    var shippedSubset: String? { get }
    /// Extensions (without the dot, lower case) of a `--data-file` that names this dataset when
    /// no `--dataset` is given, and the options that must be given too (`text-csv` takes a
    /// `.csv` only with `--text-column`).
    var fileExtensions: [String] { get }
    var optionsThatClaimFiles: [DataOption] { get }
    /// The paper's hidden layers for this dataset (NORB: 4000-2000; else 1000-1000-1000).
    var paperHiddenLayers: [Int] { get }
    /// Whether training images are perturbed anew in every epoch (NISTP).
    var perturbsTrainingImages: Bool { get }
    /// Images: how a raw value of the files (a grey level, 0 to 255) becomes an input,
    /// `offset + scale * value`; what `predict` applies to rows of raw values. Nil otherwise.
    var rawScaling: (offset: Float, scale: Float)? { get }
    /// A `UsageError` naming the first value of `reference`'s options that cannot work
    /// together (each value alone is checked by its option).
    func validate(_ reference: DataReference) throws
    /// Whether `directory` holds the files `load` needs.
    func isPresent(in directory: String) -> Bool
    /// Reads and splits the data named by `reference` (its directory is given), within `limits`.
    func load(_ reference: DataReference, directory: String, limits: Limits) throws -> DataSplits
}

extension DatasetKind {
    public var download: DownloadManifest? { nil }
    public var options: [DataOption] { [.validation] }
    public var shippedSubset: String? { nil }
    public var fileExtensions: [String] { [] }
    public var optionsThatClaimFiles: [DataOption] { [] }
    public var paperHiddenLayers: [Int] { [1000, 1000, 1000] }
    public var perturbsTrainingImages: Bool { false }
    public var rawScaling: (offset: Float, scale: Float)? { inputKind == .images ? (0, 1 / 255) : nil }
    public func validate(_ reference: DataReference) throws {}
}

/// What a dataset's inputs are, which decides their defaults downstream.
public enum InputKind: Sendable {
    /// Images with a fixed scaling of their grey levels.
    case images
    /// Bags of words (sparse; pre-trained with sigmoid + cross-entropy reconstruction).
    case text
    /// Columns of numbers (a table, NumPy arrays).
    case table
}

/// The shape of an image input: `channels x height x width` values, channel-major.
public struct ImageShape: Codable, Equatable, Sendable, CustomStringConvertible {
    public var channels: Int
    public var height: Int
    public var width: Int

    public init(channels: Int, height: Int, width: Int) {
        self.channels = channels
        self.height = height
        self.width = width
    }

    /// Values per image.
    public var count: Int { channels * height * width }

    /// e.g. `1x28x28`.
    public var description: String { "\(channels)x\(height)x\(width)" }
}

/// Every dataset Rectifier knows.
public enum Datasets {
    /// In the order `rectifier datasets list` shows them.
    public static let all: [any DatasetKind] = [MNISTDataset(), IDXDataset(), CIFAR10Dataset(), NORBSmallDataset(), NORBDataset(),
                                                EMNISTDataset(), NISTPDataset(), AmazonSentimentDataset(),
                                                AmazonSentimentDataset(raw: true), TextCSVDataset(), SVMLightDataset(), CSVDataset(),
                                                NumPyDataset()]

    /// The dataset called `name` (case-insensitive), or nil.
    public static func named(_ name: String) -> (any DatasetKind)? {
        all.first { $0.name == name.lowercased() }
    }

    /// Every option any dataset reads, each once.
    public static let allOptions: [DataOption] = {
        var seen = Set<String>()
        return all.flatMap(\.options).filter { seen.insert($0.name).inserted }
    }()

    /// The dataset a `--data-file` names by its extension (`.gz` aside) when no `--dataset` is
    /// given, `given` being the options set; a `UsageError` naming the choices otherwise.
    public static func forFile(_ path: String, given: Set<String>) throws -> any DatasetKind {
        var name = path.lowercased()
        if name.hasSuffix(".gz") { name.removeLast(3) }
        let ext = name.split(separator: "/").last.flatMap { $0.contains(".") ? $0.split(separator: ".").last : nil }.map(String.init) ?? ""
        let candidates = all.filter { $0.fileExtensions.contains(ext) && $0.optionsThatClaimFiles.allSatisfy { given.contains($0.name) } }
        // The most specific claim wins: text-csv (a .csv with --text-column) over csv.
        if let best = candidates.max(by: { $0.optionsThatClaimFiles.count < $1.optionsThatClaimFiles.count }) { return best }
        let choices = all.filter { !$0.fileExtensions.isEmpty }.map { kind in
            kind.fileExtensions.map { "." + $0 }.joined(separator: "/")
                + (kind.optionsThatClaimFiles.isEmpty ? "" : " with " + kind.optionsThatClaimFiles.map(\.description).joined(separator: ", "))
                + " → \(kind.name)"
        }
        throw UsageError("\(path): cannot tell the dataset from the file name (\(choices.joined(separator: "; "))); "
            + "name it with --dataset NAME")
    }

    /// The names, comma-separated (for help texts and errors).
    public static var names: String { all.map(\.name).joined(separator: ", ") }

    /// Where a dataset's files are looked for when no directory is given: `data/NAME` under
    /// the current directory (`rectifier datasets download` puts them there).
    public static func defaultDirectory(for name: String) -> String { "data/\(name.lowercased())" }
}
