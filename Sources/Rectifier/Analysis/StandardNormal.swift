import Foundation

/// The standard normal distribution N(0, 1), for z-tests and Wilson intervals.
public enum StandardNormal {
    /// The density φ(z) = exp(-z²/2) / √(2π).
    public static func density(_ z: Double) -> Double {
        exp(-0.5 * z * z) / (2 * Double.pi).squareRoot()
    }

    /// Φ(z) = P(Z ≤ z) = erfc(-z/√2) / 2; erfc keeps the lower tail accurate to its last digits.
    public static func cdf(_ z: Double) -> Double {
        0.5 * erfc(-z / 2.0.squareRoot())
    }

    /// 1 - Φ(z) = P(Z > z), accurate in the upper tail.
    public static func survival(_ z: Double) -> Double {
        0.5 * erfc(z / 2.0.squareRoot())
    }

    /// Φ⁻¹(p): -∞ at 0, +∞ at 1, NaN outside [0, 1].
    ///
    /// Acklam's rational approximation (relative error 1.2e-9) refined by Halley steps on
    /// Φ(z) - p, which converge cubically to full double precision. The lower half is solved
    /// directly and the upper half by the symmetry Φ⁻¹(p) = -Φ⁻¹(1-p).
    public static func quantile(_ p: Double) -> Double {
        guard p >= 0, p <= 1 else { return .nan }
        if p == 0 { return -.infinity }
        if p == 1 { return .infinity }
        if p > 0.5 { return -quantile(1 - p) }
        var z = acklam(p)
        for _ in 0..<3 {
            let phi = density(z)
            guard phi > 0 else { break }
            let u = (cdf(z) - p) / phi
            let next = z - u / (1 + z * u / 2)
            if next == z { break }
            z = next
        }
        return z
    }

    /// Acklam's approximation of Φ⁻¹(p) for 0 < p ≤ 0.5: a rational function of p - 1/2 in the
    /// centre, of √(-2 log p) in the tail below 0.02425.
    private static func acklam(_ p: Double) -> Double {
        let a = [-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02,
                 1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00]
        let b = [-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02,
                 6.680131188771972e+01, -1.328068155288572e+01]
        let c = [-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00,
                 -2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00]
        let d = [7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00,
                 3.754408661907416e+00]
        func horner(_ coefficients: [Double], _ x: Double) -> Double {
            coefficients.reduce(0) { $0 * x + $1 }
        }
        if p < 0.02425 {
            let q = (-2 * log(p)).squareRoot()
            return horner(c, q) / (horner(d, q) * q + 1)
        }
        let q = p - 0.5
        let r = q * q
        return horner(a, r) * q / (horner(b, r) * r + 1)
    }
}
