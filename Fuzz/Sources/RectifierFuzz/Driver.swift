import Foundation

/// One libFuzzer driver for every reader: `RectifierFuzz READER [libFuzzer options...]` fuzzes
/// the harness named READER. Each harness is a function of the input's bytes, one file each
/// beside this one; it returns 0, and stops the process (a finding) when the reader breaks its
/// contract: anything but a value or a `FileError`, a crash, or an unbounded allocation.
let harnesses: [String: @convention(c) (UnsafeRawPointer, Int) -> CInt] = [
    "idx": fuzzIDX,
    "safetensors": fuzzSafeTensors,
    "checkpoint": fuzzCheckpoint,
    "acl": fuzzProcessedACL,
    "reviews": fuzzReviews,
    "csv": fuzzCSV,
    "svmlight": fuzzSVMLight,
    "vocabulary": fuzzVocabulary,
    "cifar": fuzzCIFAR,
    "binarymatrix": fuzzBinaryMatrix,
    "tar": fuzzTar,
    "emnistmapping": fuzzEMNISTMapping,
    "numerictable": fuzzNumericTable,
    "numpy": fuzzNumPy,
    "norbcache": fuzzNORBCache,
    "sweep": fuzzSweepSpecification,
    "predict": fuzzPredictionInput,
]

/// The harness of this process, chosen once before libFuzzer starts.
nonisolated(unsafe) var selected: (@convention(c) (UnsafeRawPointer, Int) -> CInt)?

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    selected!(start, count)
}

@_silgen_name("LLVMFuzzerRunDriver")
func runDriver(_ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
               _ callback: @convention(c) (UnsafeRawPointer, Int) -> CInt) -> CInt

// SwiftPM links executables with main = RectifierFuzz_main: take the harness's name off the
// arguments and hand the rest to libFuzzer's driver.
@_cdecl("RectifierFuzz_main")
func entry(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    guard argc >= 2, let argv, let name = argv[1].map({ String(cString: $0) }), let harness = harnesses[name] else {
        FileHandle.standardError.write(Data("usage: RectifierFuzz READER [libFuzzer options]; readers: \(harnesses.keys.sorted().joined(separator: " "))\n".utf8))
        return 2
    }
    selected = harness
    argv[1] = argv[0]
    var count = argc - 1
    var rest: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = argv + 1
    return runDriver(&count, &rest, fuzzOneInput)
}
