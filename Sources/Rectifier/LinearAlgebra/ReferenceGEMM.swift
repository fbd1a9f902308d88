/// The textbook triple loop, in double precision: the trusted reference the fast products are
/// tested against. Never used for training.
public func referenceGEMM(transA: Bool = false, transB: Bool = false, _ a: Matrix, _ b: Matrix,
                          alpha: Float = 1, beta: Float = 0, c: Matrix? = nil) -> Matrix {
    let (m, k) = transA ? (a.columns, a.rows) : (a.rows, a.columns)
    let n = transB ? b.rows : b.columns
    var out = c ?? Matrix(rows: m, columns: n)
    for i in 0..<m {
        for j in 0..<n {
            var sum = 0.0
            for p in 0..<k {
                let x = transA ? a[p, i] : a[i, p]
                let y = transB ? b[j, p] : b[p, j]
                sum += Double(x) * Double(y)
            }
            let prior = beta == 0 ? 0 : Double(beta) * Double(out[i, j])
            out[i, j] = Float(Double(alpha) * sum + prior)
        }
    }
    return out
}
