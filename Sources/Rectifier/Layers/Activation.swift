#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The hidden-unit non-linearities compared in the paper.
///
/// Every derivative is computed from the unit's *output*, so the backward pass needs no copy of
/// the pre-activations: rectifier 1[a > 0]; softplus 1 - e^(-a) (because sigmoid(z) =
/// 1 - e^(-softplus(z))); tanh 1 - a^2; sigmoid a(1 - a).
public enum Activation: Equatable, Hashable, Sendable {
    /// max(0, x): exactly sparse, linear where active.
    case rectifier
    /// log(1 + e^x), the smooth version of the rectifier.
    case softplus
    /// (1/a) softplus(a x): tends to the rectifier as a grows (the paper's NORB experiment).
    case rescaledSoftplus(Float)
    /// Hyperbolic tangent.
    case tanh
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
        case "sigmoid": self = .sigmoid
        case "linear", "identity": self = .linear
        default:
            let parts = name.lowercased().split(separator: ":", maxSplits: 1)
            guard parts.count == 2, parts[0] == "rescaled-softplus", let a = Float(parts[1]),
                  a.isFinite, a > 0 else { return nil }
            self = .rescaledSoftplus(a)
        }
    }

    /// The names `init(name:)` accepts, for help and error messages.
    public static let knownNames = ["rectifier", "softplus", "tanh", "sigmoid", "linear", "rescaled-softplus:A"]

    /// f(x), overflow-safe for every finite and infinite input.
    @inlinable
    public func callAsFunction(_ x: Float) -> Float {
        switch self {
        case .rectifier: return x > 0 ? x : 0
        case .softplus: return Activation.stableSoftplus(x)
        case .rescaledSoftplus(let a): return Activation.stableSoftplus(a * x) / a
        case .tanh: return tanhf(x)
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
