#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The hidden-unit non-linearities compared in the paper.
///
/// Every derivative is computed from the unit's *output*, so the backward pass needs no copy of
/// the pre-activations: rectifier 1[a > 0]; softplus 1 - e^(-a) (because sigmoid(z) =
/// 1 - e^(-softplus(z))); tanh 1 - a^2; softsign (1 - |a|)^2; sigmoid a(1 - a).
public enum Activation: Equatable, Hashable, Sendable {
    /// max(0, x): exactly sparse, linear where active.
    case rectifier
    /// log(1 + e^x), the smooth version of the rectifier.
    case softplus
    /// (1/a) softplus(a x): tends to the rectifier as a grows (the paper's NORB experiment).
    case rescaledSoftplus(Float)
    /// Hyperbolic tangent.
    case tanh
    /// x / (1 + |x|): tanh's shape with polynomial tails (Glorot & Bengio, 2010).
    case softsign
    /// Logistic sigmoid 1 / (1 + e^-x).
    case sigmoid
    /// Identity (output layers, linear reconstructions).
    case linear

    /// The name used on the command line and in files: `rectifier`, `softplus`, `tanh`,
    /// `sigmoid`, `linear`, or `rescaled-softplus:A`.
    public var name: String {
        switch self {
        case .rectifier: "rectifier"
        case .softplus: "softplus"
        case .rescaledSoftplus(let a): "rescaled-softplus:\(a)"
        case .tanh: "tanh"
        case .softsign: "softsign"
        case .sigmoid: "sigmoid"
        case .linear: "linear"
        }
    }

    /// Parses `name` (also accepts `relu`); nil when unknown.
    public init?(name: String) {
        switch name.lowercased() {
        case "rectifier", "relu": self = .rectifier
        case "softplus": self = .softplus
        case "tanh": self = .tanh
        case "softsign": self = .softsign
        case "sigmoid": self = .sigmoid
        case "linear", "identity": self = .linear
        default:
            let parts = name.lowercased().split(separator: ":", maxSplits: 1)
            guard parts.count == 2, parts[0] == "rescaled-softplus", let a = Float(parts[1]),
                  a.isFinite, a > 0 else { return nil }
            self = .rescaledSoftplus(a)
        }
    }

    /// One activation of every kind (the rescaled softplus with a = 3): what the tests check
    /// every property and gradient of.
    public static let allKinds: [Activation] = [.rectifier, .softplus, .rescaledSoftplus(3), .tanh, .softsign, .sigmoid, .linear]

    /// The names `init(name:)` accepts, for help and error messages.
    public static let knownNames = ["rectifier", "softplus", "tanh", "softsign", "sigmoid", "linear", "rescaled-softplus:A"]

    /// The values a unit can output (before the sign trick flips some units).
    public enum OutputRange: Sendable {
        /// [0, ∞): rectifier, softplus.
        case nonNegative
        /// (0, 1): sigmoid.
        case unitInterval
        /// (-1, 1): tanh, softsign.
        case symmetricUnitInterval
        /// Any real number: linear.
        case real
    }

    /// The values this unit outputs. Decides how its codes become reconstruction targets in
    /// [0, 1] (`TargetMap`), and whether they must be scaled down first.
    public var outputRange: OutputRange {
        switch self {
        case .rectifier, .softplus, .rescaledSoftplus: .nonNegative
        case .sigmoid: .unitInterval
        case .tanh, .softsign: .symmetricUnitInterval
        case .linear: .real
        }
    }

    /// Whether the outputs are bounded: unbounded units can grow until the loss is not finite,
    /// which an L1 penalty on the activations holds back (`Divergence.likelyCause`).
    public var isBounded: Bool {
        switch outputRange {
        case .unitInterval, .symmetricUnitInterval: true
        case .nonNegative, .real: false
        }
    }

    /// Whether an inactive unit outputs exactly zero and has zero derivative there. Then a zero
    /// input to the layer above needs no gradient, its row of weights no update, and the
    /// layer's zeros can be skipped by the sparse kernels; it is also what the paper's L1
    /// penalty makes sparse.
    public var hasExactZeros: Bool {
        switch self {
        case .rectifier: true
        case .softplus, .rescaledSoftplus, .tanh, .softsign, .sigmoid, .linear: false
        }
    }

    /// The paper's reconstruction for a denoising auto-encoder with these hidden units:
    /// sigmoid + cross-entropy for bounded units, softplus + quadratic for the others.
    public var defaultReconstruction: ReconstructionStrategy {
        switch self {
        case .tanh, .softsign, .sigmoid: .sigmoidCrossEntropy
        case .rectifier, .softplus, .rescaledSoftplus, .linear: .softplusQuadratic
        }
    }

    /// The PyTorch module that computes it (`ReLU()`), for `rectifier export --to torch`; nil
    /// for the identity, which needs none.
    public var torchModule: String? {
        switch self {
        case .rectifier: "ReLU()"
        case .softplus: "Softplus()"
        case .rescaledSoftplus(let a): "Softplus(beta=\(a))"
        case .tanh: "Tanh()"
        case .softsign: "Softsign()"
        case .sigmoid: "Sigmoid()"
        case .linear: nil
        }
    }

    /// f(x), overflow-safe for every finite and infinite input.
    @inlinable
    public func callAsFunction(_ x: Float) -> Float {
        switch self {
        case .rectifier: return x > 0 ? x : 0
        case .softplus: return Activation.stableSoftplus(x)
        case .rescaledSoftplus(let a): return Activation.stableSoftplus(a * x) / a
        case .tanh: return tanhf(x)
        case .softsign: return x.isInfinite ? (x > 0 ? 1 : -1) : x / (1 + abs(x))
        case .sigmoid: return Activation.stableSigmoid(x)
        case .linear: return x
        }
    }

    /// f'(x) expressed through the output a = f(x).
    @inlinable
    public func derivative(output a: Float) -> Float {
        switch self {
        case .rectifier: return a > 0 ? 1 : 0
        case .softplus: return -expm1f(-a)
        case .rescaledSoftplus(let s): return -expm1f(-s * a)
        case .tanh: return 1 - a * a
        case .softsign: return (1 - abs(a)) * (1 - abs(a))
        case .sigmoid: return a * (1 - a)
        case .linear: return 1
        }
    }

    /// log(1 + e^x) = max(x, 0) + log1p(e^-|x|): no overflow for large x, no loss for small.
    @inlinable
    public static func stableSoftplus(_ x: Float) -> Float {
        if x.isNaN { return x }
        return max(x, 0) + log1pf(expf(-abs(x)))
    }

    /// 1 / (1 + e^-x) without overflow for large |x|.
    @inlinable
    public static func stableSigmoid(_ x: Float) -> Float {
        if x >= 0 { return 1 / (1 + expf(-x)) }
        let e = expf(x)
        return e / (1 + e)
    }
}

extension Activation: Codable {
    public init(from decoder: any Decoder) throws {
        let s = try decoder.singleValueContainer().decode(String.self)
        guard let a = Activation(name: s) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath,
                                                    debugDescription: "unknown activation '\(s)'"))
        }
        self = a
    }
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(name)
    }
}
