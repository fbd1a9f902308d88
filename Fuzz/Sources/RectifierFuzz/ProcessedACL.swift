import Rectifier

/// processed_acl files: any input gives documents or a FileError. Skipping bad lines, every
/// line is either a document or counted as skipped; failing on them, a file that passes gives
/// the same documents.
func fuzzProcessedACL(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let bytes = Array(UnsafeRawBufferPointer(start: start, count: count))
    do {
        let lenient = try ProcessedACL.parse(bytes, path: "fuzz", badLines: .skip)
        var lines = bytes.split(separator: 0x0A, omittingEmptySubsequences: false).count
        if bytes.last == 0x0A || bytes.isEmpty { lines -= 1 }
        precondition(lenient.documents.count + lenient.skipped.count == lines, "a line was lost")
        precondition(lenient.documents.allSatisfy { !$0.label.isEmpty && $0.termCounts.values.allSatisfy { $0 > 0 } })
        if let strict = try? ProcessedACL.parse(bytes, path: "fuzz") {
            precondition(lenient.skipped.count == 0 && strict.documents == lenient.documents, "the two modes disagree")
        } else {
            precondition(lenient.skipped.count > 0, "failed without a bad line")
        }
    } catch {
        preconditionFailure("skip mode threw: \(error)")
    }
    return 0
}
