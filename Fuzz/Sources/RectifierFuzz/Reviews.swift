import Rectifier

/// Raw review files: any input gives reviews or a FileError, in both entity modes; the
/// tokenizer takes any text they hold. Skipping bad records never throws.
func fuzzReviews(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let bytes = Array(UnsafeRawBufferPointer(start: start, count: count))
    let tokenizer = Tokenizer()
    for decodesEntities in [true, false] {
        do {
            let file = try ReviewFile.parse(bytes, path: "fuzz", badRecords: .skip, decodesEntities: decodesEntities)
            for review in file.reviews {
                precondition(review.rating.isFinite)
                let counts = tokenizer.termCounts(review)
                precondition(counts.values.allSatisfy { $0 > 0 })
                precondition(counts.keys.allSatisfy { !$0.isEmpty && !$0.utf8.contains { $0 == 0x20 || $0 == 0x0A } })
            }
            if let strict = try? ReviewFile.parse(bytes, path: "fuzz", decodesEntities: decodesEntities) {
                precondition(file.skipped.count == 0 && strict.reviews == file.reviews, "the two modes disagree")
            }
        } catch {
            preconditionFailure("skip mode threw: \(error)")
        }
    }
    return 0
}
