/// Salt-and-pepper noise (Bengio et al. 2011, section 2; ift6266 `PoivreSel.py`): a random set
/// of pixels, a fraction `complexity / 5` of the image, each replaced by a value `~ U[0, 1]`
/// (the original's "salt and pepper" takes any grey level, not only 0 and 1). Applied with
/// probability 0.25.
public struct SaltAndPepper: Sendable {
    /// Fraction of the pixels replaced.
    public var fraction: Float
    /// The generator the pixels and their values are drawn from.
    public var generator: RandomSource

    /// Noise replacing `fraction` of the pixels, drawn from `generator`.
    public init(fraction: Float, generator: RandomSource) {
        precondition(fraction >= 0 && fraction <= 1)
        (self.fraction, self.generator) = (fraction, generator)
    }

    /// The noise for one image at `complexity`; nil (identity) when skipped or at 0.
    public static func draw(complexity: Float, rng: inout RandomSource) -> SaltAndPepper? {
        guard rng.nextUnitFloat() < 0.25, complexity > 0 else { return nil }
        return SaltAndPepper(fraction: complexity / 5, generator: rng)
    }

    /// Number of pixels replaced in an image of `pixels` pixels.
    public func replacedPixels(of pixels: Int) -> Int { Int(Float(pixels) * fraction) }

    /// Replaces the chosen pixels of `image`.
    public func apply(to image: UnsafeMutablePointer<Float>, scratch: PerturbationScratch) {
        let n = scratch.size.pixels, k = replacedPixels(of: n)
        let chosen = scratch.indices.pointer
        var rng = generator
        rng.sampleWithoutReplacement(k, from: n, into: chosen)
        for i in 0..<k { image[Int(chosen[i])] = rng.nextUnitFloat() }
    }
}
