import Rectifier

/// vocabulary.txt files: any input gives a vocabulary or a FileError; a vocabulary read back
/// from its own text is the same.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let bytes = Array(UnsafeRawBufferPointer(start: start, count: count))
    do {
        let vocabulary = try Vocabulary.parse(bytes, source: "fuzz")
        let again = try Vocabulary.parse(Array(vocabulary.text.utf8), source: "again")
        precondition(again == vocabulary, "round trip differs")
        precondition(vocabulary.terms.enumerated().allSatisfy { vocabulary.column(of: $0.element) == $0.offset })
    } catch is FileError {
    } catch {
        preconditionFailure("unexpected error type: \(error)")
    }
    return 0
}

// SwiftPM links executables with main = FuzzVocabulary_main; hand control to libFuzzer's driver.
@_silgen_name("LLVMFuzzerRunDriver")
func runDriver(_ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
               _ callback: @convention(c) (UnsafeRawPointer, Int) -> CInt) -> CInt

@_cdecl("FuzzVocabulary_main")
func entry(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var argc = argc
    var argv = argv
    return runDriver(&argc, &argv, fuzz)
}
