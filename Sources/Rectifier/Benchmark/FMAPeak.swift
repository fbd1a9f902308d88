import CKernels
import Foundation

/// The machine's single-precision FMA peak for one instruction set: a register-only loop of
/// independent vector FMAs (`rk_fma_loop`), on one core and on every core at once. What a GEMM
/// reaches is read as a fraction of it.
public struct FMAPeak: Codable, Sendable {
    /// `AVX-512`, `AVX2+FMA` or `portable`.
    public var instructionSet: String
    /// GFLOP/s of one core (best of the repetitions).
    public var gflopsPerCore: Double
    /// GFLOP/s of `cores` cores together.
    public var gflopsAllCores: Double
    public var cores: Int

    /// Measures `instructionSet` for about `seconds` per repetition, on one core and on `cores`.
    public static func measure(_ instructionSet: LinearAlgebra.InstructionSet = .best,
                               cores: Int = ProcessInfo.processInfo.activeProcessorCount,
                               seconds: Double = 0.2, repetitions: Int = 3) -> FMAPeak {
        let isa = Int32(instructionSet.rawValue)
        let flopsPerIteration = Double(rk_fma_flops_per_iteration(isa))
        let clock = ContinuousClock()
        // Calibrate: enough iterations for `seconds` on one core.
        var iterations = 1 << 16
        while true {
            let t = clock.measure { _ = rk_fma_loop(isa, iterations) }.seconds
            if t >= seconds / 4 || iterations >= 1 << 40 {
                iterations = max(1, Int(Double(iterations) * seconds / max(t, 1e-9)))
                break
            }
            iterations *= 4
        }
        func rate(threads: Int) -> Double {
            let n = iterations
            let t = clock.measure {
                DispatchQueue.concurrentPerform(iterations: threads) { _ in _ = rk_fma_loop(isa, n) }
            }.seconds
            return flopsPerIteration * Double(n) * Double(threads) / t / 1e9
        }
        let one = (0..<repetitions).map { _ in rate(threads: 1) }.max() ?? 0
        let all = (0..<repetitions).map { _ in rate(threads: max(1, cores)) }.max() ?? 0
        return FMAPeak(instructionSet: instructionSet.description, gflopsPerCore: one, gflopsAllCores: all, cores: max(1, cores))
    }

    /// The peak of `threads` cores (at most all of them).
    public func gflops(threads: Int) -> Double {
        threads >= cores ? gflopsAllCores : gflopsPerCore * Double(max(1, threads))
    }
}
