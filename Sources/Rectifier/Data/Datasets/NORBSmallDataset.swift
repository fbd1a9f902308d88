/// Small NORB (LeCun, Huang & Bottou 2004): stereo pairs of 96x96 toy images, 5 categories,
/// 24,300 training and 24,300 test pairs. Split: the training file minus its last 4,860 pairs
/// / those 4,860 / the test file. Each pair shrunk to 2x32x32 by area averaging (rounded to
/// whole grey levels) and scaled linearly to [-1, 1].
public struct NORBSmallDataset: DatasetKind {
    public init() {}
    public var name: String { "norb-small" }
    public var title: String { "small NORB stereo toy images, 2x32x32 (from 2x96x96), 5 classes" }
    static let training = "smallnorb-5x46789x9x18x6x2x96x96-training"
    static let testing = "smallnorb-5x01235x9x18x6x2x96x96-testing"
    public var files: [String] {
        [Self.training, Self.testing].flatMap { stem in ["dat", "cat", "info"].map { "\(stem)-\($0).mat[.gz]" } }
    }
    public var split: String { "19,440 / 4,860 / 24,300" }
    public var preprocessing: String { "2x96x96 → 2x32x32 by area averaging, linearly to [-1, 1]" }
    public var shape: ImageShape? { ImageShape(channels: 2, height: 32, width: 32) }
    public var downloadSize: String? { "about 250 MB (six .mat.gz files)" }
    public var source: String { "Yann LeCun, Fu Jie Huang, Léon Bottou, CVPR 2004 (free for research)" }
    public var inputKind: InputKind { .images }
    public var rawScaling: (offset: Float, scale: Float)? { (-1, 2 / 255) }

    public func isPresent(in directory: String) -> Bool {
        [Self.training, Self.testing].allSatisfy { stem in
            ["dat", "cat", "info"].allSatisfy { (try? NORBFiles.locate("\(stem)-\($0).mat", in: directory)) != nil }
        }
    }

    static func triple(_ stem: String, in directory: String) throws -> NORBFiles.Triple {
        NORBFiles.Triple(dat: try NORBFiles.locate(stem + "-dat.mat", in: directory),
                         cat: try NORBFiles.locate(stem + "-cat.mat", in: directory),
                         info: try NORBFiles.locate(stem + "-info.mat", in: directory))
    }

    public func load(_ reference: DataReference, directory: String, limits: Limits) throws -> DataSplits {
        let limit = limits.fileBytes
        var train: ([UInt8], [Int32]) = ([], []), test: ([UInt8], [Int32]) = ([], [])
        try NORBFiles.read([Self.triple(Self.training, in: directory)], size: 96, classes: 5, limit: limit,
                           pixels: &train.0, labels: &train.1)
        try NORBFiles.read([Self.triple(Self.testing, in: directory)], size: 96, classes: 5, limit: limit,
                           pixels: &test.0, labels: &test.1)
        return try NORBDataset.split(train: train, test: test, validation: reference.validation ?? min(4_860, train.1.count / 5),
                                     classes: 5, name: name, directory: directory)
    }
}
