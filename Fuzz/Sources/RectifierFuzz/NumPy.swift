import Rectifier

/// `.npy` files and `.npz` archives: an array whose values fill its shape, or a FileError.
func fuzzNumPy(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let bytes = Array(UnsafeRawBufferPointer(start: start, count: count))
    let limits = Limits(fileBytes: 1 << 24, memoryBytes: 1 << 26)
    for key in [nil, "x", "y"] as [String?] {
        do {
            let array = try NumPyArray.parse(bytes, path: "fuzz", key: key, limits: limits)
            switch array.values {
            case .numbers(let v): precondition(v.count == array.count && v.allSatisfy(\.isFinite))
            case .strings(let s): precondition(s.count == array.count)
            }
        } catch is FileError {
        } catch is UsageError {
        } catch {
            preconditionFailure("unexpected error type: \(error)")
        }
    }
    return 0
}
