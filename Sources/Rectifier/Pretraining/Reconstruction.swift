#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// How an auto-encoder reconstructs its input and what the reconstruction costs: the paper's
/// four strategies for rectifier hidden units, plus sigmoid with cross-entropy for tanh and
/// sigmoid networks. Each cost is summed over units and averaged over the batch.
///
/// The decoder computes y = W'h + b'; the strategy applies its output function r(y) and cost:
/// 1. `softplusQuadratic`: ‖x - softplus(y)‖², the paper's best on images;
/// 2. `sigmoidCrossEntropy`: -Σ x log σ(y) + (1 - x) log(1 - σ(y)), targets in [0, 1] (rectifier
///    codes are first scaled by their maximum; the paper's best on text);
/// 3. `linearQuadratic`: ‖x - y‖²;
/// 4. `rectifierQuadratic`: ‖x - max(0, y)‖².
public enum ReconstructionStrategy: String, Equatable, Hashable, Sendable, Codable, CaseIterable {
    case softplusQuadratic = "softplus-quadratic"
    case sigmoidCrossEntropy = "sigmoid-cross-entropy"
    case linearQuadratic = "linear-quadratic"
    case rectifierQuadratic = "rectifier-quadratic"

    /// Whether reconstruction targets must lie in [0, 1].
    public var needsUnitInterval: Bool {
        switch self {
        case .sigmoidCrossEntropy: true
        case .softplusQuadratic, .linearQuadratic, .rectifierQuadratic: false
        }
    }

    /// Whether the reconstruction can only be non-negative (so targets are made non-negative:
    /// |x| undoes the sign trick of the layer below).
    public var nonNegative: Bool {
        switch self {
        case .softplusQuadratic, .sigmoidCrossEntropy, .rectifierQuadratic: true
        case .linearQuadratic: false
        }
    }

    /// The cost of one batch of decoder outputs `y` against `targets` (both `batch x width`),
    /// summed over the batch. When `gradient` is given it receives ∂(mean cost)/∂y.
    public func evaluate(_ y: UnsafePointer<Float>, targets x: UnsafePointer<Float>, batch: Int, width: Int,
                         gradient: UnsafeMutablePointer<Float>?) -> Double {
        let scale = 1 / Float(batch)
        var total = 0.0
        // Rows are summed in Float and added to a Double, so long datasets do not lose precision.
        for r in 0..<batch {
            var sum: Float = 0
            for i in (r * width)..<((r + 1) * width) {
                let (cost, slope) = costAndSlope(y[i], x[i])
                sum += cost
                gradient?[i] = slope * scale
            }
            total += Double(sum)
        }
        return total
    }

    /// Cost of one output and its derivative with respect to y.
    @inline(__always)
    func costAndSlope(_ y: Float, _ x: Float) -> (Float, Float) {
        switch self {
        case .softplusQuadratic:
            let r = Activation.stableSoftplus(y)
            let d = r - x
            return (d * d, 2 * d * Activation.stableSigmoid(y))
        case .sigmoidCrossEntropy:
            // -x log σ(y) - (1-x) log(1-σ(y)) = softplus(y) - x y = (1-x) y + softplus(-y) for y ≥ 0;
            // infinite y is the limit (0 when the target is the matching extreme).
            if y.isInfinite {
                let miss = y > 0 ? 1 - x : x
                return (miss == 0 ? 0 : .infinity, Activation.stableSigmoid(y) - x)
            }
            let cost = y >= 0 ? (1 - x) * y + Activation.stableSoftplus(-y) : Activation.stableSoftplus(y) - x * y
            return (cost, Activation.stableSigmoid(y) - x)
        case .linearQuadratic:
            let d = y - x
            return (d * d, 2 * d)
        case .rectifierQuadratic:
            let r = max(y, 0)
            let d = r - x
            return (d * d, y > 0 ? 2 * d : 0)
        }
    }
}

/// How rectifier codes are brought into [0, 1] for the sigmoid/cross-entropy strategy.
public enum CodeScaling: String, Equatable, Hashable, Sendable, Codable, CaseIterable {
    /// Divide every unit by the largest code value of the layer on the training set.
    case globalMax = "global"
    /// Divide each unit by its own largest value on the training set.
    case unitMax = "unit"
}
