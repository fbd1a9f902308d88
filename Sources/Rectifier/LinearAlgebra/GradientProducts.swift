extension LinearAlgebra {
    /// `C = alpha * Xᵀ·D + beta * C` for a batch input X (`batch x m`, dense or sparse) and
    /// D (`batch x n`); C is `m x n`. The weight gradient of a layer, for optimizers that need
    /// it whole (momentum, gradient recording); a plain multiple of the gradient on sparse inputs
    /// goes through the sparse kernels instead (`Optimizer.gradientScale`).
    public func gemmTransposedInput(_ x: BatchInput, batch: Int, m: Int, n: Int, alpha: Float,
                                    d: UnsafePointer<Float>, beta: Float, c: UnsafeMutablePointer<Float>) {
        switch x {
        case .dense(let x):
            gemm(transA: true, m: m, n: n, k: batch, alpha: alpha, a: x, lda: m, b: d, ldb: n, beta: beta, c: c, ldc: n)
        case .sparse(let x):
            if beta == 0 {
                c.update(repeating: 0, count: m * n)
            } else if beta != 1 {
                for i in 0..<(m * n) { c[i] *= beta }
            }
            for b in 0..<batch {
                let row = d + b * n
                for p in Int(x.rowStart[b])..<Int(x.rowStart[b + 1]) {
                    let target = c + Int(x.columns[p]) * n
                    let scale = alpha * x.values[p]
                    for j in 0..<n { target[j] += scale * row[j] }
                }
            }
        }
    }

    /// `b[j] += scale * Σ_r d[r][j]` over `rows` rows of `d` (`rows x columns`): a bias
    /// gradient's step. Rows are added one after the other, so every update rule that uses it
    /// rounds the same way.
    public func addColumnSums(of d: UnsafePointer<Float>, rows: Int, columns n: Int, scaledBy scale: Float,
                              to b: UnsafeMutablePointer<Float>) {
        for r in 0..<rows {
            let row = d + r * n
            for j in 0..<n { b[j] += scale * row[j] }
        }
    }
}
