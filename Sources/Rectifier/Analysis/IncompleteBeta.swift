import Foundation

/// The special function behind the Student t and binomial distributions of the tests.
public enum IncompleteBeta {
    /// The regularized incomplete beta function
    /// I_x(a, b) = (1 / B(a, b)) ∫₀ˣ s^(a-1) (1-s)^(b-1) ds, for a, b > 0 and 0 ≤ x ≤ 1;
    /// NaN outside that domain.
    ///
    /// Evaluated with the continued fraction of Abramowitz & Stegun 26.5.8 (modified Lentz
    /// algorithm), on the side of the symmetry I_x(a, b) = 1 - I_{1-x}(b, a) where it converges
    /// quickly. The relative error is about 1e-14 for small a and b, and grows to a few 1e-13
    /// at a, b ≈ 1000: the prefactor's log B(a, b) = lgamma(a) + lgamma(b) - lgamma(a+b) loses
    /// about |lgamma(a)| · 1e-16 to cancellation.
    public static func regularized(a: Double, b: Double, x: Double) -> Double {
        regularized(a: a, b: b, x: x, complement: 1 - x)
    }

    /// I_x(a, b) with 1 - x supplied by the caller, who can often compute it without the
    /// cancellation of `1 - x` (for the t distribution, x = ν/(ν+t²) and 1-x = t²/(ν+t²)).
    static func regularized(a: Double, b: Double, x: Double, complement y: Double) -> Double {
        guard a > 0, b > 0, a.isFinite, b.isFinite, x >= 0, y >= 0, x <= 1, y <= 1 else { return .nan }
        if x == 0 { return 0 }
        if y == 0 { return 1 }
        // The fraction for I_x(a, b) converges fast for x < (a+1)/(a+b+2).
        if x > (a + 1) / (a + b + 2) { return 1 - continuedFraction(a: b, b: a, x: y, y: x) }
        return continuedFraction(a: a, b: b, x: x, y: y)
    }

    /// x^a (1-x)^b / (a B(a, b)) times the continued fraction 1/(1+ d₁/(1+ d₂/(1+ ...))) with
    /// d_{2m+1} = -(a+m)(a+b+m) x / ((a+2m)(a+2m+1)) and d_{2m} = m(b-m) x / ((a+2m-1)(a+2m)).
    private static func continuedFraction(a: Double, b: Double, x: Double, y: Double) -> Double {
        let logPrefactor = a * log(x) + b * log(y) - logBeta(a, b)
        let tiny = 1e-300
        func clamped(_ v: Double) -> Double { abs(v) < tiny ? tiny : v }
        var c = 1.0
        var d = 1 / clamped(1 - (a + b) * x / (a + 1))
        var h = d
        // Convergence takes O(sqrt(max(a, b))) terms; the bound only guards against NaN input.
        for m in 1...100_000 {
            let m = Double(m)
            let even = m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m))
            d = 1 / clamped(1 + even * d)
            c = clamped(1 + even / c)
            h *= d * c
            let odd = -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1))
            d = 1 / clamped(1 + odd * d)
            c = clamped(1 + odd / c)
            let step = d * c
            h *= step
            if abs(step - 1) < 4e-16 { break }
        }
        return exp(logPrefactor) * h / a
    }

    /// log B(a, b) = log Γ(a) + log Γ(b) - log Γ(a+b).
    static func logBeta(_ a: Double, _ b: Double) -> Double {
        logGamma(a) + logGamma(b) - logGamma(a + b)
    }

    /// log Γ(x) for x > 0 (the reentrant C function: `lgamma` writes a global sign).
    static func logGamma(_ x: Double) -> Double {
        var sign: Int32 = 0
        return lgamma_r(x, &sign)
    }
}
