import Dispatch

/// Runs `body(part)` for `part` in `0..<parts` on up to `parts` threads and waits for all.
/// With one part it runs inline, so single-threaded callers pay nothing.
@inline(__always)
func parallelFor(_ parts: Int, _ body: (Int) -> Void) {
    if parts <= 1 {
        body(0)
    } else {
        withoutActuallyEscaping(body) { body in
            let box = UncheckedSendable(body)
            DispatchQueue.concurrentPerform(iterations: parts) { box.value($0) }
        }
    }
}

/// Splits `0..<count` into `parts` contiguous ranges whose bounds are multiples of `granule`
/// (except the last end), as even as that allows. Empty ranges are dropped.
func splitRange(_ count: Int, parts: Int, granule: Int) -> [Range<Int>] {
    let units = (count + granule - 1) / granule
    let p = max(1, min(parts, units))
    var out: [Range<Int>] = []
    out.reserveCapacity(p)
    var start = 0
    for i in 0..<p {
        let end = i == p - 1 ? count : min(count, ((units * (i + 1)) / p) * granule)
        if end > start { out.append(start..<end) }
        start = end
    }
    return out
}

/// Wraps a value that is safe to share across the threads of one `parallelFor` call: raw
/// pointers into buffers whose parts are written by disjoint threads.
struct UncheckedSendable<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}
