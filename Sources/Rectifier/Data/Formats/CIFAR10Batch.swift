/// One batch file of CIFAR-10's binary version (`data_batch_1.bin` ... `test_batch.bin`):
/// records of 3,073 bytes, a label byte (0-9) and a 32x32 colour image as 1,024 red, 1,024
/// green and 1,024 blue bytes, each plane row-major — that is, channel-major (3x32x32) order,
/// kept as it is here.
public struct CIFAR10Batch: Equatable, Sendable {
    /// Image side in pixels.
    public static let side = 32
    /// Bytes of one image: 3 planes of 32x32.
    public static let imageSize = 3 * 32 * 32
    /// Bytes of one record: the label, then the image.
    public static let recordSize = 1 + imageSize
    /// Labels are 0..<classes.
    public static let classes = 10

    /// The images, `imageSize` bytes each, channel-major (R plane, G plane, B plane).
    public var pixels: [UInt8]
    /// One label per image, in 0..<10.
    public var labels: [UInt8]

    /// Number of images.
    public var count: Int { labels.count }

    public init(pixels: [UInt8], labels: [UInt8]) {
        precondition(pixels.count == labels.count * Self.imageSize, "one 3x32x32 image per label")
        self.pixels = pixels
        self.labels = labels
    }

    /// Reads a batch file (any whole number of records; raw or gzip-compressed).
    public static func read(_ path: String, limit: Int = FileIO.defaultSizeLimit) throws -> CIFAR10Batch {
        let file = try FileStream(path)
        if Gzip.isCompressed(try file.peekHead(2)) {
            var input: any ByteStream = try GzipStream(file)
            return try read(from: &input, size: nil, limit: limit)
        }
        var input = file
        return try read(from: &input, size: file.size, limit: limit)
    }

    /// Reads records from `input` to its end. `size`, the input's length when known (a file, a
    /// tar member), is checked to be a whole number of records before anything is read;
    /// otherwise a partial record at the end is refused as it arrives. Checks every label.
    public static func read(from input: inout some ByteStream, size: Int?, limit: Int = FileIO.defaultSizeLimit) throws -> CIFAR10Batch {
        if let size {
            guard size % recordSize == 0 else {
                throw FileError(input.path, "truncated: \(size) bytes is not a whole number of \(recordSize)-byte records "
                                + "(\(size / recordSize) records and \(size % recordSize) bytes)")
            }
            guard size <= limit else { throw FileError(input.path, "file of \(size) bytes exceeds the limit of \(limit) bytes") }
        }
        let expected = min(size ?? 0, input.maximumRemaining) / recordSize
        var labels: [UInt8] = []
        var pixels: [UInt8] = []
        labels.reserveCapacity(expected)
        pixels.reserveCapacity(expected * imageSize)
        // A few hundred records at a time: large reads, little memory beyond the result.
        var chunk = [UInt8](repeating: 0, count: 256 * recordSize)
        while true {
            let n = try chunk.withUnsafeMutableBytes { try input.readFully(into: $0) }
            let records = n / recordSize
            guard n % recordSize == 0 else {
                throw FileError(input.path, "truncated: ends \(n % recordSize) bytes into record \(labels.count + records) "
                                + "(records are \(recordSize) bytes)")
            }
            guard (labels.count + records) * recordSize <= limit else {
                throw FileError(input.path, "holds more than the limit of \(limit) bytes")
            }
            try chunk.withUnsafeBufferPointer { c in
                for r in 0..<records {
                    let record = c[(r * recordSize)..<((r + 1) * recordSize)]
                    guard record.first! < classes else {
                        throw FileError(input.path, "record \(labels.count): label \(record.first!) is not a class 0-9")
                    }
                    labels.append(record.first!)
                    pixels.append(contentsOf: UnsafeBufferPointer(rebasing: record.dropFirst()))
                }
            }
            if n < chunk.count { break }
        }
        if let size, labels.count * recordSize != size {
            throw FileError(input.path, "holds \(labels.count) records, its size says \(size / recordSize) (changed while being read?)")
        }
        return CIFAR10Batch(pixels: pixels, labels: labels)
    }

    /// The bytes of this batch as a CIFAR-10 binary batch file.
    public func encoded() -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(count * Self.recordSize)
        for i in 0..<count {
            out.append(labels[i])
            out += pixels[(i * Self.imageSize)..<((i + 1) * Self.imageSize)]
        }
        return out
    }
}
