import Foundation

/// EMNIST ByClass (Cohen, Afshar, Tapson & van Schaik 2017): the NIST SD19 characters of the
/// paper's NISTP, 62 classes (digits, upper and lower case), as gzip IDX files stored
/// transposed (read upright) with `emnist-byclass-mapping.txt`. Split: the training file
/// minus its last 80,000 images (the paper's NISTP validation size) / those 80,000 / the test
/// file. 28x28 images centred on 32x32 (the paper's NISTP size), pixels / 255, kept as bytes.
public struct EMNISTDataset: DatasetKind {
    public init() {}
    public var name: String { "emnist-byclass" }
    public var title: String { "EMNIST ByClass handwritten characters (NIST SD19), 1x32x32, 62 classes" }
    public var files: [String] {
        let f = EMNIST.fileNames(split: "byclass")
        return [f.trainImages, f.trainLabels, f.testImages, f.testLabels, f.mapping]
    }
    public var split: String { "training file minus 80,000 / 80,000 / test file (697,932 - 80,000 / 80,000 / 116,323)" }
    public var preprocessing: String { "28x28 centred on 32x32, pixels / 255 in [0, 1]" }
    public var shape: ImageShape? { ImageShape(channels: 1, height: 32, width: 32) }
    public var downloadSize: String? { "562 MB (gzip.zip of all EMNIST splits; unpack the byclass files)" }
    public var source: String { "Gregory Cohen et al., EMNIST: an extension of MNIST to handwritten letters, 2017; NIST SD19 (public domain)" }
    public var inputKind: InputKind { .images }

    public func isPresent(in directory: String) -> Bool {
        files.allSatisfy { name in
            [name, name.hasSuffix(".gz") ? String(name.dropLast(3)) : name].contains {
                FileManager.default.fileExists(atPath: directory + "/" + $0)
            }
        }
    }

    public func load(_ reference: DataReference, directory: String, limits: Limits) throws -> DataSplits {
        try Self.load(reference, directory: directory, limit: limits.fileBytes, name: name)
    }

    /// The split EMNIST ByClass files, their datasets named `name/train` and so on.
    static func load(_ reference: DataReference, directory: String, limit: Int, name: String) throws -> DataSplits {
        let files = try EMNIST.readByClass(directory: directory, limit: limit)
        guard files.trainImages.shape.dropFirst() == [28, 28], files.testImages.shape.dropFirst() == [28, 28] else {
            throw FileError(directory, "EMNIST images are 28x28; these are \(files.trainImages.shape.dropFirst().map(String.init).joined(separator: "x"))")
        }
        let pad = try ImagePadding(sourceHeight: 28, sourceWidth: 28, targetHeight: 32, targetWidth: 32)
        let trainCount = files.trainLabels.count
        let validation = reference.validation ?? min(80_000, trainCount / 6)
        guard validation >= 0, validation < trainCount else {
            throw FileError(directory, "a validation set of \(validation) does not fit the \(trainCount) training images")
        }
        let cut = trainCount - validation
        func dataset(_ images: IDXArray, _ labels: [UInt8], _ range: Range<Int>, _ part: String) -> Dataset {
            let pixels = pad.apply(Array(images.bytes[(range.lowerBound * 784)..<(range.upperBound * 784)]))
            return Dataset(name: "\(name)/\(part)", inputs: .bytes(ByteMatrix(rows: range.count, columns: 1024, bytes: pixels, scale: 1 / 255)),
                           labels: labels[range].map(Int32.init), classes: EMNIST.byClassClasses, classNames: files.classNames)
        }
        return DataSplits(train: dataset(files.trainImages, files.trainLabels, 0..<cut, "train"),
                          validation: dataset(files.trainImages, files.trainLabels, cut..<trainCount, "validation"),
                          test: dataset(files.testImages, files.testLabels, 0..<files.testLabels.count, "test"))
    }
}
