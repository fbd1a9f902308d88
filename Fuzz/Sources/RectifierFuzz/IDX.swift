import Rectifier

/// IDX files, raw or gzip-compressed: any input must give an array or a FileError, nothing else,
/// and reading from a stream must agree with parsing the inflated bytes.
func fuzzIDX(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let input = Array(UnsafeRawBufferPointer(start: start, count: count))
    let limit = 1 << 24
    var parsed: IDXArray?
    var streamed: IDXArray?
    do {
        var bytes = input
        // The limit bounds the data; the whole file may be one header (at most 20 bytes) more.
        if Gzip.isCompressed(bytes) { bytes = try Gzip.decompress(bytes, path: "fuzz", limit: limit + 20) }
        let array = try IDXArray.parse(bytes, path: "fuzz", limit: limit)
        precondition(array.bytes.count == array.shape.reduce(1, *), "shape and data disagree")
        parsed = array
    } catch is FileError {
    } catch {
        preconditionFailure("unexpected error type: \(error)")
    }
    do {
        var stream = try Gzip.stream(input, path: "fuzz")
        streamed = try IDXArray.read(from: &stream, limit: limit)
    } catch is FileError {
    } catch {
        preconditionFailure("unexpected error type: \(error)")
    }
    precondition(parsed == streamed, "streamed read and parse disagree")
    return 0
}
