import Foundation

/// Jittered-cluttered NORB (LeCun, Huang & Bottou 2004), the paper's NORB: stereo pairs of
/// 108x108 images, 6 classes (5 toy categories and background), in 10 training and 2 test file
/// triples. The paper's split: 233,172 / 58,428 / 58,320 (validation: the last 58,428 training
/// pairs). Each pair is shrunk to 2x32x32 by area averaging as it is read (rounded to whole grey
/// levels, kept as bytes: 0.7 GB instead of 6.8 GB) and scaled linearly to [-1, 1]. The
/// converted set is cached next to the data (`norb-32x32.cache`, checksummed) and reused while
/// the source files keep their sizes and modification times.
public struct NORBDataset: DatasetKind {
    public init() {}
    public var name: String { "norb" }
    public var title: String { "jittered-cluttered NORB stereo images, 2x32x32 (from 2x108x108), 6 classes" }
    static func stems() -> [String] {
        (1...10).map { String(format: "norb-5x46789x9x18x6x2x108x108-training-%02d", $0) }
            + (1...2).map { String(format: "norb-5x01235x9x18x6x2x108x108-testing-%02d", $0) }
    }
    public var files: [String] { ["norb-5x46789x9x18x6x2x108x108-training-{01..10}-{dat,cat,info}.mat[.gz]",
                                  "norb-5x01235x9x18x6x2x108x108-testing-{01,02}-{dat,cat,info}.mat[.gz]"] }
    public var split: String { "233,172 / 58,428 / 58,320" }
    public var preprocessing: String { "2x108x108 → 2x32x32 by area averaging, linearly to [-1, 1]" }
    public var shape: ImageShape? { ImageShape(channels: 2, height: 32, width: 32) }
    public var downloadSize: String? { "about 5 GB (36 .mat.gz files)" }
    public var source: String { "Yann LeCun, Fu Jie Huang, Léon Bottou, CVPR 2004 (free for research)" }
    public var inputKind: InputKind { .images }
    public var paperHiddenLayers: [Int] { [4000, 2000] }
    public var rawScaling: (offset: Float, scale: Float)? { (-1, 2 / 255) }
    /// The cache of the converted set, in the data directory.
    public static let cacheFile = "norb-32x32.cache"

    public func isPresent(in directory: String) -> Bool {
        Self.stems().allSatisfy { stem in
            ["dat", "cat", "info"].allSatisfy { (try? NORBFiles.locate("\(stem)-\($0).mat", in: directory)) != nil }
        }
    }

    public func load(_ reference: DataReference, directory: String, limits: Limits) throws -> DataSplits {
        let limit = limits.fileBytes
        let triples = try Self.stems().map { try NORBSmallDataset.triple($0, in: directory) }
        let sources = triples.flatMap { [$0.dat, $0.cat, $0.info] }
        let cachePath = directory + "/" + Self.cacheFile
        let (train, test): (([UInt8], [Int32]), ([UInt8], [Int32]))
        if let cached = try NORBCache.read(cachePath, sources: sources, classes: 6, limit: limit) {
            (train, test) = cached
        } else {
            var a: ([UInt8], [Int32]) = ([], []), b: ([UInt8], [Int32]) = ([], [])
            try NORBFiles.read(Array(triples.prefix(10)), size: 108, classes: 6, limit: limit, pixels: &a.0, labels: &a.1)
            try NORBFiles.read(Array(triples.suffix(2)), size: 108, classes: 6, limit: limit, pixels: &b.0, labels: &b.1)
            (train, test) = (a, b)
            // A read-only data directory keeps working, without a cache.
            try? NORBCache.write(cachePath, sources: sources, train: train, test: test)
        }
        return try Self.split(train: train, test: test, validation: reference.validation ?? min(58_428, train.1.count / 5),
                              classes: 6, name: name, directory: directory)
    }

    /// Training pairs minus the last `validation` / those / the test pairs, as [-1, 1] values.
    static func split(train: ([UInt8], [Int32]), test: ([UInt8], [Int32]), validation: Int, classes: Int, name: String,
                      directory: String) throws -> DataSplits {
        let count = train.1.count
        guard validation >= 0, validation < count else {
            throw FileError(directory, "a validation set of \(validation) does not fit the \(count) training pairs")
        }
        let cut = count - validation
        func dataset(_ pixels: ArraySlice<UInt8>, _ labels: ArraySlice<Int32>, _ part: String) -> Dataset {
            Dataset(name: "\(name)/\(part)", inputs: .bytes(ByteMatrix(rows: labels.count, columns: 2048, bytes: Array(pixels),
                                                                        scale: 2 / 255, offset: -1)),
                    labels: Array(labels), classes: classes,
                    classNames: Array(["animal", "human", "airplane", "truck", "car", "none"].prefix(classes)))
        }
        return DataSplits(train: dataset(train.0[..<(cut * 2048)], train.1[..<cut], "train"),
                          validation: dataset(train.0[(cut * 2048)...], train.1[cut...], "validation"),
                          test: dataset(test.0[...], test.1[...], "test"))
    }
}

