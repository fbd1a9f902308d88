/// What happens to a layer's gradient once back-propagation has produced it: the update rule.
///
/// A layer's weight gradient is ∇W = inputᵀ · delta and its bias gradient ∇b the column sums
/// of delta. The layer hands over the two factors instead of the finished gradient, so that
/// the rule can fold the product into its update (W ← W - η · inputᵀ · delta in one GEMM) and
/// keep no gradient buffer.
///
/// Every update goes through the optimizer. Layers ask `gradientScale(layer:)` before they
/// back-propagate: when the rule is a plain multiple of the gradient, they apply it inside the
/// sparse kernels, which visit only the weight rows whose gradient is not zero; otherwise they
/// call `update` with the whole gradient. A new rule is safe by default: it returns nil there.
public protocol Optimizer {
    /// Applies (or records) the gradient of layer `index`: `input` is `batch x layer.inputSize`,
    /// `delta` (∂loss/∂z) is `batch x layer.outputSize`.
    mutating func update(_ layer: inout DenseLayer, index: Int, input: BatchInput,
                         delta: UnsafePointer<Float>, batch: Int, using la: LinearAlgebra)

    /// s when this optimizer's update of layer `index` is exactly `W ← W + s·∇W, b ← b + s·∇b`
    /// and nothing else (no state kept, no term on the parameters themselves); nil otherwise.
    func gradientScale(layer index: Int) -> Float?
}

extension Optimizer {
    public func gradientScale(layer index: Int) -> Float? { nil }
}

/// An optimizer a run can be configured with (`TrainingConfig.optimizer`, `--optimizer`) and
/// saved in a checkpoint with.
public protocol TrainingOptimizer: Optimizer, Sendable {
    /// The name in configurations (`sgd`, `nesterov`).
    static var name: String { get }
    /// A fresh optimizer for `network`'s layers.
    init(learningRate: Float, momentum: Float, for network: Network)
    /// The step size η (halved by `--on-divergence reduce-lr`, decayed by `--lr-decay-epochs`).
    var learningRate: Float { get set }
    /// Everything else the optimizer carries from step to step (velocities), by name, for a
    /// checkpoint. Empty for plain SGD.
    var state: [String: SafeTensors.Tensor] { get }
    /// Restores `state` from a checkpoint; throws a `UsageError` naming a missing or misshapen tensor.
    mutating func restore(_ state: [String: SafeTensors.Tensor]) throws
}

/// The optimizers runs can name.
public enum Optimizers {
    /// By name; the first is the default.
    public static let all: [any TrainingOptimizer.Type] = [SGD.self, Nesterov.self]

    /// The names, comma-separated (help texts, errors).
    public static var names: String { all.map { $0.name }.joined(separator: ", ") }

    /// The optimizer called `name`, or nil.
    public static func named(_ name: String) -> (any TrainingOptimizer.Type)? {
        all.first { $0.name == name.lowercased() }
    }
}

/// Velocities, one per layer: v ← μv - η∇ for weights and biases. The state of momentum rules.
public struct Velocities: Sendable, Equatable {
    /// Weight velocities, `inputSize x outputSize` per layer.
    public var weights: [Matrix]
    /// Bias velocities, one per output unit per layer.
    public var bias: [[Float]]

    /// Zero velocities for `layers`.
    public init(for layers: [DenseLayer]) {
        weights = layers.map { Matrix(rows: $0.inputSize, columns: $0.outputSize) }
        bias = layers.map { [Float](repeating: 0, count: $0.outputSize) }
    }

    /// As checkpoint tensors: `velocity.{i}.weight` (`[in, out]`) and `velocity.{i}.bias`.
    public var tensors: [String: SafeTensors.Tensor] {
        var out: [String: SafeTensors.Tensor] = [:]
        for (i, v) in weights.enumerated() {
            out["velocity.\(i).weight"] = .init(shape: [v.rows, v.columns], values: v.storage)
            out["velocity.\(i).bias"] = .init(shape: [bias[i].count], values: bias[i])
        }
        return out
    }

    /// Restores every layer's velocities from `tensors`.
    public mutating func restore(_ tensors: [String: SafeTensors.Tensor]) throws {
        for i in weights.indices {
            guard let w = tensors["velocity.\(i).weight"], w.shape == [weights[i].rows, weights[i].columns],
                  let b = tensors["velocity.\(i).bias"], b.shape == [bias[i].count],
                  w.values.allSatisfy(\.isFinite), b.values.allSatisfy(\.isFinite) else {
                throw UsageError("no valid momentum velocity for layer \(i + 1)")
            }
            weights[i].storage = w.values
            bias[i] = b.values
        }
    }
}
