import CKernels

/// When layers take the sparse path: visiting only the non-zero inputs instead of running a
/// dense product.
///
/// Rectifier layers output exact zeros (80-90% of them with the paper's L1 penalty) and MNIST
/// pixels are mostly zero. A zero input contributes nothing to the forward product, its row of
/// weights gets no gradient and needs no update, and (below a rectifier) its back-propagated
/// gradient is never used. The sparse kernels skip all of that; they pay off when batches are
/// small and inputs sparse. The choice is made per layer and per batch from the measured
/// density of the batch, so results do not depend on it beyond floating-point rounding.
public struct SparsityPolicy: Sendable, Equatable, Codable {
    /// Whether the sparse path may be used at all.
    public var enabled: Bool
    /// Largest batch for the sparse forward kernel and the fused sparse backward/update kernel.
    public var maxBatch: Int
    /// Use the sparse forward kernel when nnz(input) ≤ `forwardBreakEven` × (dense cost), where
    /// the dense cost counts one input row per micro-tile of 6 batch rows.
    public var forwardBreakEven: Double
    /// Use the fused sparse backward when the fraction of non-zero inputs is at most this.
    public var backwardDensity: Double

    /// Measured on a 2-core AVX2 machine with `rectifier bench` (see README, Performance).
    public static let automatic = SparsityPolicy(enabled: true, maxBatch: 32, forwardBreakEven: 1.0, backwardDensity: 1.0)
    /// Always dense (the reference path).
    public static let never = SparsityPolicy(enabled: false, maxBatch: 0, forwardBreakEven: 0, backwardDensity: 0)
    /// Sparse whenever the kernels can run (for tests).
    public static let always = SparsityPolicy(enabled: true, maxBatch: Int(RK_MAX_FUSED_BATCH), forwardBreakEven: .infinity, backwardDensity: 1.0)

    public init(enabled: Bool, maxBatch: Int, forwardBreakEven: Double, backwardDensity: Double) {
        self.enabled = enabled
        self.maxBatch = maxBatch
        self.forwardBreakEven = forwardBreakEven
        self.backwardDensity = backwardDensity
    }

    /// Whether a forward product over `batch` rows of `k` inputs with `nonZeros` non-zero
    /// entries should take the sparse kernel.
    public func sparseForward(batch: Int, k: Int, nonZeros: Int) -> Bool {
        guard enabled, batch <= maxBatch else { return false }
        let denseRows = (batch + 5) / 6  // the dense micro-kernel covers 6 batch rows per pass over W
        return Double(nonZeros) <= forwardBreakEven * Double(denseRows * k)
    }

    /// Whether the fused sparse backward/update should run for this batch.
    public func sparseBackward(batch: Int, k: Int, nonZeros: Int) -> Bool {
        enabled && batch <= maxBatch && Double(nonZeros) <= backwardDensity * Double(batch * k)
    }
}
