/// Pixel permutation (Bengio et al. 2011, section 2; ift6266 `PermutPixel.py`): a random set of
/// pixels, `complexity / 3` of them (rounded down to a multiple of 4), is chosen, and each is
/// swapped with one of its four neighbours, the same number of times with the left, right,
/// upper and lower one. Applied with probability 0.2. (The original, working on the flattened
/// image, swapped a pixel in the first column with the last pixel of the row above; here a
/// swap that would leave the image or the row is skipped.)
public struct PixelPermutation: Sendable {
    /// Number of pixels swapped with a neighbour (a multiple of 4).
    public var count: Int
    /// The generator the pixels are chosen from.
    public var generator: RandomSource

    /// Swaps for `count` pixels (rounded down to a multiple of 4), chosen from `generator`.
    public init(count: Int, generator: RandomSource) {
        precondition(count >= 0)
        (self.count, self.generator) = (count / 4 * 4, generator)
    }

    /// The permutation for one image at `complexity`; nil (identity) when skipped or empty.
    public static func draw(complexity: Float, size: ImageSize, rng: inout RandomSource) -> PixelPermutation? {
        guard rng.nextUnitFloat() < 0.2 else { return nil }
        let count = Int(Float(size.pixels / 4) * complexity / 3) * 4
        return count == 0 ? nil : PixelPermutation(count: count, generator: rng)
    }

    /// Swaps the chosen pixels of `image` with their neighbours.
    public func apply(to image: UnsafeMutablePointer<Float>, scratch: PerturbationScratch) {
        let (w, n) = (scratch.size.width, scratch.size.pixels)
        let chosen = scratch.indices.pointer
        let k = min(count, n / 4 * 4)
        var rng = generator
        rng.sampleWithoutReplacement(k, from: n, into: chosen)
        for i in 0..<k {
            let p = Int(chosen[i])
            let q: Int
            switch i % 4 {
            case 0: q = p % w > 0 ? p - 1 : -1
            case 1: q = p % w < w - 1 ? p + 1 : -1
            case 2: q = p - w
            default: q = p + w < n ? p + w : -1
            }
            guard q >= 0 else { continue }
            (image[p], image[q]) = (image[q], image[p])
        }
    }
}
