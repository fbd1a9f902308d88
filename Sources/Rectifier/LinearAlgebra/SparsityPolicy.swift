import CKernels

/// When layers take the sparse path: visiting only the non-zero inputs instead of running a
/// dense product.
///
/// Rectifier layers output exact zeros (80-90% of them with the paper's L1 penalty) and MNIST
/// pixels are mostly zero. A zero input contributes nothing to the forward product, its row of
/// weights gets no gradient and needs no update, and (below a rectifier) its back-propagated
/// gradient is never used. The sparse kernels skip all of that. The choice is made per layer
/// and per batch from the measured density of the batch, so results do not depend on it
/// beyond floating-point rounding.
///
/// Two regimes: small batches (up to `maxBatch`), where a dense product reads W once per few
/// examples and the sparse kernels take one example (forward) or one row of W (backward) at a
/// time; and larger batches, where both work in cache blocks and the sparse path pays below a
/// density measured against the dense products (docs/performance.md).
public struct SparsityPolicy: Sendable, Equatable, Codable {
    /// Whether the sparse path may be used at all.
    public var enabled: Bool
    /// Largest batch of the small-batch rules (`forwardBreakEven`, `backwardDensity`).
    public var maxBatch: Int
    /// Small batches: use the sparse forward kernel when nnz(input) ≤ `forwardBreakEven` × (dense
    /// cost), where the dense cost counts one input row per micro-tile of 6 batch rows.
    public var forwardBreakEven: Double
    /// Small batches: use the fused sparse backward when the fraction of non-zero inputs is at
    /// most this.
    public var backwardDensity: Double
    /// Batches above `maxBatch`: use the sparse forward when the fraction of non-zero inputs is
    /// at most this (0: never).
    public var largeBatchForwardDensity: Double
    /// Batches above `maxBatch`, up to `RK_MAX_FUSED_BATCH`: use the fused sparse backward when
    /// the fraction of non-zero inputs is at most this (0: never).
    public var largeBatchBackwardDensity: Double

    /// Measured with `rectifier bench` and `scripts/compare-with-torch.sh` (docs/performance.md):
    /// the small-batch rules on a 2-core AVX2 machine, the large-batch densities on a 2-core
    /// Zen 3 at minibatch 100 and inference batch 1000.
    public static let automatic = SparsityPolicy(enabled: true, maxBatch: 32, forwardBreakEven: 1.0, backwardDensity: 1.0,
                                                 largeBatchForwardDensity: 0.35, largeBatchBackwardDensity: 0.6)
    /// Always dense (the reference path).
    public static let never = SparsityPolicy(enabled: false, maxBatch: 0, forwardBreakEven: 0, backwardDensity: 0,
                                             largeBatchForwardDensity: 0, largeBatchBackwardDensity: 0)
    /// Sparse whenever the kernels can run (for tests).
    public static let always = SparsityPolicy(enabled: true, maxBatch: Int(RK_MAX_FUSED_BATCH), forwardBreakEven: .infinity,
                                              backwardDensity: 1.0, largeBatchForwardDensity: 1.0, largeBatchBackwardDensity: 1.0)

    public init(enabled: Bool, maxBatch: Int, forwardBreakEven: Double, backwardDensity: Double,
                largeBatchForwardDensity: Double = 0, largeBatchBackwardDensity: Double = 0) {
        self.enabled = enabled
        self.maxBatch = maxBatch
        self.forwardBreakEven = forwardBreakEven
        self.backwardDensity = backwardDensity
        self.largeBatchForwardDensity = largeBatchForwardDensity
        self.largeBatchBackwardDensity = largeBatchBackwardDensity
    }

    /// Whether a batch of this size may take the sparse path at some density: only then is
    /// the batch scanned for its non-zeros.
    public func considers(batch: Int) -> Bool {
        enabled && (batch <= maxBatch || largeBatchForwardDensity > 0
                    || (largeBatchBackwardDensity > 0 && batch <= Int(RK_MAX_FUSED_BATCH)))
    }

    /// Whether a forward product over `batch` rows of `k` inputs with `nonZeros` non-zero
    /// entries should take the sparse kernel.
    public func sparseForward(batch: Int, k: Int, nonZeros: Int) -> Bool {
        guard enabled else { return false }
        if batch <= maxBatch {
            let denseRows = (batch + 5) / 6  // the dense micro-kernel covers 6 batch rows per pass over W
            return Double(nonZeros) <= forwardBreakEven * Double(denseRows * k)
        }
        return Double(nonZeros) <= largeBatchForwardDensity * Double(batch * k)
    }

    /// Whether the fused sparse backward/update should run for this batch.
    public func sparseBackward(batch: Int, k: Int, nonZeros: Int) -> Bool {
        guard enabled, batch <= Int(RK_MAX_FUSED_BATCH) else { return false }
        let density = batch <= maxBatch ? backwardDensity : largeBatchBackwardDensity
        return Double(nonZeros) <= density * Double(batch * k)
    }
}
