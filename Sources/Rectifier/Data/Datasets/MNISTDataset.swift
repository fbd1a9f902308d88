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

    public var download: DownloadManifest? { .mnist }

    public func isPresent(in directory: String) -> Bool { IDXImageSet.isPresent(in: directory) }

    public func load(_ reference: DataReference, directory: String, limit: Int) throws -> DataSplits {
        try IDXImageSet.load(directory: directory, validation: reference.validation ?? 10_000, classes: 10, name: name, limit: limit)
    }
}

extension MNISTDataset {
    /// Loads MNIST from `directory`, keeping the last `validationSize` training images for validation.
    public static func load(directory: String, validationSize: Int = 10_000, limit: Int = FileIO.defaultSizeLimit) throws -> DataSplits {
        try IDXImageSet.load(directory: directory, validation: validationSize, classes: 10, name: "mnist", limit: limit)
    }

    /// The MNIST subset shipped inside the package: 5,000 training, 1,000 validation and 2,000
    /// test images (the first 6,000 training and first 2,000 test images of MNIST).
    public static func loadShippedSubset() throws -> DataSplits {
        try load(directory: shippedSubsetDirectory, validationSize: 1_000)
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

    public func load(_ reference: DataReference, directory: String, limit: Int) throws -> DataSplits {
        try IDXImageSet.load(directory: directory, validation: reference.validation, classes: nil, name: name, limit: limit)
    }
}
