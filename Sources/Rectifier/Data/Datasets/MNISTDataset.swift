import Foundation

/// MNIST as the paper uses it: the first 50,000 training images for training, the last 10,000
/// for validation, the 10,000 test images for testing; pixels scaled to [0, 1]. Without a
/// directory, the 6,000 + 2,000 image subset shipped with the package (5,000 / 1,000 / 2,000).
public struct MNISTDataset: DatasetKind {
    public init() {}
    public var name: String { "mnist" }
    public var title: String { "MNIST handwritten digits, 28x28 grey levels, 10 classes" }
    public var files: [String] {
        [IDXImageSet.files.trainImages, IDXImageSet.files.trainLabels, IDXImageSet.files.testImages, IDXImageSet.files.testLabels]
            .map { $0 + "[.gz]" }
    }
    public var split: String { "50,000 / 10,000 / 10,000" }
    public var preprocessing: String { "pixels / 255, in [0, 1]" }
    public var shape: ImageShape? { ImageShape(channels: 1, height: 28, width: 28) }
    public var downloadSize: String? { "11.6 MB (four .gz files)" }
    public var source: String { "Yann LeCun, Corinna Cortes, Christopher J. C. Burges; CC BY-SA 3.0" }
    public var inputKind: InputKind { .images }
    public var shippedSubset: String? { Self.shippedSubsetDirectory }

    public var download: DownloadManifest? { .mnist }

    public func isPresent(in directory: String) -> Bool { IDXImageSet.isPresent(in: directory) }

    public func load(_ reference: DataReference, directory: String, limits: Limits) throws -> DataSplits {
        let limit = limits.fileBytes
        let shipped = directory == Self.shippedSubsetDirectory
        let validation = reference.validation ?? (shipped ? Self.shippedValidation : Self.paperValidation)
        if !shipped && reference.validation == nil, let count = try? IDXImageSet.trainingCount(in: directory, limit: limit),
           count != Self.trainingImages {
            throw FileError(directory, "holds \(count) training images, not MNIST's \(Self.trainingImages) (whose last "
                + "\(Self.paperValidation) validate): for other IDX files use --dataset idx (the last sixth validates), "
                + "or give --validation N")
        }
        return try IDXImageSet.load(directory: directory, validation: validation, classes: 10, name: name, limits: limits)
    }
}

extension MNISTDataset {
    /// Loads MNIST from `directory`, keeping the last `validationSize` training images for validation.
    public static func load(directory: String, validationSize: Int = paperValidation, limit: Int = FileIO.defaultSizeLimit) throws -> DataSplits {
        try IDXImageSet.load(directory: directory, validation: validationSize, classes: 10, name: MNISTDataset().name,
                             limits: Limits(fileBytes: limit))
    }

    /// Images in MNIST's training file.
    public static let trainingImages = 60_000
    /// The paper's validation set: the last 10,000 training images.
    public static let paperValidation = 10_000
    /// The shipped subset's: the last 1,000 of its 6,000 training images.
    public static let shippedValidation = 1_000

    /// The MNIST subset shipped inside the package: 5,000 training, 1,000 validation and 2,000
    /// test images (the first 6,000 training and first 2,000 test images of MNIST).
    public static func loadShippedSubset() throws -> DataSplits {
        try load(directory: shippedSubsetDirectory, validationSize: shippedValidation)
    }

    /// Where the shipped subset lives (inside the package's resource bundle).
    public static var shippedSubsetDirectory: String {
        Bundle.module.resourceURL!.appendingPathComponent("mnist-demo").path
    }
}

/// Any four IDX files in MNIST's naming: any image size, any number of classes (the largest
/// label plus one) and of images. The last sixth of the training file is the validation set
/// unless `validation` says otherwise (MNIST's 10,000 of 60,000).
public struct IDXDataset: DatasetKind {
    public init() {}
    public var name: String { "idx" }
    public var title: String { "any IDX image set in MNIST's file naming (any size, any classes)" }
    public var files: [String] { MNISTDataset().files }
    public var split: String { "training file minus its last sixth / that sixth / test file" }
    public var preprocessing: String { "pixels / 255, in [0, 1]" }
    public var shape: ImageShape? { nil }
    public var downloadSize: String? { nil }
    public var source: String { "your own files" }

    public func isPresent(in directory: String) -> Bool { IDXImageSet.isPresent(in: directory) }

    public var inputKind: InputKind { .images }

    public func load(_ reference: DataReference, directory: String, limits: Limits) throws -> DataSplits {
        try IDXImageSet.load(directory: directory, validation: reference.validation, classes: nil, name: name, limits: limits)
    }
}

extension DownloadManifest {
    /// MNIST's four gzip files, as published with the dataset.
    ///
    /// The canonical site, yann.lecun.com/exdb/mnist, no longer serves them; the canonical base
    /// here is the mirror most tools use (torchvision's first choice), which serves the same
    /// bytes. MD5s are the published ones of the gzip files; the content SHA-256s are those of
    /// the uncompressed IDX files (checked against the copy in shared/data/mnist), so a mirror
    /// that recompressed the files still verifies.
    public static let mnist = DownloadManifest(
        dataset: MNISTDataset().name,
        baseURL: URL(string: "https://ossci-datasets.s3.amazonaws.com/mnist/")!,
        files: [
            RemoteFile(name: "train-images-idx3-ubyte.gz", size: 9_912_422,
                       md5: "f68b3c2dcbeaaa9fbdd348bbdeb94873",
                       contentSHA256: "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db"),
            RemoteFile(name: "train-labels-idx1-ubyte.gz", size: 28_881,
                       md5: "d53e105ee54ea40749a09fcbcd1e9432",
                       contentSHA256: "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5"),
            RemoteFile(name: "t10k-images-idx3-ubyte.gz", size: 1_648_877,
                       md5: "9fb629c4189551a2d022fa330f9573f3",
                       contentSHA256: "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7"),
            RemoteFile(name: "t10k-labels-idx1-ubyte.gz", size: 4_542,
                       md5: "ec29112dd5afa0611ce80d1b7f02629c",
                       contentSHA256: "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2"),
        ])
}
