import CKernels

/// The sparse products of a layer, beside GEMM: they visit only the non-zero inputs (a zero
/// input leaves its whole row of W out of the product, its gradient and its update). Kernels
/// in `Sources/CKernels/sparse.c`, each with an AVX2 and a portable body (`sparseISA`), giving
/// the same bits for any batch size, thread count and slab split; `SparsityPolicy` decides
/// when a layer takes them.
extension LinearAlgebra {
    /// The sparse kernels' body: the built-in kernel's instruction set (AVX-512 CPUs run the
    /// AVX2 body).
    var sparseISA: Int32 { Int32(instructionSet.rawValue) }

    /// The backward kernels cut their rows into this many slabs per thread. Threads claim slabs
    /// as they come, so when one core runs slower (a busy neighbour on a shared machine), the
    /// other takes over its share instead of waiting for it at every layer.
    static let slabsPerThread = 4

    /// `slabsPerThread` slabs per part, or one slab on the calling thread.
    func slabs(_ parts: Int) -> Int { parts == 1 ? 1 : Self.slabsPerThread * parts }

    /// Y = X·W for a CSR batch X (`x.rows` rows) and W (`x`'s width x `n`, row-major): each
    /// example's output sums the weight rows of its non-zero inputs.
    public func sparseProduct(_ x: SparseBatch, _ w: UnsafePointer<Float>, n: Int, into y: UnsafeMutablePointer<Float>) {
        // One slab per thread: the forward product is short, and more slabs cost more claims
        // than they save (measured with `rectifier bench`).
        let parts = parts(multiplyAdds: x.nonZeros * n, weightsRead: x.nonZeros * n)
        rk_sparse_forward_parallel(pool.handle, parts, sparseISA, x.rows, n, x.rowStart, x.columns, x.values, w, n, y, n)
    }

    /// The non-zero entries among `count` values (negative zero is a zero).
    public func countNonZeros(_ x: UnsafePointer<Float>, count: Int) -> Int {
        rk_count_nonzero(sparseISA, count, x)
    }

    /// The fused sparse backward of a layer with dense input X (`rows x k`): for each row i of
    /// W (`k x n`) with a non-zero input, dX[:, i] = dY · W[i, :]ᵀ where X is not zero (nil
    /// `inputGradient`: none), then W[i, :] += scale · X[:, i]ᵀ · dY. Rows of zero inputs are
    /// not read. Returns false, having changed nothing, when the kernel could not run (no memory
    /// for its copy of dY).
    public func sparseBackwardAndUpdate(input x: UnsafePointer<Float>, rows m: Int, delta: UnsafePointer<Float>,
                                        weights w: UnsafeMutablePointer<Float>, k: Int, n: Int,
                                        inputGradient: UnsafeMutablePointer<Float>?, scale: Float,
                                        scratch: SparseScratch) -> Bool {
        let packed = rk_sparse_backward_uses_blocks(m, n) != 0 && scratch.outputSize == n ? scratch.packedDelta.pointer : nil
        let parts = slabs(parts(multiplyAdds: max(scratch.inputNonZeros, 0) * n, weightsRead: k * n))
        let status = rk_sparse_backward_parallel(pool.handle, parts, sparseISA, m, n, k, x, k, delta, n, w, n,
                                                 inputGradient, k, scale, packed)
        precondition(status != -1, "fused sparse backward needs a batch of at most \(RK_MAX_FUSED_BATCH)")
        return status == 0
    }

    /// W += scale · Xᵀ · D for X given by columns (`columns`, k inputs) and D (`rows x n`):
    /// only the rows of W of X's non-zero columns are read and written.
    public func addScaledProduct(_ columns: SparseColumns, _ d: UnsafePointer<Float>, n: Int, scale: Float,
                                 to w: UnsafeMutablePointer<Float>, k: Int) {
        let parts = slabs(parts(multiplyAdds: columns.nonZeros * n, weightsRead: columns.nonZeros * n))
        rk_csc_update_parallel(pool.handle, parts, sparseISA, n, k, columns.start.pointer, columns.rows.pointer,
                               columns.values.pointer, d, n, w, n, scale)
    }
}
