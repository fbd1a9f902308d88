import CKernels
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where matrix products run: a system BLAS loaded at run time, or the built-in kernel.
///
/// A `LinearAlgebra` value is passed to everything that multiplies matrices; there is no global
/// switch. `LinearAlgebra.automatic` picks BLAS when one is installed, unless the environment
/// variable `RECTIFIER_GEMM=builtin` asks for the built-in kernel. `RECTIFIER_THREADS=n` sets
/// the thread count (default: all cores); `RECTIFIER_SPARSE=off` disables the sparse kernels.
public struct LinearAlgebra: Sendable, CustomStringConvertible {
    /// A GEMM implementation.
    public enum Backend: String, Sendable, Codable, CaseIterable {
        /// `cblas_sgemm` from OpenBLAS, a system `libblas.so.3`, or Accelerate.
        case blas
        /// Rectifier's own packed, register-blocked kernel (AVX2+FMA when the CPU has it).
        case builtin
    }

    /// The backend in use.
    public let backend: Backend
    /// Threads used for large products.
    public let threads: Int
    /// When layers use the sparse kernels instead of dense products.
    public var sparsity: SparsityPolicy = .automatic
    /// Threads for the built-in kernels' parallel regions.
    public let pool: ThreadPool
    /// Smallest dimension of a product sent to BLAS (see `defaultBLASMinimumDimension`).
    public let blasMinimumDimension: Int
    let blas: BLASLibrary?

    init(backend: Backend, threads: Int, blas: BLASLibrary?, blasMinimumDimension: Int = defaultBLASMinimumDimension) {
        self.backend = backend
        self.blasMinimumDimension = blasMinimumDimension
        self.threads = max(1, threads)
        self.blas = blas
        pool = ThreadPool.shared(threads: self.threads)
        if environment("RECTIFIER_SPARSE")?.lowercased() == "off" { sparsity = .never }
    }

    /// The same backend with another sparsity policy.
    public func with(sparsity: SparsityPolicy) -> LinearAlgebra {
        var copy = self
        copy.sparsity = sparsity
        return copy
    }

    /// With the BLAS backend, products with a dimension below this run on the built-in kernel:
    /// the skinny products of small-minibatch SGD (10 x 1000 x 1000 and its transposes) are
    /// 1.4 to 3 times faster there than in OpenBLAS (`rectifier bench`, README "Performance").
    public static let defaultBLASMinimumDimension = 64

    /// Products smaller than this many multiply-adds (and with B under a quarter of it) run on
    /// one thread: below it, a second thread costs more than it saves.
    static let parallelThreshold = 1 << 21

    /// The built-in kernel on `threads` threads.
    public static func builtin(threads: Int = LinearAlgebra.defaultThreads) -> LinearAlgebra {
        LinearAlgebra(backend: .builtin, threads: threads, blas: nil)
    }

    /// The system BLAS on `threads` threads, or nil when none is installed. Products with a
    /// dimension below `minimumDimension` use the built-in kernel (0: everything goes to BLAS).
    public static func systemBLAS(threads: Int = LinearAlgebra.defaultThreads,
                                  minimumDimension: Int = defaultBLASMinimumDimension) -> LinearAlgebra? {
        guard let lib = BLASLibrary.system else { return nil }
        lib.setThreads(threads)
        return LinearAlgebra(backend: .blas, threads: threads, blas: lib, blasMinimumDimension: minimumDimension)
    }

    /// BLAS when installed and not overridden by `RECTIFIER_GEMM=builtin`, else the built-in kernel.
    public static var automatic: LinearAlgebra {
        let wanted = environment("RECTIFIER_GEMM")?.lowercased()
        if wanted != Backend.builtin.rawValue, let blas = systemBLAS() { return blas }
        return builtin()
    }

    /// `RECTIFIER_THREADS` if set to a positive number, else the number of active cores.
    public static var defaultThreads: Int {
        if let s = environment("RECTIFIER_THREADS"), let n = Int(s), n > 0 { return n }
        return max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
    }

    /// One line for logs: backend, library and threads.
    public var description: String {
        let tail = "\(threads) thread\(threads == 1 ? "" : "s")" + (sparsity.enabled ? "" : ", sparse kernels off")
        switch backend {
        case .blas: return "BLAS \(blas?.description ?? "?"), " + tail
        case .builtin:
            let isa = rk_cpu_has_avx2_fma() != 0 ? "AVX2+FMA" : "portable"
            return "built-in GEMM (\(isa)), " + tail
        }
    }

    /// Row-major `C = alpha * op(A) * op(B) + beta * C`, where op(A) is m x k and op(B) is k x n.
    /// `transA` / `transB` mean A / B are stored transposed; `lda`, `ldb`, `ldc` are row strides.
    /// With `beta == 0`, C is write-only.
    public func gemm(transA: Bool = false, transB: Bool = false, m: Int, n: Int, k: Int,
                     alpha: Float = 1, a: UnsafePointer<Float>, lda: Int,
                     b: UnsafePointer<Float>, ldb: Int,
                     beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int) {
        if m == 0 || n == 0 { return }
        if let blas, backend == .blas, min(m, n, k) >= blasMinimumDimension {
            blas.gemm(transA: transA, transB: transB, m: m, n: n, k: k, alpha: alpha, a: a, lda: lda,
                      b: b, ldb: ldb, beta: beta, c: c, ldc: ldc)
            return
        }
        // Parallel when there is enough arithmetic, or enough of B to stream (a batch-1 product is
        // bound by reading B, and two cores read faster than one).
        let parts = m * n * k >= Self.parallelThreshold || k * n >= Self.parallelThreshold / 4 ? threads : 1
        let status = rk_sgemm_parallel(pool.handle, parts, transA ? 1 : 0, transB ? 1 : 0, m, n, k, alpha, a, lda,
                                       b, ldb, beta, c, ldc)
        precondition(status == 0, "out of memory for the GEMM packing buffers")
    }

    /// `C = alpha * op(A) * op(B) + beta * C` on matrices; shapes are checked.
    public func gemm(_ a: Matrix, transposed transA: Bool = false, _ b: Matrix, transposed transB: Bool = false,
                     alpha: Float = 1, beta: Float = 0, into c: inout Matrix) {
        let (m, k) = transA ? (a.columns, a.rows) : (a.rows, a.columns)
        let (kb, n) = transB ? (b.columns, b.rows) : (b.rows, b.columns)
        precondition(k == kb && c.rows == m && c.columns == n, "GEMM shape mismatch")
        a.storage.withUnsafeBufferPointer { pa in
            b.storage.withUnsafeBufferPointer { pb in
                c.storage.withUnsafeMutableBufferPointer { pc in
                    gemm(transA: transA, transB: transB, m: m, n: n, k: k, alpha: alpha,
                         a: pa.baseAddress!, lda: a.columns, b: pb.baseAddress!, ldb: b.columns,
                         beta: beta, c: pc.baseAddress!, ldc: n)
                }
            }
        }
    }
}

func environment(_ name: String) -> String? {
    getenv(name).map { String(cString: $0) }
}
