import Rectifier

/// Sweep files: a specification or a FileError; an accepted one expands to the runs it counts.
func fuzzSweepSpecification(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let text = String(decoding: UnsafeRawBufferPointer(start: start, count: count), as: UTF8.self)
    do {
        let spec = try SweepSpecification.parse(text, path: "fuzz.toml")
        let expected = spec.count * (spec.zip.first?.values.count ?? 1) * spec.grid.reduce(1) { $0 * $1.values.count }
        precondition(expected <= SweepSpecification.maximumRuns)
        if expected <= 2000 { precondition(spec.expand().count == expected) }
    } catch is FileError {
    } catch {
        preconditionFailure("unexpected error type: \(error)")
    }
    return 0
}
