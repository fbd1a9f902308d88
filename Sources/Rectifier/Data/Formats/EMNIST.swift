import Foundation

/// The images, labels and class names of one EMNIST split (Cohen et al. 2017).
public struct EMNISTFiles: Equatable, Sendable {
    /// Training images, upright, count x 28 x 28.
    public var trainImages: IDXArray
    public var trainLabels: [UInt8]
    /// Test images, upright.
    public var testImages: IDXArray
    public var testLabels: [UInt8]
    /// The character of each class (ByClass: `0`-`9`, `A`-`Z`, `a`-`z`).
    public var classNames: [String]

    public init(trainImages: IDXArray, trainLabels: [UInt8], testImages: IDXArray, testLabels: [UInt8], classNames: [String]) {
        self.trainImages = trainImages
        self.trainLabels = trainLabels
        self.testImages = testImages
        self.testLabels = testLabels
        self.classNames = classNames
    }
}

/// EMNIST: NIST Special Database 19 characters in MNIST's IDX format, standing in for the
/// paper's NISTP (its ByClass split has NIST's 62 classes). The images are stored transposed
/// (column by column), so they are transposed back on reading.
public enum EMNIST {
    /// Classes of the ByClass split: 10 digits, 26 upper-case and 26 lower-case letters.
    public static let byClassClasses = 62

    /// The file names of split `split` ("byclass", "balanced", ...): images and labels (each
    /// also accepted without `.gz`), and the mapping from labels to characters.
    public static func fileNames(split: String)
        -> (trainImages: String, trainLabels: String, testImages: String, testLabels: String, mapping: String) {
        ("emnist-\(split)-train-images-idx3-ubyte.gz", "emnist-\(split)-train-labels-idx1-ubyte.gz",
         "emnist-\(split)-test-images-idx3-ubyte.gz", "emnist-\(split)-test-labels-idx1-ubyte.gz",
         "emnist-\(split)-mapping.txt")
    }

    /// Reads the ByClass split from `directory` and checks that images and labels agree.
    public static func readByClass(directory: String, limit: Int = FileIO.defaultSizeLimit) throws -> EMNISTFiles {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw FileError(directory, "no such directory (expected the EMNIST ByClass files in it)")
        }
        let names = fileNames(split: "byclass")
        func locate(_ name: String) throws -> String {
            let candidates = [name, String(name.dropLast(3))].map { directory + "/" + $0 }
            guard let found = candidates.first(where: { FileManager.default.fileExists(atPath: $0) }) else {
                throw FileError(directory, "missing EMNIST file \(name)")
            }
            return found
        }
        let mappingPath = try locate(names.mapping)
        let classNames = try mapping(FileIO.read(mappingPath, limit: 1 << 20), path: mappingPath)
        guard classNames.count == byClassClasses else {
            throw FileError(mappingPath, "maps \(classNames.count) labels, ByClass has \(byClassClasses)")
        }
        func pair(_ imagesName: String, _ labelsName: String) throws -> (IDXArray, [UInt8]) {
            let imagesPath = try locate(imagesName), labelsPath = try locate(labelsName)
            let images = try readImages(imagesPath, limit: limit)
            let labels = try readLabels(labelsPath, classes: classNames.count, limit: limit)
            guard images.count == labels.count else {
                throw FileError(labelsPath, "\(labels.count) labels for \(images.count) images in \(imagesPath)")
            }
            return (images, labels)
        }
        let (trainImages, trainLabels) = try pair(names.trainImages, names.trainLabels)
        let (testImages, testLabels) = try pair(names.testImages, names.testLabels)
        return EMNISTFiles(trainImages: trainImages, trainLabels: trainLabels,
                           testImages: testImages, testLabels: testLabels, classNames: classNames)
    }

    /// Reads an EMNIST images file (IDX, raw or gzip) and returns the images upright.
    public static func readImages(_ path: String, limit: Int = FileIO.defaultSizeLimit) throws -> IDXArray {
        let stored = try IDXArray.read(path, limit: limit)
        guard stored.shape.count == 3 else {
            throw FileError(path, "expected images of rank 3 (count x rows x columns), found shape \(stored.shape)")
        }
        return transposed(stored)
    }

    /// Reads an EMNIST labels file (IDX, raw or gzip), checking every label is below `classes`.
    public static func readLabels(_ path: String, classes: Int = byClassClasses, limit: Int = FileIO.defaultSizeLimit) throws -> [UInt8] {
        let labels = try IDXArray.read(path, limit: limit)
        guard labels.shape.count == 1 else { throw FileError(path, "expected labels of rank 1, found shape \(labels.shape)") }
        if let bad = labels.bytes.firstIndex(where: { Int($0) >= classes }) {
            throw FileError(path, "label \(labels.bytes[bad]) at index \(bad) is not a class 0-\(classes - 1)")
        }
        return labels.bytes
    }

    /// Every image of `images` (count x a x b) transposed (count x b x a).
    public static func transposed(_ images: IDXArray) -> IDXArray {
        precondition(images.shape.count == 3, "images of rank 3")
        let (count, rows, columns) = (images.shape[0], images.shape[1], images.shape[2])
        var out = [UInt8](repeating: 0, count: images.bytes.count)
        images.bytes.withUnsafeBufferPointer { s in
            out.withUnsafeMutableBufferPointer { t in
                for i in 0..<count {
                    let base = i * rows * columns
                    for r in 0..<rows {
                        for c in 0..<columns { t[base + c * rows + r] = s[base + r * columns + c] }
                    }
                }
            }
        }
        return IDXArray(shape: [count, columns, rows], bytes: out)
    }

    /// The class names in a mapping file (`emnist-byclass-mapping.txt`): lines `label code`,
    /// the label's character as a decimal ASCII code, for labels 0, 1, ... each exactly once
    /// (in any order). Blank lines are ignored.
    public static func mapping(_ bytes: [UInt8], path: String) throws -> [String] {
        guard let text = String(validating: bytes, as: UTF8.self) else { throw FileError(path, "is not UTF-8 text") }
        var names: [Int: String] = [:]
        for (number, line) in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated() {
            let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            if fields.isEmpty { continue }
            let at = "line \(number + 1)"
            guard fields.count == 2, let label = Int(fields[0]), let code = Int(fields[1]) else {
                throw FileError(path, "\(at): expected 'label ascii_code', found \(ErrorText.quoted(line, limit: 40))")
            }
            guard (0..<256).contains(label) else { throw FileError(path, "\(at): label \(label) is not a byte 0-255") }
            guard (33...126).contains(code) else { throw FileError(path, "\(at): \(code) is not the code of a printable ASCII character") }
            guard names[label] == nil else { throw FileError(path, "\(at): label \(label) is mapped twice") }
            names[label] = String(UnicodeScalar(UInt8(code)))
        }
        guard !names.isEmpty else { throw FileError(path, "maps no labels") }
        return try (0..<names.count).map { label in
            guard let name = names[label] else {
                throw FileError(path, "maps \(names.count) labels but not label \(label) (labels must be 0-\(names.count - 1))")
            }
            return name
        }
    }
}
