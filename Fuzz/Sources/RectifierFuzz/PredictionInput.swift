import Rectifier

/// Rows to classify: a matrix of the model's width, or a FileError; with feature names, a
/// header picks columns.
func fuzzPredictionInput(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let bytes = Array(UnsafeRawBufferPointer(start: start, count: count))
    for names in [nil, ["a", "b", "c"]] as [[String]?] {
        do {
            let rows = try PredictionInput.parseText(bytes, path: "fuzz", width: 3, featureNames: names)
            precondition(rows.columns == 3 && rows.rows >= 1 && rows.storage.allSatisfy(\.isFinite))
        } catch is FileError {
        } catch {
            preconditionFailure("unexpected error type: \(error)")
        }
    }
    return 0
}
