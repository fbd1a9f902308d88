/// x' = (x - mean) · scale for each feature: the standardisation of tabular inputs, fitted on
/// the training part alone, kept with the model and applied to every input the model sees
/// (validation, test, `evaluate`, `predict`, `bench --model`).
///
/// Unscaled features break SGD: features in the thousands (breast-cancer areas) give a first
/// step that kills every rectifier unit. scikit-learn users reach for `StandardScaler`; here it
/// is the default for tables and arrays.
public struct Standardization: Sendable, Equatable, Codable {
    /// Mean of each feature over the training examples.
    public var mean: [Float]
    /// 1 / standard deviation of each feature (1 for a constant feature, which is only centred).
    public var scale: [Float]

    public init(mean: [Float], scale: [Float]) {
        precondition(mean.count == scale.count, "one mean and one scale per feature")
        self.mean = mean
        self.scale = scale
    }

    /// The statistics of `features` (population standard deviation, as scikit-learn's).
    public init(fitting features: Matrix) {
        let (n, d) = (features.rows, features.columns)
        var sum = [Double](repeating: 0, count: d), squares = [Double](repeating: 0, count: d)
        for r in 0..<n {
            for j in 0..<d {
                let x = Double(features.storage[r * d + j])
                sum[j] += x
                squares[j] += x * x
            }
        }
        let count = Double(max(n, 1))
        mean = sum.map { Float($0 / count) }
        scale = (0..<d).map { j in
            let m = sum[j] / count
            let variance = max(squares[j] / count - m * m, 0)
            let sd = variance.squareRoot()
            return sd > 1e-12 * max(1, abs(m)) ? Float(1 / sd) : 1
        }
    }

    /// `features` standardised, row by row.
    public func apply(to features: Matrix) -> Matrix {
        precondition(features.columns == mean.count, "\(features.columns) features for a standardisation of \(mean.count)")
        var out = features
        let d = mean.count
        out.storage.withUnsafeMutableBufferPointer { x in
            for r in 0..<features.rows {
                for j in 0..<d { x[r * d + j] = (x[r * d + j] - mean[j]) * scale[j] }
            }
        }
        return out
    }

    /// `inputs` standardised (held dense: centring makes zeros non-zero).
    public func apply(to inputs: Inputs) -> Inputs {
        .dense(apply(to: inputs.densified()))
    }
}
