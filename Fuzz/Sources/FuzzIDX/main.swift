import Rectifier

/// IDX files, raw or gzip-compressed: any input must give an array or a FileError, nothing else.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    var bytes = Array(UnsafeRawBufferPointer(start: start, count: count))
    let limit = 1 << 24
    do {
        if Gzip.isCompressed(bytes) { bytes = try Gzip.decompress(bytes, path: "fuzz", limit: limit) }
        let array = try IDXArray.parse(bytes, path: "fuzz", limit: limit)
        precondition(array.bytes.count == array.shape.reduce(1, *), "shape and data disagree")
    } catch is FileError {
    } catch {
        preconditionFailure("unexpected error type: \(error)")
    }
    return 0
}

// SwiftPM links executables with main = FuzzIDX_main; hand control to libFuzzer's driver.
@_silgen_name("LLVMFuzzerRunDriver")
func runDriver(_ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
               _ callback: @convention(c) (UnsafeRawPointer, Int) -> CInt) -> CInt

@_cdecl("FuzzIDX_main")
func entry(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var argc = argc
    var argv = argv
    return runDriver(&argc, &argv, fuzz)
}
