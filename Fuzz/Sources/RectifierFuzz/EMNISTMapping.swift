import Rectifier

/// EMNIST mapping files: any input must give class names or a FileError. Accepted names are
/// single printable ASCII characters, and writing them back as a mapping reads the same.
func fuzzEMNISTMapping(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let bytes = Array(UnsafeRawBufferPointer(start: start, count: count))
    do {
        let names = try EMNIST.mapping(bytes, path: "fuzz")
        precondition(!names.isEmpty, "an empty mapping was accepted")
        precondition(names.allSatisfy { $0.utf8.count == 1 && (33...126).contains($0.utf8.first!) }, "a name is not one printable character")
        let text = names.enumerated().map { "\($0) \($1.utf8.first!)" }.joined(separator: "\n")
        let reread = try EMNIST.mapping(Array(text.utf8), path: "rewritten")
        precondition(reread == names, "the mapping does not read back")
    } catch is FileError {
    } catch {
        preconditionFailure("unexpected error type: \(error)")
    }
    return 0
}
