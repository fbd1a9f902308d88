import Rectifier

/// svmlight files: any input gives consistent sparse rows or a FileError; skipping bad lines
/// never throws, and the rows always make a valid sparse matrix.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let bytes = Array(UnsafeRawBufferPointer(start: start, count: count))
    do {
        let file = try SVMLight.parse(bytes, path: "fuzz", badLines: .skip)
        precondition(file.rowStart.count == file.count + 1 && file.rowStart.last == file.columns.count)
        precondition(file.lines.count == file.count && file.values.count == file.columns.count)
        for r in 0..<file.count {
            let columns = file.row(r).map(\.column)
            precondition(zip(columns, columns.dropFirst()).allSatisfy { $0 < $1 } && columns.allSatisfy { $0 < file.largestIndex })
        }
        let matrix = try file.matrix()
        precondition(matrix.rows == file.count && matrix.columns == file.largestIndex)
        if let strict = try? SVMLight.parse(bytes, path: "fuzz") {
            precondition(file.skipped.count == 0 && strict == file, "the two modes disagree")
        }
    } catch {
        preconditionFailure("skip mode threw: \(error)")
    }
    return 0
}

// SwiftPM links executables with main = FuzzSVMLight_main; hand control to libFuzzer's driver.
@_silgen_name("LLVMFuzzerRunDriver")
func runDriver(_ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
               _ callback: @convention(c) (UnsafeRawPointer, Int) -> CInt) -> CInt

@_cdecl("FuzzSVMLight_main")
func entry(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var argc = argc
    var argv = argv
    return runDriver(&argc, &argv, fuzz)
}
