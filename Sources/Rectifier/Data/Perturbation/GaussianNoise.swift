/// Gaussian noise (Bengio et al. 2011, section 2; ift6266 `DistorsionGauss.py`): independent
/// `N(0, (complexity / 10)^2)` noise added to every pixel, the result clipped to [0, 1].
/// Applied with probability 0.3.
public struct GaussianNoise: Sendable {
    /// Standard deviation of the noise.
    public var standardDeviation: Float
    /// The generator the noise is drawn from.
    public var generator: RandomSource

    /// Noise of `standardDeviation`, drawn from `generator`.
    public init(standardDeviation: Float, generator: RandomSource) {
        (self.standardDeviation, self.generator) = (standardDeviation, generator)
    }

    /// The noise for one image at `complexity`; nil (identity) when skipped or at 0.
    public static func draw(complexity: Float, rng: inout RandomSource) -> GaussianNoise? {
        guard rng.nextUnitFloat() < 0.3, complexity > 0 else { return nil }
        return GaussianNoise(standardDeviation: complexity / 10, generator: rng)
    }

    /// Adds the noise to `image`.
    public func apply(to image: UnsafeMutablePointer<Float>, scratch: PerturbationScratch) {
        let n = scratch.size.pixels
        var rng = generator
        var i = 0
        while i < n {
            let (z0, z1) = rng.nextGaussianPair()
            image[i] = min(1, max(0, image[i] + standardDeviation * z0))
            if i + 1 < n { image[i + 1] = min(1, max(0, image[i + 1] + standardDeviation * z1)) }
            i += 2
        }
    }
}
