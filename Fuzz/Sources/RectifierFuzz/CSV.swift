import Rectifier

/// CSV files: any input gives a consistent table or a FileError, nothing else.
func fuzzCSV(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let bytes = Array(UnsafeRawBufferPointer(start: start, count: count))
    do {
        let table = try CSVTable.parse(bytes, path: "fuzz")
        precondition(table.columnCount >= 1 && table.cells.count == table.rowCount * table.columnCount)
        precondition(zip(table.rowLines, table.rowLines.dropFirst()).allSatisfy { $0 < $1 } && (table.rowLines.first ?? 2) >= 2)
        let first = try table.column(table.header[0])
        precondition(first.count == table.rowCount)
    } catch is FileError {
    } catch {
        preconditionFailure("unexpected error type: \(error)")
    }
    return 0
}
