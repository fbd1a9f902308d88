import Rectifier

/// CSV files: any input gives a consistent table or a FileError, nothing else.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
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

// SwiftPM links executables with main = FuzzCSV_main; hand control to libFuzzer's driver.
@_silgen_name("LLVMFuzzerRunDriver")
func runDriver(_ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
               _ callback: @convention(c) (UnsafeRawPointer, Int) -> CInt) -> CInt

@_cdecl("FuzzCSV_main")
func entry(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var argc = argc
    var argv = argv
    return runDriver(&argc, &argv, fuzz)
}
