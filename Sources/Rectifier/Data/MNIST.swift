import Foundation

/// MNIST (LeCun, Cortes & Burges): 28x28 grey-level digits, 10 classes.
///
/// The paper's split: the first 50,000 training images for training, the last 10,000 for
/// validation, the 10,000 test images for testing. Pixels are scaled to [0, 1].
public enum MNIST {
    /// The four files, each accepted as `NAME`, `NAME.gz`, or with `.` before `idx` instead of `-`.
    static let files = (trainImages: "train-images-idx3-ubyte", trainLabels: "train-labels-idx1-ubyte",
                        testImages: "t10k-images-idx3-ubyte", testLabels: "t10k-labels-idx1-ubyte")

    /// Loads MNIST from `directory`, keeping the last `validationSize` training images for validation.
    public static func load(directory: String, validationSize: Int = 10_000, limit: Int = FileIO.defaultSizeLimit) throws -> DataSplits {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw FileError(directory, "no such directory (expected the four MNIST IDX files in it)")
        }
        let (trainImages, trainLabels) = try loadPair(directory, files.trainImages, files.trainLabels, limit: limit)
        let count = trainLabels.count
        guard validationSize >= 0, validationSize < count else {
            throw FileError(directory, "a validation set of \(validationSize) does not fit the \(count) training images")
        }
        let cut = count - validationSize
        let train = dataset(trainImages, trainLabels, 0..<cut, name: "mnist/train")
        let validation = dataset(trainImages, trainLabels, cut..<count, name: "mnist/validation")
        let (testImages, testLabels) = try loadPair(directory, files.testImages, files.testLabels, limit: limit)
        guard testImages.shape.dropFirst() == trainImages.shape.dropFirst() else {
            throw FileError(try locate(files.testImages, in: directory),
                            "test images are \(testImages.shape.dropFirst().map(String.init).joined(separator: "x")), "
                            + "training images \(trainImages.shape.dropFirst().map(String.init).joined(separator: "x"))")
        }
        return DataSplits(train: train, validation: validation,
                          test: dataset(testImages, testLabels, 0..<testLabels.count, name: "mnist/test"))
    }

    /// The MNIST subset shipped inside the package: 5,000 training, 1,000 validation and 2,000
    /// test images (the first 6,000 training and first 2,000 test images of MNIST).
    public static func loadEmbeddedSubset() throws -> DataSplits {
        try load(directory: embeddedSubsetDirectory, validationSize: 1_000)
    }

    /// Where the shipped subset lives (inside the package's resource bundle).
    public static var embeddedSubsetDirectory: String {
        Bundle.module.resourceURL!.appendingPathComponent("mnist-demo").path
    }

    /// The path of file `name` in `directory`, trying the usual spellings, or an error listing them.
    static func locate(_ name: String, in directory: String) throws -> String {
        let dotted = name.replacingOccurrences(of: "-idx", with: ".idx")
        let candidates = [name, name + ".gz", dotted, dotted + ".gz"].map { directory + "/" + $0 }
        if let found = candidates.first(where: { FileManager.default.fileExists(atPath: $0) }) { return found }
        throw FileError(directory, "missing MNIST file \(name) (also looked for \(name).gz and \(dotted))")
    }

    /// Reads and cross-checks an images file and its labels file.
    static func loadPair(_ directory: String, _ imagesName: String, _ labelsName: String, limit: Int) throws -> (IDXArray, IDXArray) {
        let imagesPath = try locate(imagesName, in: directory)
        let labelsPath = try locate(labelsName, in: directory)
        let images = try IDXArray.read(imagesPath, limit: limit)
        let labels = try IDXArray.read(labelsPath, limit: limit)
        guard images.shape.count == 3 else {
            throw FileError(imagesPath, "expected images of rank 3 (count x rows x columns), found shape \(images.shape)")
        }
        guard labels.shape.count == 1 else {
            throw FileError(labelsPath, "expected labels of rank 1, found shape \(labels.shape)")
        }
        guard images.count == labels.count else {
            throw FileError(labelsPath, "\(labels.count) labels for \(images.count) images in \(imagesPath)")
        }
        if let bad = labels.bytes.firstIndex(where: { $0 > 9 }) {
            throw FileError(labelsPath, "label \(labels.bytes[bad]) at index \(bad) is not a digit 0-9")
        }
        return (images, labels)
    }

    /// Images `range` as a dataset, pixels scaled to [0, 1], converted straight from the bytes.
    static func dataset(_ images: IDXArray, _ labels: IDXArray, _ range: Range<Int>, name: String) -> Dataset {
        let d = images.itemSize
        let scale: Float = 1 / 255
        let pixels = images.bytes[(range.lowerBound * d)..<(range.upperBound * d)].map { Float($0) * scale }
        return Dataset(name: name, features: Matrix(rows: range.count, columns: d, storage: pixels),
                       labels: labels.bytes[range].map(Int32.init), classes: 10, classNames: (0..<10).map(String.init))
    }
}
