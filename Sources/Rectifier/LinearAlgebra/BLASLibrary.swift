#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A system BLAS found at run time: OpenBLAS (`libopenblas.so.0`), any `libblas.so.3` that
/// exports CBLAS, or Accelerate on macOS.
///
/// Loading with `dlopen` rather than linking keeps `swift build` working on a machine that has
/// only the Swift toolchain, and picks up OpenBLAS as soon as it is installed, with no rebuild.
public struct BLASLibrary: Sendable {
    typealias SGEMM = @convention(c) (
        Int32, Int32, Int32, Int32, Int32, Int32, Float, UnsafePointer<Float>?, Int32,
        UnsafePointer<Float>?, Int32, Float, UnsafeMutablePointer<Float>?, Int32
    ) -> Void
    typealias SetThreads = @convention(c) (Int32) -> Void
    typealias GetThreads = @convention(c) () -> Int32
    typealias GetConfig = @convention(c) () -> UnsafePointer<CChar>?

    /// The file that was loaded, e.g. `libopenblas.so.0`.
    public let path: String
    /// What the library says about itself (OpenBLAS's build configuration), or `path`.
    public let description: String
    let sgemm: SGEMM
    let setThreads: SetThreads?
    let getThreads: GetThreads?

    /// Candidate libraries, most preferred first.
    static let candidates: [String] = {
        #if os(macOS)
        return ["/System/Library/Frameworks/Accelerate.framework/Accelerate"]
        #else
        return ["libopenblas.so.0", "libopenblas.so", "libblas.so.3"]
        #endif
    }()

    /// The first candidate library that loads and exports `cblas_sgemm`, or nil. Computed once.
    public static let system: BLASLibrary? = candidates.lazy.compactMap { load($0) }.first

    /// Loads `path` and resolves its CBLAS entry points; nil when it is absent or not a CBLAS.
    public static func load(_ path: String) -> BLASLibrary? {
        guard let handle = dlopen(path, RTLD_NOW | RTLD_LOCAL) else { return nil }
        guard let sgemm = dlsym(handle, "cblas_sgemm") else {
            dlclose(handle)
            return nil
        }
        // The handle is never closed: the library stays loaded for the life of the process.
        let config = dlsym(handle, "openblas_get_config").map { unsafeBitCast($0, to: GetConfig.self) }
        let text = config.flatMap { $0() }.map { String(cString: $0) }
        return BLASLibrary(
            path: path,
            description: text.map { "\(path) (\($0.trimmingCharacters()))" } ?? path,
            sgemm: unsafeBitCast(sgemm, to: SGEMM.self),
            setThreads: dlsym(handle, "openblas_set_num_threads").map { unsafeBitCast($0, to: SetThreads.self) },
            getThreads: dlsym(handle, "openblas_get_num_threads").map { unsafeBitCast($0, to: GetThreads.self) })
    }

    /// Threads the library uses for one product, when it can tell.
    public var threads: Int? { getThreads.map { Int($0()) } }

    /// Asks the library to use `count` threads (OpenBLAS only; others ignore it).
    public func setThreads(_ count: Int) { setThreads?(Int32(count)) }

    /// Sets the thread count to `count` unless the library already uses it (asking costs
    /// little, but setting it anew can restart OpenBLAS's threads).
    func useThreads(_ count: Int) {
        guard let getThreads, let setThreads, Int(getThreads()) != count else { return }
        setThreads(Int32(count))
    }

    /// Row-major `C = alpha * op(A) * op(B) + beta * C` through `cblas_sgemm`.
    func gemm(transA: Bool, transB: Bool, m: Int, n: Int, k: Int, alpha: Float,
              a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
              beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int) {
        let rowMajor: Int32 = 101, noTrans: Int32 = 111, trans: Int32 = 112
        sgemm(rowMajor, transA ? trans : noTrans, transB ? trans : noTrans,
              Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }
}

private extension String {
    func trimmingCharacters() -> String {
        var s = Substring(self)
        while let f = s.first, f.isWhitespace { s.removeFirst() }
        while let l = s.last, l.isWhitespace { s.removeLast() }
        return String(s)
    }
}
