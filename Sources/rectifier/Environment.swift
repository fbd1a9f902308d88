#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Rectifier

/// The environment variables Rectifier honours, read once, here and nowhere else; the library
/// receives them as values.
struct ProcessEnvironment {
    /// `RECTIFIER_GEMM=builtin|blas`: force a GEMM backend under `--backend auto`.
    var gemm: String?
    /// `RECTIFIER_THREADS=n`: the default thread count.
    var threads: Int?
    /// `RECTIFIER_THREAD_CHOICE=off`: keep small-minibatch steps on all threads.
    var threadChoice = true
    /// `RECTIFIER_SPARSE=off`: never use the sparse kernels for dense inputs.
    var sparseKernels = true
    /// `RECTIFIER_SPARSE_MAX_BATCH=n`: the largest batch for the sparse kernels (for measuring
    /// where they stop paying; at most the kernels' limit).
    var sparseMaxBatch: Int?
    /// `RECTIFIER_SPARSE_DENSITY=f` or `f,b`: above that batch, the largest fraction of
    /// non-zero inputs for the sparse forward (f) and the fused sparse backward (b, default f),
    /// for measuring the crossover; each in [0, 1].
    var sparseDensity: (forward: Double, backward: Double)?
    /// `RECTIFIER_MAX_FILE_BYTES=n`: the largest file any reader loads.
    var maxFileBytes = FileIO.defaultSizeLimit

    /// The values of this process's environment (unset, empty or unparsable values keep the defaults).
    static let current: ProcessEnvironment = {
        func value(_ name: String) -> String? {
            getenv(name).map { String(cString: $0) }.flatMap { $0.isEmpty ? nil : $0 }
        }
        var env = ProcessEnvironment()
        env.gemm = value("RECTIFIER_GEMM")?.lowercased()
        env.threads = value("RECTIFIER_THREADS").flatMap(Int.init).flatMap { $0 > 0 ? $0 : nil }
        env.threadChoice = value("RECTIFIER_THREAD_CHOICE")?.lowercased() != "off"
        env.sparseKernels = value("RECTIFIER_SPARSE")?.lowercased() != "off"
        env.sparseMaxBatch = value("RECTIFIER_SPARSE_MAX_BATCH").flatMap(Int.init).flatMap { $0 > 0 ? $0 : nil }
        if let parts = value("RECTIFIER_SPARSE_DENSITY")?.split(separator: ",").map({ Double($0) }),
           (1...2).contains(parts.count), parts.allSatisfy({ $0.map { (0...1).contains($0) } ?? false }) {
            env.sparseDensity = (parts[0]!, parts.last!!)
        }
        if let n = value("RECTIFIER_MAX_FILE_BYTES").flatMap(Int.init), n > 0 { env.maxFileBytes = n }
        return env
    }()
}
