import Rectifier

/// Checkpoints: any input must decode to a consistent state or give a FileError. Inputs whose
/// first byte is odd are taken as a payload and framed with a valid header and checksum, so the
/// fuzzer also reaches the decoder behind the checksum.
func fuzzCheckpoint(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    var bytes = Array(UnsafeRawBufferPointer(start: start, count: count))
    if let first = bytes.first, first & 1 == 1 { bytes = Checkpoint.frame(Array(bytes.dropFirst())) }
    do {
        let checkpoint = try Checkpoint.decode(bytes, path: "fuzz")
        precondition(checkpoint.state.position <= checkpoint.data.trainCount)
    } catch is FileError {
    } catch {
        preconditionFailure("unexpected error type: \(error)")
    }
    return 0
}
