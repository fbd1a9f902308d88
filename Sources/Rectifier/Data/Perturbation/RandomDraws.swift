import Foundation

/// The random draws the perturbation steps share, on top of `RandomSource`'s uniform ones.
extension RandomSource {
    /// Two independent standard normal values (Box-Muller on two uniform draws).
    mutating func nextGaussianPair() -> (Float, Float) {
        // 1 - u is in (0, 1], so the logarithm is finite.
        let u = 1 - nextUnitFloat(), v = nextUnitFloat()
        let r = (-2 * log(u)).squareRoot()
        let angle = 2 * Float.pi * v
        return (r * cos(angle), r * sin(angle))
    }

    /// One standard normal value.
    mutating func nextGaussian() -> Float { nextGaussianPair().0 }

    /// Writes `k` distinct values of `0..<n` to `indices[0..<k]` (a partial Fisher-Yates
    /// shuffle; `indices` holds at least `n` values and is overwritten).
    mutating func sampleWithoutReplacement(_ k: Int, from n: Int, into indices: UnsafeMutablePointer<Int32>) {
        precondition(k <= n)
        for i in 0..<n { indices[i] = Int32(i) }
        for i in 0..<k {
            let j = i + nextInt(below: n - i)
            (indices[i], indices[j]) = (indices[j], indices[i])
        }
    }
}
