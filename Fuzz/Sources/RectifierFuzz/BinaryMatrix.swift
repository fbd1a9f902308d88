import Rectifier

/// Binary matrix files, raw or gzip-compressed, read whole and record by record: each read must
/// give a matrix or a FileError, and the two must agree — both refuse, or both give the same
/// elements. A raw file that is accepted must encode back to the input, but for the unused
/// dimensions of a matrix of fewer than three, which are not part of its shape.
func fuzzBinaryMatrix(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let bytes = Array(UnsafeRawBufferPointer(start: start, count: count))
    let limit = 1 << 24
    var whole: BinaryMatrix?
    var streamed: [UInt8]?
    do {
        var input = try Gzip.stream(bytes, path: "fuzz")
        whole = try BinaryMatrix.read(from: &input, limit: limit)
    } catch is FileError {
    } catch {
        preconditionFailure("unexpected error type: \(error)")
    }
    do {
        let reader = try BinaryMatrixReader(from: Gzip.stream(bytes, path: "fuzz"), limit: limit)
        var out: [UInt8] = []
        func collect<T: BinaryMatrixScalar>(_ type: T.Type) throws {
            try reader.forEachRecord(as: type) { index, record in
                precondition(record.count == reader.header.recordElements, "record \(index) has the wrong size")
                out += UnsafeRawBufferPointer(record)
            }
        }
        switch reader.header.elementType {
        case .float32: try collect(Float.self)
        case .float64: try collect(Double.self)
        case .int32: try collect(Int32.self)
        case .uint8: try collect(UInt8.self)
        case .int16: try collect(Int16.self)
        }
        streamed = out
    } catch is FileError {
    } catch {
        preconditionFailure("unexpected error type: \(error)")
    }
    precondition((whole == nil) == (streamed == nil), "whole-file and record-by-record reads disagree on acceptance")
    if let whole, let streamed {
        let encoded = whole.encoded()
        precondition(Array(encoded.dropFirst(whole.header.size)) == streamed, "the two reads give different elements")
        let used = 8 + 4 * whole.shape.count
        precondition(Gzip.isCompressed(bytes) || (encoded.prefix(used) == bytes.prefix(used)
                         && encoded.dropFirst(whole.header.size) == bytes.dropFirst(whole.header.size)),
                     "a raw file does not encode back to its bytes")
    }
    return 0
}
