import Foundation

/// What runs fastest on this machine, measured once and kept: which backend takes the large
/// dense products (the built-in kernel or the system BLAS), and the input densities below
/// which the large-batch sparse kernels beat the dense products.
///
/// Fixed rules tuned on one CPU go wrong on the next: Debian's OpenBLAS runs 1000x1000x1000 at
/// about half the built-in AVX2 kernel's rate on one AMD EPYC and faster on another, and where
/// the sparse kernels stop paying moves with the caches and the memory. A calibration takes a
/// few seconds; `rectifier bench --calibrate` redoes it, and the command-line tool keeps it in
/// a small file, keyed by `machine` and `blas`, so a machine always makes the same choice.
public struct Calibration: Codable, Equatable, Sendable {
    /// Bumped when the kernels change what a calibration measures (a kept calibration of
    /// another version is measured again). 2: the built-in GEMM's 102-row blocks.
    public static let currentVersion = 2

    public var version: Int
    /// The CPU, its instruction set and the threads the products run on.
    public var machine: String
    /// The system BLAS (`BLASLibrary.description`), or nil when none is installed.
    public var blas: String?
    /// GFLOP/s at 1000x1000x1000 (the size measured) of the built-in kernel and of BLAS.
    public var builtinGFLOPS: Double
    public var blasGFLOPS: Double?
    /// Densities of non-zero inputs below which the sparse forward (batch 1000) and the fused
    /// sparse backward (batch 100) were faster (`SparsityPolicy.largeBatchForwardDensity`,
    /// `largeBatchBackwardDensity`).
    public var forwardDensity: Double
    public var backwardDensity: Double
    /// When it was measured (seconds since 1970) and how long it took.
    public var date: Double
    public var seconds: Double

    public init(version: Int = currentVersion, machine: String, blas: String?, builtinGFLOPS: Double, blasGFLOPS: Double?,
                forwardDensity: Double, backwardDensity: Double, date: Double, seconds: Double) {
        (self.version, self.machine, self.blas, self.builtinGFLOPS, self.blasGFLOPS) = (version, machine, blas, builtinGFLOPS, blasGFLOPS)
        (self.forwardDensity, self.backwardDensity, self.date, self.seconds) = (forwardDensity, backwardDensity, date, seconds)
    }

    /// The backend for large products: BLAS only when it was clearly faster (5%), since the
    /// built-in kernel gives the same bits on every machine and thread count.
    public var backend: LinearAlgebra.Backend {
        if let blas = blasGFLOPS, blas > 1.05 * builtinGFLOPS { return .blas }
        return .builtin
    }

    /// The products on `threads` threads as this calibration found them fastest.
    public func linearAlgebra(threads: Int) -> LinearAlgebra {
        var la = backend == .blas ? (LinearAlgebra.systemBLAS(threads: threads) ?? .builtin(threads: threads)) : .builtin(threads: threads)
        var policy = SparsityPolicy.automatic
        policy.largeBatchForwardDensity = forwardDensity
        policy.largeBatchBackwardDensity = backwardDensity
        la.sparsity = policy
        la.calibrated = true
        return la
    }

    /// Whether this calibration was made for this machine, these threads and this BLAS.
    public func fits(threads: Int) -> Bool {
        version == Self.currentVersion && machine == Self.machine(threads: threads) && blas == BLASLibrary.system?.description
    }

    /// The CPU's model name, instruction set and `threads`.
    public static func machine(threads: Int) -> String {
        var model = "unknown CPU"
        if let info = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
           let line = info.split(separator: "\n").first(where: { $0.hasPrefix("model name") }),
           let colon = line.firstIndex(of: ":") {
            model = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        return "\(model), \(LinearAlgebra.InstructionSet.best), \(threads) thread\(threads == 1 ? "" : "s")"
    }

    /// Measures this machine on `threads` threads (a few seconds): GEMM at `size`³, the sparse
    /// products on `size x size` layers at batch 100 and `size` (the paper's layers: 1000).
    public static func measure(threads: Int, size: Int = 1000) -> Calibration {
        let clock = ContinuousClock()
        let start = clock.now
        // Interleaved (built-in, BLAS, built-in, …) and the best of each kept: another process
        // on the machine slows whichever runs beside it, and the best is what each can do.
        var gemm = GEMMBenchmark()
        gemm.repetitions = 1
        gemm.minSeconds = 0.1
        let builtin = LinearAlgebra.builtin(threads: threads)
        let blas = LinearAlgebra.systemBLAS(threads: threads)
        var builtinRate = 0.0, blasRate: Double? = blas == nil ? nil : 0
        for _ in 0..<4 {
            builtinRate = max(builtinRate, gemm.measure(builtin, m: size, k: size, n: size).gflops)
            if let blas { blasRate = max(blasRate ?? 0, gemm.measure(blas, m: size, k: size, n: size).gflops) }
        }
        var calibration = Calibration(version: currentVersion, machine: machine(threads: threads), blas: BLASLibrary.system?.description,
                                      builtinGFLOPS: builtinRate, blasGFLOPS: blasRate,
                                      forwardDensity: SparsityPolicy.automatic.largeBatchForwardDensity,
                                      backwardDensity: SparsityPolicy.automatic.largeBatchBackwardDensity,
                                      date: Date().timeIntervalSince1970, seconds: 0)
        // The crossovers, against the backend just chosen.
        var sparse = SparseProductBenchmark()
        sparse.densities = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.8]
        sparse.minSeconds = 0.02
        sparse.repetitions = 1
        sparse.shapes = [.init(batch: 100, inputs: size, outputs: size), .init(batch: size, inputs: size, outputs: size)]
        let crossovers = SparseProductBenchmark.crossovers(sparse.run(using: calibration.linearAlgebra(threads: threads)))
        func density(_ product: String, _ batch: Int) -> Double? {
            crossovers.first { $0.product == product && $0.batch == batch }.map { $0.sparseFasterThroughout ? 0.8 : ($0.density ?? 0) }
        }
        calibration.forwardDensity = density("forward", size) ?? calibration.forwardDensity
        calibration.backwardDensity = density("backward", 100) ?? calibration.backwardDensity
        calibration.seconds = (clock.now - start).seconds
        return calibration
    }
}

/// The calibrations of one machine, as a cache file holds them (one per thread count and BLAS).
public struct CalibrationFile: Codable, Sendable {
    public var calibrations: [Calibration] = []

    public init() {}

    /// The file at `path`, or an empty one when there is none or it cannot be read (it is a
    /// cache: a damaged one is measured again).
    public static func read(_ path: String) -> CalibrationFile {
        guard let bytes = try? FileIO.read(path, limit: 1 << 20),
              let file = try? FileIO.jsonDecoder().decode(CalibrationFile.self, from: Data(bytes)) else { return CalibrationFile() }
        return file
    }

    /// The calibration that fits `threads` on this machine, if any.
    public func calibration(threads: Int) -> Calibration? { calibrations.last { $0.fits(threads: threads) } }

    /// Keeps `calibration`, replacing any of the same machine and BLAS, and writes the file.
    public mutating func keep(_ calibration: Calibration, at path: String) throws {
        calibrations.removeAll { $0.machine == calibration.machine && $0.blas == calibration.blas }
        calibrations.append(calibration)
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try FileIO.writeJSON(self, to: path)
    }
}
