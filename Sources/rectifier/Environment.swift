#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Rectifier

/// The environment variables Rectifier honours, read once, here and nowhere else; the library
/// receives them as values.
struct ProcessEnvironment {
    /// `RECTIFIER_GEMM=builtin|blas`: force a GEMM backend under `--backend auto` (`auto`, the
    /// default, forces none).
    var gemm: String?
    /// `RECTIFIER_THREADS=n`: the default thread count.
    var threads: Int?
    /// `RECTIFIER_THREAD_CHOICE=off`: keep small-minibatch steps on all threads (`on`, the default).
    var threadChoice = true
    /// `RECTIFIER_SPARSE=off`: never use the sparse kernels for dense inputs (`on`, the default).
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
    /// `RECTIFIER_CALIBRATION=off`: under `--backend auto`, the fixed rule instead of this
    /// machine's measured calibration (`on`, the default).
    var calibration = true
    /// Where the calibration is kept: `$XDG_CACHE_HOME/rectifier`, else `$HOME/.cache/rectifier`
    /// (nil without either: measured again by each command).
    var calibrationPath: String?

    /// The first variable set to a value it cannot take, as the error that names it and the
    /// value; `RectifierCommand` refuses to start then, rather than ignore the setting.
    var invalid: UsageError?

    /// The values of this process's environment (unset or empty variables keep the defaults).
    static let current = ProcessEnvironment { getenv($0).map { String(cString: $0) } }

    /// The settings `variable` gives (a variable's value, or nil when it is not set).
    init(_ variable: (String) -> String?) {
        func value(_ name: String) -> String? { variable(name).flatMap { $0.isEmpty ? nil : $0 } }
        func refuse(_ name: String, _ text: String, _ expected: String) {
            if invalid == nil { invalid = UsageError("\(name)=\(ErrorText.quoted(text)) is not \(expected)") }
        }
        func word(_ name: String, _ words: [String]) -> String? {
            guard let text = value(name) else { return nil }
            guard words.contains(text.lowercased()) else {
                refuse(name, text, "one of " + words.joined(separator: ", "))
                return nil
            }
            return text.lowercased()
        }
        func positive(_ name: String) -> Int? {
            guard let text = value(name) else { return nil }
            guard let n = Int(text), n > 0 else {
                refuse(name, text, "a positive whole number")
                return nil
            }
            return n
        }
        gemm = word("RECTIFIER_GEMM", ["auto", "builtin", "blas"])
        threads = positive("RECTIFIER_THREADS")
        threadChoice = word("RECTIFIER_THREAD_CHOICE", ["on", "off"]) != "off"
        sparseKernels = word("RECTIFIER_SPARSE", ["on", "off"]) != "off"
        sparseMaxBatch = positive("RECTIFIER_SPARSE_MAX_BATCH")
        if let text = value("RECTIFIER_SPARSE_DENSITY") {
            let parts = text.split(separator: ",", omittingEmptySubsequences: false).map { Double($0) }
            if (1...2).contains(parts.count), let f = parts[0], let b = parts.last!, (0...1).contains(f), (0...1).contains(b) {
                sparseDensity = (f, b)
            } else {
                refuse("RECTIFIER_SPARSE_DENSITY", text, "a fraction f or f,b (each from 0 to 1)")
            }
        }
        if let n = positive("RECTIFIER_MAX_FILE_BYTES") { maxFileBytes = n }
        calibration = word("RECTIFIER_CALIBRATION", ["on", "off"]) != "off"
        let cache = value("XDG_CACHE_HOME") ?? value("HOME").map { $0 + "/.cache" }
        calibrationPath = cache.map { $0 + "/rectifier/calibration.json" }
    }
}
