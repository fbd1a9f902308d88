import Foundation

/// The least-squares polynomial of a given degree through points (xᵢ, yᵢ): the p minimising
/// Σ (yᵢ - p(xᵢ))², as in the paper's Figure 3 (test error against sparsity, degree 2).
///
/// Solved by Householder QR of the Vandermonde matrix in the centred, scaled variable
/// t = (x - centre) / scale, which maps the data's x range onto [-1, 1]. Powers of raw x
/// (sparsities all near 0.9, or epochs near 1000) make the normal equations lose most of their
/// digits; in t the columns 1, t, t², ... are well conditioned for low degrees, and QR avoids
/// squaring the condition number as the normal equations would.
public struct PolynomialFit: Codable, Equatable, Sendable {
    /// The degree d.
    public let degree: Int
    /// Coefficients of p in powers of t = (x - centre) / scale, constant first. Evaluation
    /// uses these; `coefficients` in powers of x is derived from them.
    public let scaledCoefficients: [Double]
    /// The midpoint of the data's x range.
    public let centre: Double
    /// Half the width of the data's x range (1 when all x are equal).
    public let scale: Double
    /// The smallest and largest x of the data.
    public let xRange: ClosedRange<Double>

    /// Fits the degree-`degree` polynomial to the points. Throws a `UsageError` unless x and
    /// y have the same length, all values are finite and there are at least degree + 1
    /// distinct x values.
    public init(x: [Double], y: [Double], degree: Int) throws {
        guard x.count == y.count else {
            throw UsageError("polynomial fit: \(x.count) x values but \(y.count) y values")
        }
        guard degree >= 0 else { throw UsageError("polynomial fit: degree must be non-negative, got \(degree)") }
        try Statistics.check(x, atLeast: 1, "polynomial fit (x)")
        try Statistics.check(y, atLeast: 1, "polynomial fit (y)")
        let distinct = Set(x).count
        guard distinct > degree else {
            throw UsageError("polynomial fit: a degree-\(degree) polynomial needs at least \(degree + 1) distinct x values, got \(distinct)")
        }
        let low = x.min()!, high = x.max()!
        let centre = (low + high) / 2, scale = high > low ? (high - low) / 2 : 1
        self.degree = degree
        self.centre = centre
        self.scale = scale
        xRange = low...high
        let t = x.map { ($0 - centre) / scale }
        guard let solution = Self.leastSquares(t: t, y: y, columns: degree + 1) else {
            throw UsageError("polynomial fit: the x values are too close together to determine a degree-\(degree) polynomial")
        }
        scaledCoefficients = solution
    }

    /// Coefficients c₀, c₁, ..., c_d of p(x) = Σ cₖ xᵏ, by expanding Σ bₖ ((x - centre)/scale)ᵏ
    /// with the binomial theorem. For data far from x = 0 these are large and cancel; evaluate
    /// with `value(at:)` rather than from them.
    public var coefficients: [Double] {
        var result = [Double](repeating: 0, count: degree + 1)
        for (k, b) in scaledCoefficients.enumerated() {
            var binomial = 1.0
            for j in 0...k {
                // b (x - centre)^k / scale^k contributes C(k, j) (-centre)^(k-j) x^j / scale^k.
                result[j] += b * binomial * pow(-centre, Double(k - j)) / pow(scale, Double(k))
                binomial = binomial * Double(k - j) / Double(j + 1)
            }
        }
        return result
    }

    /// p(x), by Horner's rule in t.
    public func value(at x: Double) -> Double {
        let t = (x - centre) / scale
        return scaledCoefficients.reversed().reduce(0) { $0 * t + $1 }
    }

    /// For degree 2 with a non-zero leading coefficient, the extremum of the parabola:
    /// x* = centre - scale · b₁ / (2 b₂); nil otherwise.
    public var vertex: QuadraticVertex? {
        guard degree == 2, scaledCoefficients[2] != 0 else { return nil }
        let x = centre - scale * scaledCoefficients[1] / (2 * scaledCoefficients[2])
        return QuadraticVertex(x: x, y: value(at: x), isMinimum: scaledCoefficients[2] > 0,
                               isWithinData: xRange.contains(x))
    }

    /// Least-squares solution of V b ≈ y with V = [tᵢʲ] (j < columns), by Householder QR:
    /// reflections H_k = I - 2 v vᵀ / vᵀv zero column k below the diagonal, are applied to y as
    /// well, and R b = (Qᵀ y)[0..<columns] is solved by back substitution. Nil when a diagonal
    /// entry of R vanishes relative to its column (numerically rank deficient).
    private static func leastSquares(t: [Double], y: [Double], columns n: Int) -> [Double]? {
        let m = t.count
        // Column-major m × n.
        var a = [Double](repeating: 0, count: m * n)
        for i in 0..<m {
            var power = 1.0
            for j in 0..<n {
                a[j * m + i] = power
                power *= t[i]
            }
        }
        var rhs = y
        var diagonal = [Double](repeating: 0, count: n)
        for k in 0..<n {
            let columnNorm = (k..<m).reduce(0.0) { $0 + a[k * m + $1] * a[k * m + $1] }.squareRoot()
            let original = (0..<m).reduce(0.0) { $0 + a[k * m + $1] * a[k * m + $1] }.squareRoot()
            guard columnNorm > 1e-12 * original else { return nil }
            let alpha = a[k * m + k] > 0 ? -columnNorm : columnNorm
            var v = (k..<m).map { a[k * m + $0] }
            v[0] -= alpha
            let vv = v.reduce(0) { $0 + $1 * $1 }
            func reflect(_ values: inout [Double], offset: Int) {
                var dot = 0.0
                for i in 0..<v.count { dot += v[i] * values[offset + k + i] }
                let f = 2 * dot / vv
                for i in 0..<v.count { values[offset + k + i] -= f * v[i] }
            }
            for j in (k + 1)..<n { reflect(&a, offset: j * m) }
            reflect(&rhs, offset: 0)
            diagonal[k] = alpha
        }
        var b = [Double](repeating: 0, count: n)
        for k in stride(from: n - 1, through: 0, by: -1) {
            var sum = rhs[k]
            for j in (k + 1)..<n { sum -= a[j * m + k] * b[j] }
            b[k] = sum / diagonal[k]
        }
        return b
    }
}

/// The extremum of a fitted parabola, e.g. the sparsity of lowest predicted test error.
public struct QuadraticVertex: Codable, Equatable, Sendable {
    /// x*, where p'(x*) = 0.
    public var x: Double
    /// p(x*).
    public var y: Double
    /// True when the parabola opens upwards, so that (x*, y*) is its minimum.
    public var isMinimum: Bool
    /// Whether x* lies within the data's x range (otherwise the fit only extrapolates one).
    public var isWithinData: Bool
}
