import Foundation

/// The two-proportion z-test of two error rates measured on test sets of the same size.
///
/// With p̂ᵢ = errorsᵢ / n and the pooled p̂ = (errors₁ + errors₂) / 2n,
/// z = (p̂₁ - p̂₂) / √(p̂ (1 - p̂) · 2/n), two-sided p = 2 Φ(-|z|) (normal approximation to
/// the binomial). It assumes the two error counts are independent, which is what comparing
/// published error rates amounts to; two classifiers evaluated on the very same examples are
/// positively correlated, which makes this test conservative there: use `McNemarTest`.
public struct TwoProportionZTest: Codable, Equatable, Sendable {
    /// z; 0 when the pooled rate is 0 or 1 (no variance).
    public var statistic: Double
    /// Two-sided p-value; 1 when the pooled rate is 0 or 1.
    public var pValue: Double
    /// p̂₁ - p̂₂.
    public var difference: Double

    /// The test of `firstErrors` against `secondErrors` misclassified examples, each out of `trials`.
    public init(firstErrors: Int, secondErrors: Int, trials: Int) throws {
        guard trials > 0, (0...trials).contains(firstErrors), (0...trials).contains(secondErrors) else {
            throw UsageError("two-proportion z-test: need 0 <= errors <= trials and trials > 0, got \(firstErrors) and \(secondErrors) errors of \(trials)")
        }
        let n = Double(trials)
        difference = Double(firstErrors - secondErrors) / n
        let pooled = Double(firstErrors + secondErrors) / (2 * n)
        let se = (pooled * (1 - pooled) * 2 / n).squareRoot()
        statistic = se > 0 ? difference / se : 0
        pValue = se > 0 ? 2 * StandardNormal.survival(abs(statistic)) : 1
    }
}

/// McNemar's test of two classifiers on the same test examples, which uses only the
/// discordant examples: b where only the first classifier is right, c where only the second
/// is. Under the null hypothesis of equal error rates each discordant example is equally
/// likely to fall either way, so b ~ Binomial(b + c, 1/2) given b + c.
public struct McNemarTest: Codable, Equatable, Sendable {
    /// b: examples the first classifier gets right and the second wrong.
    public var onlyFirstCorrect: Int
    /// c: examples the second classifier gets right and the first wrong.
    public var onlySecondCorrect: Int
    /// The exact two-sided p-value min(1, 2 P(X ≤ min(b, c))), X ~ Binomial(b + c, 1/2)
    /// (the same as summing every outcome no more likely than the observed one, since the
    /// distribution is symmetric); 1 when b + c = 0.
    public var exactPValue: Double
    /// Edwards' continuity-corrected statistic χ² = max(0, |b - c| - 1)² / (b + c); 0 when
    /// b + c = 0.
    public var chiSquare: Double
    /// P(χ²₁ > χ²) = erfc(√(χ²/2)), the large-sample approximation (fine once b + c ≳ 25).
    public var chiSquarePValue: Double

    /// The test from the discordant counts b and c.
    public init(onlyFirstCorrect b: Int, onlySecondCorrect c: Int) throws {
        guard b >= 0, c >= 0 else {
            throw UsageError("McNemar test: discordant counts must be non-negative, got \(b) and \(c)")
        }
        onlyFirstCorrect = b
        onlySecondCorrect = c
        let n = b + c
        guard n > 0 else {
            (exactPValue, chiSquare, chiSquarePValue) = (1, 0, 1)
            return
        }
        let k = min(b, c)
        // P(X ≤ k) = I_{1/2}(n - k, k + 1) for k < n, which holds as k ≤ n/2.
        let lowerTail = IncompleteBeta.regularized(a: Double(n - k), b: Double(k + 1), x: 0.5)
        exactPValue = min(1, 2 * lowerTail)
        let excess = max(0, Double(abs(b - c)) - 1)
        chiSquare = excess * excess / Double(n)
        chiSquarePValue = erfc((chiSquare / 2).squareRoot())
    }

    /// The test from per-example predictions of two classifiers and the true labels.
    public init(labels: [Int32], firstPredictions: [Int32], secondPredictions: [Int32]) throws {
        guard labels.count == firstPredictions.count, labels.count == secondPredictions.count else {
            throw UsageError("McNemar test: \(labels.count) labels but \(firstPredictions.count) and \(secondPredictions.count) predictions")
        }
        var b = 0, c = 0
        for i in labels.indices {
            let first = firstPredictions[i] == labels[i], second = secondPredictions[i] == labels[i]
            if first && !second { b += 1 } else if second && !first { c += 1 }
        }
        try self.init(onlyFirstCorrect: b, onlySecondCorrect: c)
    }
}
