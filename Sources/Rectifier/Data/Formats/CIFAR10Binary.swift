import Foundation

/// The files of CIFAR-10's binary version (Krizhevsky 2009): five training batches of 10,000
/// images, a test batch of 10,000, and the class names.
public struct CIFAR10Files: Equatable, Sendable {
    /// `data_batch_1.bin` ... `data_batch_5.bin`, in that order.
    public var training: [CIFAR10Batch]
    /// `test_batch.bin`.
    public var test: CIFAR10Batch
    /// The names of classes 0-9 (`airplane`, `automobile`, ...), from `batches.meta.txt`.
    public var classNames: [String]

    public init(training: [CIFAR10Batch], test: CIFAR10Batch, classNames: [String]) {
        self.training = training
        self.test = test
        self.classNames = classNames
    }
}

/// Reading CIFAR-10's binary version, from a directory of its files or straight from
/// `cifar-10-binary.tar.gz` (streamed: the archive is never held whole).
public enum CIFAR10Binary {
    /// The training batch files, in order.
    public static let trainingFiles = (1...5).map { "data_batch_\($0).bin" }
    /// The test batch file.
    public static let testFile = "test_batch.bin"
    /// The class names file: one name per line.
    public static let metaFile = "batches.meta.txt"
    /// The folder holding the files inside `cifar-10-binary.tar.gz`.
    public static let archiveFolder = "cifar-10-batches-bin"

    /// Reads the seven files from `directory`.
    public static func read(directory: String) throws -> CIFAR10Files {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw FileError(directory, "no such directory (expected the CIFAR-10 binary batch files in it)")
        }
        let training = try trainingFiles.map { try CIFAR10Batch.read(directory + "/" + $0) }
        let test = try CIFAR10Batch.read(directory + "/" + testFile)
        let metaPath = directory + "/" + metaFile
        let names = try classNames(FileIO.read(metaPath, limit: 1 << 16), path: metaPath)
        return CIFAR10Files(training: training, test: test, classNames: names)
    }

    /// Reads the seven files from the archive at `path` (`cifar-10-binary.tar.gz`, or the same
    /// uncompressed), where they sit in `cifar-10-batches-bin/`; other members are skipped.
    public static func read(archive path: String, limit: Int = FileIO.defaultSizeLimit) throws -> CIFAR10Files {
        var tar = try TarReader.open(path, limit: limit)
        var batches: [String: CIFAR10Batch] = [:]
        var names: [String]?
        let wanted = Set(trainingFiles + [testFile])
        while let entry = try tar.next() {
            guard entry.kind == .regularFile, let file = memberFile(entry.name) else { continue }
            if wanted.contains(file) {
                guard batches[file] == nil else { throw FileError(path, "holds \(ErrorText.quoted(entry.name)) twice") }
                batches[file] = try CIFAR10Batch.read(from: &tar, size: entry.size, limit: limit)
            } else if file == metaFile {
                guard names == nil else { throw FileError(path, "holds \(ErrorText.quoted(entry.name)) twice") }
                names = try classNames(tar.readAll(limit: 1 << 16), path: tar.path)
            }
        }
        func missing(_ file: String) -> FileError {
            FileError(path, "has no \(archiveFolder)/\(file) (not the CIFAR-10 binary archive?)")
        }
        let training = try trainingFiles.map { file in
            guard let batch = batches[file] else { throw missing(file) }
            return batch
        }
        guard let test = batches[testFile] else { throw missing(testFile) }
        guard let names else { throw missing(metaFile) }
        return CIFAR10Files(training: training, test: test, classNames: names)
    }

    /// The file name of archive member `name` when it is directly in `cifar-10-batches-bin/`.
    static func memberFile(_ name: String) -> String? {
        let relative = name.hasPrefix("./") ? String(name.dropFirst(2)) : name
        let parts = relative.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0] == archiveFolder else { return nil }
        return String(parts[1])
    }

    /// The class names in `batches.meta.txt`: ten lines, one name each (surrounding spaces, `\r`, and
    /// the blank lines at the end of the real file are ignored).
    public static func classNames(_ bytes: [UInt8], path: String) throws -> [String] {
        guard let text = String(validating: bytes, as: UTF8.self) else { throw FileError(path, "is not UTF-8 text") }
        var lines = text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline)
            .map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
        while lines.last?.isEmpty == true { lines.removeLast() }
        if let blank = lines.firstIndex(of: "") { throw FileError(path, "line \(blank + 1): empty class name") }
        guard lines.count == CIFAR10Batch.classes else {
            throw FileError(path, "\(lines.count) class names, expected \(CIFAR10Batch.classes) (one per line)")
        }
        return lines
    }
}
