import Foundation

/// CIFAR-10 (Krizhevsky 2009), 32x32 RGB images of 10 classes, from its binary version: a
/// directory holding `data_batch_1.bin` ... `data_batch_5.bin`, `test_batch.bin` and
/// `batches.meta.txt`, or holding `cifar-10-binary.tar.gz` itself (read from the archive, never
/// unpacked). The paper's split: the 50,000 training images for training, the test batch halved
/// (its first 5,000 images for validation, the last 5,000 for testing). With `validation` N
/// the last N training images validate instead and the whole test batch tests. Pixels / 255,
/// channel-major (3x32x32), kept as bytes.
public struct CIFAR10Dataset: DatasetKind {
    public init() {}
    public var name: String { "cifar10" }
    public var title: String { "CIFAR-10 tiny images, 3x32x32 RGB, 10 classes" }
    public static let archive = "cifar-10-binary.tar.gz"
    public var files: [String] {
        CIFAR10Binary.trainingFiles + [CIFAR10Binary.testFile, CIFAR10Binary.metaFile] + ["or \(Self.archive)"]
    }
    public var split: String { "50,000 / 5,000 / 5,000 (the test batch halved)" }
    public var preprocessing: String { "pixels / 255, in [0, 1], channel-major 3x32x32" }
    public var shape: ImageShape? { ImageShape(channels: 3, height: 32, width: 32) }
    public var downloadSize: String? { "163 MB (cifar-10-binary.tar.gz)" }
    public var source: String { "Alex Krizhevsky, Learning Multiple Layers of Features from Tiny Images, 2009 (free for research)" }
    public var inputKind: InputKind { .images }

    public var download: DownloadManifest? { .cifar10 }

    public func isPresent(in directory: String) -> Bool {
        let fm = FileManager.default
        return fm.fileExists(atPath: directory + "/" + Self.archive)
            || (CIFAR10Binary.trainingFiles + [CIFAR10Binary.testFile, CIFAR10Binary.metaFile]).allSatisfy {
                fm.fileExists(atPath: directory + "/" + $0)
            }
    }

    public func load(_ reference: DataReference, directory: String, limits: Limits) throws -> DataSplits {
        let limit = limits.fileBytes
        let archive = directory + "/" + Self.archive
        let files = FileManager.default.fileExists(atPath: directory + "/" + CIFAR10Binary.testFile) || !FileManager.default.fileExists(atPath: archive)
            ? try CIFAR10Binary.read(directory: directory)
            : try CIFAR10Binary.read(archive: archive, limit: limit)
        let width = 3 * 32 * 32
        var trainPixels: [UInt8] = []
        var trainLabels: [Int32] = []
        for batch in files.training {
            trainPixels += batch.pixels
            trainLabels += batch.labels.map(Int32.init)
        }
        let testLabels = files.test.labels.map(Int32.init)
        func dataset(_ pixels: ArraySlice<UInt8>, _ labels: ArraySlice<Int32>, _ part: String) -> Dataset {
            Dataset(name: "cifar10/\(part)", inputs: .bytes(ByteMatrix(rows: labels.count, columns: width, bytes: Array(pixels), scale: 1 / 255)),
                    labels: Array(labels), classes: 10, classNames: files.classNames)
        }
        let trainCount = trainLabels.count
        if let validation = reference.validation {
            guard validation >= 0, validation < trainCount else {
                throw FileError(directory, "a validation set of \(validation) does not fit the \(trainCount) training images")
            }
            let cut = trainCount - validation
            return DataSplits(train: dataset(trainPixels[..<(cut * width)], trainLabels[..<cut], "train"),
                              validation: dataset(trainPixels[(cut * width)...], trainLabels[cut...], "validation"),
                              test: dataset(files.test.pixels[...], testLabels[...], "test"))
        }
        let half = testLabels.count / 2
        return DataSplits(train: dataset(trainPixels[...], trainLabels[...], "train"),
                          validation: dataset(files.test.pixels[..<(half * width)], testLabels[..<half], "validation"),
                          test: dataset(files.test.pixels[(half * width)...], testLabels[half...], "test"))
    }
}

extension DownloadManifest {
    /// CIFAR-10's binary version as its author publishes it, with the published MD5.
    public static let cifar10 = DownloadManifest(
        dataset: CIFAR10Dataset().name,
        baseURL: URL(string: "https://www.cs.toronto.edu/~kriz/")!,
        files: [RemoteFile(name: "cifar-10-binary.tar.gz", size: 170_052_171, md5: "c32a1d4ab5d03f1284b67883e8d87530")])
}
