import Foundation

/// A two-sided t-test comparing two sets of runs, e.g. test errors of two configurations over
/// seeds. The statistic is t = (mean difference) / (standard error), referred to Student's t
/// with `degreesOfFreedom`; the p-value is P(|T| ≥ |t|).
///
/// When the standard error is 0 (every run identical, as deterministic training can give) the
/// statistic is 0 and the p-value 1 if the means are equal, else ±∞ and 0.
public struct TTest: Codable, Equatable, Sendable {
    /// t.
    public var statistic: Double
    /// ν of the reference t distribution.
    public var degreesOfFreedom: Double
    /// Two-sided p-value.
    public var pValue: Double
    /// mean(first) - mean(second), or the mean of the paired differences.
    public var meanDifference: Double
    /// The estimated standard error of `meanDifference`.
    public var standardError: Double

    /// Whether the difference is significant at level `alpha` (p < alpha).
    public func isSignificant(at alpha: Double = 0.05) -> Bool { pValue < alpha }

    /// The paired t-test: runs matched one to one (same seed, same data order), differences
    /// dᵢ = firstᵢ - secondᵢ assumed independent and normal. t = d̄ / (s_d / √n), ν = n - 1.
    /// Pairing removes the seed-to-seed variation both configurations share.
    public static func paired(_ first: [Double], _ second: [Double]) throws -> TTest {
        guard first.count == second.count else {
            throw UsageError("paired t-test: the samples differ in length (\(first.count) and \(second.count))")
        }
        let differences = zip(first, second).map { $0 - $1 }
        try Statistics.check(differences, atLeast: 2, "paired t-test")
        let n = Double(differences.count)
        let d = try Statistics.mean(differences)
        let se = try Statistics.standardDeviation(differences) / n.squareRoot()
        return try TTest(difference: d, standardError: se, degreesOfFreedom: n - 1)
    }

    /// Welch's two-sample t-test: independent normal samples whose variances may differ.
    /// t = (x̄₁ - x̄₂) / √(s₁²/n₁ + s₂²/n₂), with the Welch-Satterthwaite
    /// ν = (s₁²/n₁ + s₂²/n₂)² / ((s₁²/n₁)²/(n₁-1) + (s₂²/n₂)²/(n₂-1)) (fractional; n₁ + n₂ - 2
    /// when both variances are 0).
    public static func welch(_ first: [Double], _ second: [Double]) throws -> TTest {
        let m1 = try Statistics.mean(first), m2 = try Statistics.mean(second)
        let v1 = try Statistics.variance(first) / Double(first.count)
        let v2 = try Statistics.variance(second) / Double(second.count)
        let denominator = v1 * v1 / Double(first.count - 1) + v2 * v2 / Double(second.count - 1)
        let v = denominator > 0 ? (v1 + v2) * (v1 + v2) / denominator : Double(first.count + second.count - 2)
        return try TTest(difference: m1 - m2, standardError: (v1 + v2).squareRoot(), degreesOfFreedom: v)
    }

    private init(difference: Double, standardError: Double, degreesOfFreedom: Double) throws {
        meanDifference = difference
        self.standardError = standardError
        self.degreesOfFreedom = degreesOfFreedom
        if standardError > 0 {
            statistic = difference / standardError
            pValue = try StudentT(degreesOfFreedom: degreesOfFreedom).twoSidedPValue(statistic)
        } else {
            statistic = difference == 0 ? 0 : (difference > 0 ? .infinity : -.infinity)
            pValue = difference == 0 ? 1 : 0
        }
    }
}
