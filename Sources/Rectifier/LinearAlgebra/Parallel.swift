import CKernels
import Synchronization

/// A fork-join pool of threads for the parallel parts of a training step (GEMM slabs, sparse
/// kernel row ranges). Regions last microseconds, so workers spin briefly between them instead
/// of going back to sleep (see `Sources/CKernels/pool.c`).
///
/// Pools are shared per thread count for the life of the process: they hold threads, not
/// training state.
public final class ThreadPool: @unchecked Sendable {
    /// Threads in all, the caller included.
    public let threads: Int
    private let pool: OpaquePointer?

    private init(threads: Int) {
        self.threads = threads
        pool = threads > 1 ? rk_pool_create(Int32(threads)) : nil
    }

    deinit { rk_pool_destroy(pool) }

    private static let pools = Mutex<[Int: ThreadPool]>([:])

    /// The process-wide pool with `threads` threads.
    public static func shared(threads: Int) -> ThreadPool {
        pools.withLock { pools in
            if let p = pools[threads] { return p }
            let p = ThreadPool(threads: threads)
            pools[threads] = p
            return p
        }
    }

    /// Runs `body(part)` for every part in `0..<parts` and waits for all; with one part, or one
    /// thread, runs inline.
    public func run(_ parts: Int, _ body: (Int) -> Void) {
        if parts <= 1 || pool == nil {
            for part in 0..<max(parts, 0) { body(part) }
            return
        }
        withoutActuallyEscaping(body) { body in
            var task = body
            withUnsafeMutablePointer(to: &task) { context in
                rk_pool_run(pool, parts, { context, part in
                    context!.assumingMemoryBound(to: ((Int) -> Void).self).pointee(part)
                }, context)
            }
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

/// Wraps a value that is safe to share across the threads of one parallel region: raw
/// pointers into buffers whose parts are written by disjoint threads.
struct UncheckedSendable<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}
