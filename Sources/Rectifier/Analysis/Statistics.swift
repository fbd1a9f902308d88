import Foundation

/// An interval estimate: `estimate` and the bounds that cover the true value with probability
/// `level` under the assumptions of the method that produced it.
public struct ConfidenceInterval: Codable, Equatable, Sendable {
    /// The point estimate (sample mean, observed proportion).
    public var estimate: Double
    /// Lower bound.
    public var lower: Double
    /// Upper bound.
    public var upper: Double
    /// Coverage probability, e.g. 0.95.
    public var level: Double

    /// The interval [lower, upper] around `estimate` at coverage `level`.
    public init(estimate: Double, lower: Double, upper: Double, level: Double) {
        self.estimate = estimate
        self.lower = lower
        self.upper = upper
        self.level = level
    }

    /// Whether `value` lies within [lower, upper].
    public func contains(_ value: Double) -> Bool { lower <= value && value <= upper }
}

/// Descriptive statistics and interval estimates over repeated runs (seeds) and test sets.
/// Bad input (too few values, non-finite values, a level outside (0, 1)) throws a `UsageError`
/// naming the statistic and the problem.
public enum Statistics {
    /// The arithmetic mean (Σ xᵢ) / n of at least one finite value.
    public static func mean(_ values: [Double]) throws -> Double {
        try check(values, atLeast: 1, "mean")
        return values.reduce(0, +) / Double(values.count)
    }

    /// The unbiased sample variance Σ (xᵢ - x̄)² / (n - 1) of at least two values, by two
    /// passes (no cancellation between Σ x² and n x̄²).
    public static func variance(_ values: [Double]) throws -> Double {
        try check(values, atLeast: 2, "sample variance")
        let m = values.reduce(0, +) / Double(values.count)
        return values.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(values.count - 1)
    }

    /// The sample standard deviation s = √variance (n - 1 in the denominator).
    public static func standardDeviation(_ values: [Double]) throws -> Double {
        try variance(values).squareRoot()
    }

    /// The t confidence interval of the mean of independent normal runs:
    /// x̄ ± t_{(1+level)/2, n-1} · s / √n. With a handful of seeds the normal assumption is not
    /// testable; the t quantile at least accounts for s being estimated from n values.
    public static func confidenceIntervalOfMean(_ values: [Double], level: Double = 0.95) throws -> ConfidenceInterval {
        try check(level: level, "confidence interval of a mean")
        let m = try mean(values)
        let s = try standardDeviation(values)
        let n = Double(values.count)
        let t = try StudentT(degreesOfFreedom: n - 1).quantile((1 + level) / 2)
        let margin = t * s / n.squareRoot()
        return ConfidenceInterval(estimate: m, lower: m - margin, upper: m + margin, level: level)
    }

    /// The Wilson score interval of an error rate from `errors` misclassified of `trials`
    /// independent test examples: with p̂ = errors/trials and z = Φ⁻¹((1+level)/2),
    /// (p̂ + z²/2n ± z √(p̂(1-p̂)/n + z²/4n²)) / (1 + z²/n).
    /// Unlike p̂ ± z √(p̂(1-p̂)/n) it stays inside [0, 1] and keeps its coverage for the small
    /// error counts of MNIST (about 120 errors in 10,000).
    ///
    /// The bounds are the roots of (1 + z²/n) π² - (2p̂ + z²/n) π + p̂² = 0. The bound nearer 0
    /// is taken as p̂² / ((1 + z²/n) · other root) rather than by the cancelling subtraction,
    /// so 0 errors give a lower bound of exactly 0 (and all errors an upper bound of exactly 1).
    public static func wilsonInterval(errors: Int, trials: Int, level: Double = 0.95) throws -> ConfidenceInterval {
        try check(level: level, "Wilson interval")
        guard trials > 0, errors >= 0, errors <= trials else {
            throw UsageError("Wilson interval: need 0 <= errors <= trials and trials > 0, got \(errors) errors of \(trials)")
        }
        let n = Double(trials)
        let p = Double(errors) / n
        let z = StandardNormal.quantile((1 + level) / 2)
        let z2 = z * z
        // Bounds for a proportion q ≤ 1/2; a larger p̂ is handled through 1 - p̂.
        func bounds(_ q: Double) -> (lower: Double, upper: Double) {
            let upper = (q + z2 / (2 * n) + z * (q * (1 - q) / n + z2 / (4 * n * n)).squareRoot()) / (1 + z2 / n)
            return (q * q / ((1 + z2 / n) * upper), upper)
        }
        let (lower, upper) = p <= 0.5 ? bounds(p) : { let b = bounds(1 - p); return (1 - b.upper, 1 - b.lower) }()
        return ConfidenceInterval(estimate: p, lower: lower, upper: upper, level: level)
    }

    static func check(_ values: [Double], atLeast count: Int, _ statistic: String) throws {
        guard values.count >= count else {
            throw UsageError("\(statistic): needs at least \(count) value\(count == 1 ? "" : "s"), got \(values.count)")
        }
        if let i = values.firstIndex(where: { !$0.isFinite }) {
            throw UsageError("\(statistic): value \(i + 1) of \(values.count) is \(values[i])")
        }
    }

    static func check(level: Double, _ statistic: String) throws {
        guard level > 0, level < 1 else {
            throw UsageError("\(statistic): level must be strictly between 0 and 1, got \(level)")
        }
    }
}
