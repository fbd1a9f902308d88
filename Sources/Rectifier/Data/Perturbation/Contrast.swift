/// Grey level and contrast change, the last step of the pipeline (Bengio et al. 2011, section
/// 2; ift6266 `contrast.py`): the image is stretched linearly so that its darkest and lightest
/// pixels span `[(1 - C) / 2, (1 + C) / 2]`, and with probability 1/2 its polarity is inverted
/// (light on dark becomes dark on light).
///
/// Drawn as in `contrast.py`: `C ~ U[1 - 0.85 complexity, 1]` (the original draws it on a grid
/// of 1/256). The inversion can be switched off (`Perturbation.invertsPolarity`), for training
/// sets whose test images all have one polarity; the original always allows it.
public struct Contrast: Equatable, Sendable {
    /// The range of grey levels kept, in (0, 1].
    public var contrast: Float
    /// Whether the polarity is inverted.
    public var inverts: Bool

    /// A stretch to a range of `contrast` around 1/2, inverted when `inverts`.
    public init(contrast: Float, inverts: Bool) {
        (self.contrast, self.inverts) = (contrast, inverts)
    }

    /// The contrast change for one image at `complexity`; nil (identity) at 0. The inversion
    /// is drawn whether or not it is allowed, so that allowing it changes no other draw.
    public static func draw(complexity: Float, allowsInversion: Bool, rng: inout RandomSource) -> Contrast? {
        let inverts = rng.nextUnitFloat() < 0.5 && allowsInversion
        let contrast = 1 - 0.85 * complexity * rng.nextUnitFloat()
        return complexity > 0 ? Contrast(contrast: contrast, inverts: inverts) : nil
    }

    /// Stretches (and inverts) `image` in place. A flat image maps to the bottom of the range.
    public func apply(to image: UnsafeMutablePointer<Float>, scratch: PerturbationScratch) {
        let n = scratch.size.pixels
        let range = GreyRange(of: image, count: n)
        let gain = range.isFlat ? 0 : contrast / (range.upper - range.lower)
        let offset = (1 - contrast) / 2
        for i in 0..<n {
            let v = offset + (image[i] - range.lower) * gain
            image[i] = inverts ? 1 - v : v
        }
    }
}
