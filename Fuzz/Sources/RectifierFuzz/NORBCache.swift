import Rectifier

/// NORB caches, whatever sources they claim: nil, or pixels and labels whose counts agree
/// and whose labels are classes.
func fuzzNORBCache(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let bytes = Array(UnsafeRawBufferPointer(start: start, count: count))
    if let ((trainPixels, trainLabels), (testPixels, testLabels)) = NORBCache.decode(bytes, classes: 6, sourcesMatch: { _ in true }) {
        precondition(trainPixels.count == 2048 * trainLabels.count && testPixels.count == 2048 * testLabels.count)
        precondition((trainLabels + testLabels).allSatisfy { (0..<6).contains($0) })
    }
    return 0
}
