import CKernels
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where matrix products run: a system BLAS loaded at run time, or the built-in kernel.
///
/// A `LinearAlgebra` value is passed to everything that multiplies matrices; there is no global
/// switch, and the library reads no environment variable: `LinearAlgebra.automatic` picks the
/// faster backend for the CPU (see there), and the command-line tool turns `RECTIFIER_GEMM`,
/// `RECTIFIER_THREADS`, `RECTIFIER_SPARSE` and `RECTIFIER_THREAD_CHOICE` into these values.
public struct LinearAlgebra: Sendable, CustomStringConvertible {
    /// A GEMM implementation.
    public enum Backend: String, Sendable, Codable, CaseIterable {
        /// `cblas_sgemm` from OpenBLAS, a system `libblas.so.3`, or Accelerate.
        case blas
        /// Rectifier's own packed, register-blocked kernel (AVX-512 or AVX2+FMA when the CPU has it).
        case builtin
    }

    /// The instruction set of the built-in kernel's micro-kernel.
    public enum InstructionSet: Int, Sendable, Codable, CaseIterable, Comparable, CustomStringConvertible {
        /// Plain C, any CPU: a 6 x 16 tile.
        case portable = 0
        /// AVX2 + FMA: a 6 x 16 tile in 12 ymm registers.
        case avx2 = 1
        /// AVX-512F: a 6 x 64 tile in 24 zmm registers.
        case avx512 = 2

        /// The best one this CPU runs.
        public static var best: InstructionSet { InstructionSet(rawValue: Int(rk_cpu_isa())) ?? .portable }

        /// The name used in logs and reports: `portable`, `AVX2+FMA` or `AVX-512`.
        public var description: String {
            switch self {
            case .portable: "portable"
            case .avx2: "AVX2+FMA"
            case .avx512: "AVX-512"
            }
        }

        /// Orders instruction sets from the oldest to the widest.
        public static func < (a: InstructionSet, b: InstructionSet) -> Bool { a.rawValue < b.rawValue }
    }

    /// The backend in use.
    public let backend: Backend
    /// The built-in kernel's instruction set (also used by the BLAS backend for small products).
    public let instructionSet: InstructionSet
    /// Threads used for large products.
    public let threads: Int
    /// When layers use the sparse kernels instead of dense products.
    public var sparsity: SparsityPolicy = .automatic
    /// Whether small-minibatch training may move its steps to one thread while that measures
    /// faster (`ThreadChoice`); false keeps every step on all `threads`.
    public var threadChoice = true
    /// Threads for the built-in kernels' parallel regions.
    public let pool: ThreadPool
    /// Whether the backend and the sparse crossovers come from this machine's `Calibration`.
    public internal(set) var calibrated = false
    /// Smallest dimension of a product sent to BLAS (see `defaultBLASMinimumDimension`).
    public let blasMinimumDimension: Int
    let blas: BLASLibrary?

    init(backend: Backend, threads: Int, blas: BLASLibrary?, blasMinimumDimension: Int = defaultBLASMinimumDimension,
         instructionSet: InstructionSet = .best) {
        self.backend = backend
        self.instructionSet = min(instructionSet, .best)
        self.blasMinimumDimension = blasMinimumDimension
        self.threads = max(1, threads)
        self.blas = blas
        pool = ThreadPool.shared(threads: self.threads)
    }

    /// The same backend and kernels on `threads` threads.
    public func with(threads: Int) -> LinearAlgebra {
        var copy = LinearAlgebra(backend: backend, threads: threads, blas: blas, blasMinimumDimension: blasMinimumDimension,
                                 instructionSet: instructionSet)
        copy.sparsity = sparsity
        copy.threadChoice = threadChoice
        copy.calibrated = calibrated
        return copy
    }

    /// The same backend, with (true) or without ThreadChoice for small-minibatch training.
    public func with(threadChoice: Bool) -> LinearAlgebra {
        var copy = self
        copy.threadChoice = threadChoice
        return copy
    }

    /// The same backend with another sparsity policy.
    public func with(sparsity: SparsityPolicy) -> LinearAlgebra {
        var copy = self
        copy.sparsity = sparsity
        return copy
    }

