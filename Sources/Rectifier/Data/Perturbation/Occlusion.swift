/// Occlusion (Bengio et al. 2011, section 2; ift6266 `Occlusion.py`): a rectangle cut from the
/// middle of ANOTHER character image (the occluder, which the caller supplies) is laid against
/// the left or the right border of the image, or over its centre at half intensity; pixels
/// take the lighter of the two values.
///
/// Drawn as in `Occlusion.py` (lengths for 32x32 images): the rectangle reaches `top`,
/// `bottom`, `left` and `right` pixels from the occluder's centre, each `min(15, |N(8
/// complexity, 2^2)|)` (larger at higher complexity); left, right or centre equally likely;
/// placed `|N(0, 2^2)|` pixels in from the border and `N(0, 3^2)` pixels off the middle row,
/// pulled back inside the image when it would leave it. Applied with probability 0.4. (The
/// original skips it at complexity 0 only through a misspelt variable, that is not at all;
/// here complexity 0 is the identity, as for every step.)
public struct Occlusion: Equatable, Sendable {
    /// Where the rectangle goes.
    public enum Placement: Sendable, Equatable { case left, right, centre }

    /// Extents of the rectangle from the occluder's centre, in pixels.
    public var top, bottom, left, right: Int
    /// Where it is laid.
    public var placement: Placement
    /// Distance from the border (left and right placements) and from the middle row, in pixels.
    public var inset, rowOffset: Int

    /// A rectangle of the given extents laid at `placement`, `inset` pixels in from the border
    /// and `rowOffset` rows below the middle.
    public init(top: Int, bottom: Int, left: Int, right: Int, placement: Placement, inset: Int = 0, rowOffset: Int = 0) {
        precondition(min(top, bottom, left, right, inset) >= 0)
        (self.top, self.bottom, self.left, self.right) = (top, bottom, left, right)
        (self.placement, self.inset, self.rowOffset) = (placement, inset, rowOffset)
    }

    /// The occlusion for one image at `complexity`; nil (identity) when skipped or at 0.
    public static func draw(complexity: Float, size: ImageSize, rng: inout RandomSource) -> Occlusion? {
        guard rng.nextUnitFloat() < 0.4, complexity > 0 else { return nil }
        let s = size.scale
        let limit = max(0, min(size.width, size.height) / 2 - 1)
        let mean = Float(Int(8 * complexity * s))
        func extent() -> Int { min(limit, Int(abs(mean + 2 * s * rng.nextGaussian()))) }
        var (top, bottom, left, right) = (extent(), extent(), extent(), extent())
        if top + bottom + left + right == 0 { (top, bottom, left, right) = (1, 1, 1, 1) }
        let inset = Int(abs(2 * s * rng.nextGaussian())), rowOffset = Int(3 * s * rng.nextGaussian())
        let pick = rng.nextInt(below: 3)
        let placement: Placement = pick == 0 ? .left : pick == 1 ? .centre : .right
        return Occlusion(top: min(top, limit), bottom: min(bottom, limit), left: min(left, limit), right: min(right, limit),
                         placement: placement, inset: inset, rowOffset: rowOffset)
    }

    /// Lays the rectangle cut from `occluder` (an image of the same size) onto `image`.
    public func apply(to image: UnsafeMutablePointer<Float>, occluder: UnsafePointer<Float>, scratch: PerturbationScratch) {
        let (w, h) = (scratch.size.width, scratch.size.height)
        let (cx, cy) = (w / 2 - 1, h / 2 - 1)
        let (width, height) = (left + right + 1, top + bottom + 1)
        // Top-left corner of the destination, kept inside the image.
        var x0: Int, y0: Int
        let opacity: Float
        switch placement {
        case .left: (x0, y0, opacity) = (inset, h / 2 + rowOffset - top, 1)
        case .right: (x0, y0, opacity) = (w - inset - width, h / 2 + rowOffset - top, 1)
        case .centre: (x0, y0, opacity) = (w / 2 - left, h / 2 - top, 0.5)
        }
        x0 = min(max(x0, 0), max(0, w - width))
        y0 = min(max(y0, 0), max(0, h - height))
        for i in 0..<height {
            let (sy, dy) = (cy - top + i, y0 + i)
            guard sy >= 0, sy < h, dy < h else { continue }
            for j in 0..<width {
                let (sx, dx) = (cx - left + j, x0 + j)
                guard sx >= 0, sx < w, dx < w else { continue }
                image[dy * w + dx] = max(image[dy * w + dx], opacity * occluder[sy * w + sx])
            }
        }
    }
}