/// The cache of a converted NORB set: `RECTNORB`, a format version, a JSON description of the
/// source files (path, size, modification time) and of the counts, the pixels and labels, and a
/// CRC-32 of everything before it. Refused (and rebuilt) when anything does not match.
public enum NORBCache {
    struct Header: Codable, Equatable {
        var sources: [Source]
        var trainCount: Int
        var testCount: Int
    }

    /// A source file as the cache records it: name, size and modification time.
    public struct Source: Codable, Equatable, Sendable {
        var file: String
        var size: Int
        var modified: Double

        init(_ path: String) throws {
            let attributes = try FileManager.default.attributesOfItem(atPath: path)
            file = (path as NSString).lastPathComponent
            size = (attributes[.size] as? NSNumber)?.intValue ?? -1
            modified = (attributes[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0
        }
    }

    static let magic = Array("RECTNORB".utf8)

    static func write(_ path: String, sources: [String], train: ([UInt8], [Int32]), test: ([UInt8], [Int32])) throws {
        let header = try FileIO.jsonEncoder().encode(Header(sources: sources.map(Source.init), trainCount: train.1.count,
                                                            testCount: test.1.count))
        var bytes = magic + [1, 0, 0, 0]
        withUnsafeBytes(of: UInt32(header.count).littleEndian) { bytes += $0 }
        bytes += header
        bytes += train.0
        bytes += test.0
        for l in train.1 + test.1 { bytes.append(UInt8(l)) }
        withUnsafeBytes(of: Checkpoint.crc32(bytes).littleEndian) { bytes += $0 }
        try FileIO.writeAtomically(bytes, to: path)
    }

    /// The cached set, or nil when there is no cache, it does not match `sources`, or any of
    /// its counts and labels is out of range (a cache is rebuilt rather than trusted).
    public static func read(_ path: String, sources: [String], classes: Int, limit: Int) throws -> (([UInt8], [Int32]), ([UInt8], [Int32]))? {
        guard FileManager.default.fileExists(atPath: path), let bytes = try? FileIO.read(path, limit: limit) else { return nil }
        return decode(bytes, classes: classes) { $0 == (try? sources.map(Source.init)) }
    }

    /// The pixels and labels of a cache's bytes when every check passes and `sourcesMatch`
    /// accepts the sources it records; nil otherwise.
    public static func decode(_ bytes: [UInt8], classes: Int, sourcesMatch: ([Source]) -> Bool) -> (([UInt8], [Int32]), ([UInt8], [Int32]))? {
        guard bytes.count > 20, Array(bytes[0..<8]) == magic, bytes[8] == 1 else { return nil }
        let body = Array(bytes[..<(bytes.count - 4)])
        let stored = bytes[(bytes.count - 4)...].enumerated().reduce(UInt32(0)) { $0 | UInt32($1.element) << (8 * UInt32($1.offset)) }
        guard Checkpoint.crc32(body) == stored else { return nil }
        let length = Int(bytes[12]) | Int(bytes[13]) << 8 | Int(bytes[14]) << 16 | Int(bytes[15]) << 24
        guard 16 + length <= body.count,
              let header = try? FileIO.jsonDecoder().decode(Header.self, from: Data(bytes[16..<(16 + length)])),
              sourcesMatch(header.sources) else { return nil }
        let (n, m) = (header.trainCount, header.testCount)
        let start = 16 + length
        // Counts are bounded by the bytes there are before any product is formed.
        guard n >= 0, m >= 0, n <= body.count / 2049, m <= body.count / 2049,
              body.count == start + (n + m) * 2048 + n + m else { return nil }
        let train = Array(body[start..<(start + n * 2048)])
        let test = Array(body[(start + n * 2048)..<(start + (n + m) * 2048)])
        let labels = body[(start + (n + m) * 2048)...].map(Int32.init)
        guard labels.allSatisfy({ $0 < classes }) else { return nil }
        return ((train, Array(labels[..<n])), (test, Array(labels[n...])))
    }
}
