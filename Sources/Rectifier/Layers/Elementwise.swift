/// The element-by-element passes of a dense layer, one loop per activation so the inner loops
/// have no branches on the activation kind.
enum Elementwise {
    /// row = s ⊙ f(row + b).
    static func biasActivation(_ row: UnsafeMutablePointer<Float>, bias: UnsafePointer<Float>,
                               signs: UnsafePointer<Float>?, count n: Int, activation: Activation) {
        switch activation {
        case .rectifier:
            for j in 0..<n {
                let z = row[j] + bias[j]
                row[j] = z > 0 ? z : (z.isNaN ? z : 0)
            }
        case .linear:
            for j in 0..<n { row[j] += bias[j] }
        default:
            for j in 0..<n { row[j] = activation(row[j] + bias[j]) }
        }
        if let signs {
            for j in 0..<n { row[j] *= signs[j] }
        }
    }

    /// delta ← (s ⊙ delta + λ sign(a)) ⊙ f'(a), where a = s ⊙ output = f(z): turns ∂loss/∂output
    /// into ∂loss/∂z, adding the L1 term λ = l1 / batch.
    static func activationGradient(_ delta: UnsafeMutablePointer<Float>, output: UnsafePointer<Float>,
                                   signs: UnsafePointer<Float>?, count n: Int, l1PerSample: Float,
                                   activation: Activation) {
        if let signs {
            for j in 0..<n { delta[j] *= signs[j] }
        }
        @inline(__always) func a(_ j: Int) -> Float { signs.map { output[j] * $0[j] } ?? output[j] }
        switch activation {
        case .rectifier:
            for j in 0..<n { delta[j] = a(j) > 0 ? delta[j] + l1PerSample : 0 }
        case .linear where l1PerSample == 0:
            return
        default:
            for j in 0..<n {
                let aj = a(j)
                let penalty: Float = aj > 0 ? l1PerSample : (aj < 0 ? -l1PerSample : 0)
                delta[j] = (delta[j] + penalty) * activation.derivative(output: aj)
            }
        }
    }
}
