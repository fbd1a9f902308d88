import Rectifier

/// svmlight files: any input gives consistent sparse rows or a FileError; skipping bad lines
/// never throws, and the rows always make a valid sparse matrix.
func fuzzSVMLight(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let bytes = Array(UnsafeRawBufferPointer(start: start, count: count))
    do {
        let file = try SVMLight.parse(bytes, path: "fuzz", badLines: .skip)
        precondition(file.rowStart.count == file.count + 1 && file.rowStart.last == file.indices.count)
        precondition(file.lines.count == file.count && file.values.count == file.indices.count)
        for r in 0..<file.count {
            let columns = file.row(r).map(\.column)
            precondition(zip(columns, columns.dropFirst()).allSatisfy { $0 < $1 } && columns.allSatisfy { $0 >= 0 && $0 < file.width(zeroBased: file.hasZeroIndex) })
        }
        let matrix = try file.matrix()
        precondition(matrix.rows == file.count && matrix.columns == max(0, file.width(zeroBased: file.hasZeroIndex)))
        if let strict = try? SVMLight.parse(bytes, path: "fuzz") {
            precondition(file.skipped.count == 0 && strict == file, "the two modes disagree")
        }
    } catch {
        preconditionFailure("skip mode threw: \(error)")
    }
    return 0
}
