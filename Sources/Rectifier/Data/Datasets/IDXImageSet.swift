import Foundation

/// Four IDX files in MNIST's naming (`train-images-idx3-ubyte`, `train-labels-idx1-ubyte`,
/// `t10k-images-idx3-ubyte`, `t10k-labels-idx1-ubyte`, each also as `.gz` or with `.idx` for
/// `-idx`): images of any size and labels of any number of classes, split into training,
/// validation (the end of the training file) and test sets, pixels scaled to [0, 1].
public enum IDXImageSet {
    /// The four files.
    public static let files = (trainImages: "train-images-idx3-ubyte", trainLabels: "train-labels-idx1-ubyte",
                               testImages: "t10k-images-idx3-ubyte", testLabels: "t10k-labels-idx1-ubyte")

    /// Loads the set in `directory`, keeping the last `validation` training images for
    /// validation (nil: the last sixth). `classes` fixes the number of classes (labels must be
    /// below it); nil takes the largest label plus one. `name` prefixes the splits' names.
    public static func load(directory: String, validation: Int?, classes: Int?, classNames: [String] = [], name: String,
                            limits: Limits = Limits()) throws -> DataSplits {
        let limit = limits.fileBytes
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw FileError(directory, "no such directory (expected the four IDX files \(files.trainImages) ... in it)")
        }
        // What the headers declare, held as bytes while read and as Float32 after: checked first.
        var declared = 0
        for file in [files.trainImages, files.testImages] {
            guard let path = try? locate(file, in: directory) else { continue }  // reported when the pair is read
            var input = try Gzip.open(path)
            declared += try IDXArray.readHeader(from: &input, limit: limit).shape.reduce(1, *)
        }
        try limits.checkMemory(5 * declared, for: "\(directory) (\(declared) pixels as the IDX headers declare)")
        let (trainImages, trainLabels) = try loadPair(directory, files.trainImages, files.trainLabels, classes: classes, limit: limit)
        let (testImages, testLabels) = try loadPair(directory, files.testImages, files.testLabels, classes: classes, limit: limit)
        guard testImages.shape.dropFirst() == trainImages.shape.dropFirst() else {
            throw FileError(try locate(files.testImages, in: directory),
                            "test images are \(testImages.shape.dropFirst().map(String.init).joined(separator: "x")), "
                            + "training images \(trainImages.shape.dropFirst().map(String.init).joined(separator: "x"))")
        }
        let count = trainLabels.count
        let validationSize = validation ?? count / 6
        guard validationSize >= 0, validationSize < count else {
            throw FileError(directory, "a validation set of \(validationSize) does not fit the \(count) training images")
        }
        let classCount = classes ?? Int(max(trainLabels.bytes.max() ?? 0, testLabels.bytes.max() ?? 0)) + 1
        let names = classNames.isEmpty ? (0..<classCount).map(String.init) : classNames
        let cut = count - validationSize
        func dataset(_ images: IDXArray, _ labels: IDXArray, _ range: Range<Int>, _ part: String) -> Dataset {
            let d = images.itemSize
            let scale: Float = 1 / 255
            let pixels = images.bytes[(range.lowerBound * d)..<(range.upperBound * d)].map { Float($0) * scale }
            return Dataset(name: "\(name)/\(part)", features: Matrix(rows: range.count, columns: d, storage: pixels),
                           labels: labels.bytes[range].map(Int32.init), classes: classCount, classNames: names)
        }
        return DataSplits(train: dataset(trainImages, trainLabels, 0..<cut, "train"),
                          validation: dataset(trainImages, trainLabels, cut..<count, "validation"),
                          test: dataset(testImages, testLabels, 0..<testLabels.count, "test"))
    }

    /// The number of training images `directory` holds, from the labels file's header alone.
    public static func trainingCount(in directory: String, limit: Int = FileIO.defaultSizeLimit) throws -> Int {
        var input = try Gzip.open(try locate(files.trainLabels, in: directory))
        return try IDXArray.readHeader(from: &input, limit: limit).shape.first ?? 0
    }

    /// The path of file `name` in `directory`, trying the usual spellings, or an error listing them.
    public static func locate(_ name: String, in directory: String) throws -> String {
        let dotted = name.replacingOccurrences(of: "-idx", with: ".idx")
        let candidates = [name, name + ".gz", dotted, dotted + ".gz"].map { directory + "/" + $0 }
        if let found = candidates.first(where: { FileManager.default.fileExists(atPath: $0) }) { return found }
        throw FileError(directory, "missing IDX file \(name) (also looked for \(name).gz and \(dotted))")
    }

    /// Whether `directory` holds the four files.
    public static func isPresent(in directory: String) -> Bool {
        [files.trainImages, files.trainLabels, files.testImages, files.testLabels].allSatisfy { (try? locate($0, in: directory)) != nil }
    }

    /// Reads and cross-checks an images file and its labels file.
    static func loadPair(_ directory: String, _ imagesName: String, _ labelsName: String, classes: Int?,
                         limit: Int) throws -> (IDXArray, IDXArray) {
        let imagesPath = try locate(imagesName, in: directory)
        let labelsPath = try locate(labelsName, in: directory)
        let images = try IDXArray.read(imagesPath, limit: limit)
        let labels = try IDXArray.read(labelsPath, limit: limit)
        guard images.shape.count >= 2 else {
            throw FileError(imagesPath, "expected images (count x rows x columns), found shape \(images.shape)")
        }
        guard labels.shape.count == 1 else {
            throw FileError(labelsPath, "expected labels of rank 1, found shape \(labels.shape)")
        }
        guard images.count == labels.count else {
            throw FileError(labelsPath, "\(labels.count) labels for \(images.count) images in \(imagesPath)")
        }
        if let classes, let bad = labels.bytes.firstIndex(where: { Int($0) >= classes }) {
            throw FileError(labelsPath, "label \(labels.bytes[bad]) at index \(bad) is not a class of 0-\(classes - 1)")
        }
        return (images, labels)
    }
}
