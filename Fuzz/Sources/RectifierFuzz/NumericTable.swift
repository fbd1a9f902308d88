import Rectifier

/// Tables of numbers, raw or gzip-compressed: a consistent table or a FileError; skipping bad
/// lines keeps only rows of the table's width; within a 64 MB memory budget.
func fuzzNumericTable(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let bytes = Array(UnsafeRawBufferPointer(start: start, count: count))
    let limits = Limits(fileBytes: 1 << 24, memoryBytes: 1 << 26)
    for policy in [BadRecordPolicy.fail, .skip] {
        do {
            let table = try NumericTable.read(from: Gzip.stream(bytes, path: "fuzz"), badLines: policy, limits: limits)
            precondition(table.columns.count >= 2 && table.labelColumn < table.columns.count)
            precondition(table.features.rows == table.labels.count && table.features.columns == table.columns.count - 1)
            precondition(table.features.storage.allSatisfy(\.isFinite) && table.labels.allSatisfy { !$0.isEmpty })
        } catch is FileError {
        } catch is UsageError {  // the memory budget
        } catch {
            preconditionFailure("unexpected error type: \(error)")
        }
    }
    return 0
}
