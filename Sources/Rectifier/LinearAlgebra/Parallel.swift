import CKernels
import Synchronization

/// A fork-join pool of threads for the parallel parts of a training step (GEMM slabs, sparse
/// kernel row ranges). Regions last microseconds, so workers spin briefly between them instead
/// of going back to sleep (see `Sources/CKernels/pool.c`). The kernels are split across it in C
/// (`Sources/CKernels/parallel.c`), with their arguments on the stack: a parallel region
/// allocates nothing.
///
/// Pools are shared per thread count for the life of the process: they hold threads, not
/// training state.
public final class ThreadPool: @unchecked Sendable {
    /// Threads in all, the caller included.
    public let threads: Int
    /// The C pool (nil with one thread: kernels then run on the caller).
    let handle: OpaquePointer?

    private init(threads: Int) {
        self.threads = threads
        handle = threads > 1 ? rk_pool_create(Int32(threads)) : nil
    }

    deinit { rk_pool_destroy(handle) }

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
}
