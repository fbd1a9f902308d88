import Rectifier

/// CIFAR-10 binary batches, raw or gzip-compressed: any input must give a batch or a FileError.
/// A raw batch that is accepted must encode back to the input.
func fuzzCIFAR(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let bytes = Array(UnsafeRawBufferPointer(start: start, count: count))
    let compressed = Gzip.isCompressed(bytes)
    do {
        var input = try Gzip.stream(bytes, path: "fuzz")
        let batch = try CIFAR10Batch.read(from: &input, size: compressed ? nil : bytes.count, limit: 1 << 24)
        precondition(batch.pixels.count == batch.count * CIFAR10Batch.imageSize, "pixels and labels disagree")
        precondition(batch.labels.allSatisfy { $0 < 10 }, "label outside 0-9 accepted")
        precondition(compressed || batch.encoded() == bytes, "a raw batch does not encode back to its bytes")
    } catch is FileError {
    } catch {
        preconditionFailure("unexpected error type: \(error)")
    }
    return 0
}
