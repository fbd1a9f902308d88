import Rectifier

/// vocabulary.txt files: any input gives a vocabulary or a FileError; a vocabulary read back
/// from its own text is the same.
func fuzzVocabulary(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
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
