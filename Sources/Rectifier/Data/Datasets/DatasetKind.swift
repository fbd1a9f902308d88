import Foundation

/// A dataset Rectifier knows by name: the files it reads, the split and preprocessing of the
/// paper, the input shape and classes, where it comes from. `--dataset NAME` and
/// `DataReference` look it up in `Datasets.all`; each dataset is one file in this folder.
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
    /// Whether `directory` holds the files `load` needs.
    func isPresent(in directory: String) -> Bool
    /// Reads and splits the data named by `reference` (its directory is given), reading no file
    /// larger than `limit` bytes.
    func load(_ reference: DataReference, directory: String, limit: Int) throws -> DataSplits
}

extension DatasetKind {
    public var download: DownloadManifest? { nil }
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
                                                AmazonSentimentDataset(raw: true), TextCSVDataset(), SVMLightDataset()]

    /// The dataset called `name` (case-insensitive), or nil.
    public static func named(_ name: String) -> (any DatasetKind)? {
        all.first { $0.name == name.lowercased() }
    }

    /// The names, comma-separated (for help texts and errors).
    public static var names: String { all.map(\.name).joined(separator: ", ") }

    /// Where a dataset's files are looked for when no directory is given: `data/NAME` under
    /// the current directory (`rectifier datasets download` puts them there).
    public static func defaultDirectory(for name: String) -> String { "data/\(name.lowercased())" }
}