    /// With the BLAS backend, products with a dimension below this run on the built-in kernel:
    /// the skinny products of small-minibatch SGD (10 x 1000 x 1000 and its transposes) are
    /// 1.4 to 3 times faster there than in OpenBLAS, and minibatch-100 training was 4-13% faster
    /// with its products there too (three interleaved pairs on a 2-core Zen 3, OpenBLAS 0.3.21;
    /// OpenBLAS stays faster at 1000 x 1000 x 1000; docs/performance.md).
    public static let defaultBLASMinimumDimension = 128

    /// Products of fewer multiply-adds than this run on one thread, unless they read at least
    /// `streamingThreshold` weights: below both, a second thread costs more than it saves.
    static let parallelThreshold = 1 << 21
    /// A product that reads this many weights runs on every thread however little it computes:
    /// a batch-1 product (dense or sparse) is bound by reading W, and two cores read faster than one.
    static let streamingThreshold = 1 << 17

    /// The parts a product is cut into, one per thread or one in all: the one threading rule
    /// of every product, dense and sparse.
    func parts(multiplyAdds: Int, weightsRead: Int) -> Int {
        multiplyAdds >= Self.parallelThreshold || weightsRead >= Self.streamingThreshold ? threads : 1
    }

    /// The built-in kernel on `threads` threads, with the best micro-kernel the CPU runs up to
    /// `instructionSet` (lower ones are there to compare and test them).
    public static func builtin(threads: Int = LinearAlgebra.defaultThreads,
                               instructionSet: InstructionSet = .best) -> LinearAlgebra {
        LinearAlgebra(backend: .builtin, threads: threads, blas: nil, instructionSet: instructionSet)
    }

    /// The system BLAS on `threads` threads, or nil when none is installed. Products with a
    /// dimension below `minimumDimension` use the built-in kernel (0: everything goes to BLAS).
    /// Each product sets the library's thread count to this value's `threads` first (OpenBLAS
    /// keeps one count for the whole process), so values on different thread counts do not
    /// change each other.
    public static func systemBLAS(threads: Int = LinearAlgebra.defaultThreads,
                                  minimumDimension: Int = defaultBLASMinimumDimension) -> LinearAlgebra? {
        guard let lib = BLASLibrary.system else { return nil }
        return LinearAlgebra(backend: .blas, threads: threads, blas: lib, blasMinimumDimension: minimumDimension)
    }

    /// The built-in kernel when the CPU runs its AVX-512 micro-kernel (1.7-2 times the GFLOP/s of
    /// OpenBLAS's AVX2 kernels, and on par with an AVX-512 OpenBLAS, on the Zen 5 machine of
    /// docs/performance.md), else the system BLAS when installed, else the built-in kernel.
    /// The choice is fixed by the machine, never by a timing, so a seed gives the same result on
    /// every run.
    public static var automatic: LinearAlgebra { automatic(threads: defaultThreads) }

    /// `automatic` on `threads` threads.
    public static func automatic(threads: Int) -> LinearAlgebra {
        if InstructionSet.best >= .avx512 { return builtin(threads: threads) }
        return systemBLAS(threads: threads) ?? builtin(threads: threads)
    }

    /// The number of active cores.
    public static var defaultThreads: Int { max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))) }

    /// One line for logs: backend, library and threads.
    public var description: String {
        let tail = "\(threads) thread\(threads == 1 ? "" : "s")" + (sparsity.enabled ? "" : ", sparse kernels off")
            + (calibrated ? ", calibrated" : "")
        switch backend {
        case .blas: return "BLAS \(blas?.description ?? "?"), " + tail
        case .builtin: return "built-in GEMM (\(instructionSet)), " + tail
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
            blas.useThreads(threads)
            blas.gemm(transA: transA, transB: transB, m: m, n: n, k: k, alpha: alpha, a: a, lda: lda,
                      b: b, ldb: ldb, beta: beta, c: c, ldc: ldc)
            return
        }
        let parts = parts(multiplyAdds: m * n * k, weightsRead: k * n)
        let status = rk_sgemm_parallel(pool.handle, parts, Int32(instructionSet.rawValue), transA ? 1 : 0, transB ? 1 : 0, m, n, k, alpha, a, lda,
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
