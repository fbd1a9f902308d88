import Foundation

/// Scratches ("ratures", Bengio et al. 2011, section 2; ift6266 `Rature.py`): one to three
/// light line-like strokes laid over the character, combined by taking the lighter value.
///
/// The original strokes are images of the digit 1 from a bank of 5,000, rotated by
/// `N(90, (100 complexity)^2)` degrees (so mostly horizontal), enlarged to 50x50, cropped back
/// to 32x32 at a random offset and thinned by two erosions (narrower at low complexity). That
/// bank is not available; the strokes here are straight antialiased segments with the same
/// statistics where the description fixes them: angle from the horizontal `~ N(0, (100
/// complexity)^2)` degrees, 1, 2 or 3 strokes with probabilities 0.5, 0.3, 0.2, the step
/// skipped with probability 0.85. Chosen here, where the original leaves no number: length
/// `U[0.6, 1]` of the image height, centre uniform in the middle half of each axis, half-width
/// `0.5 + complexity` pixels (for 32x32 images).
public struct Scratches: Equatable, Sendable {
    /// One stroke.
    public struct Stroke: Equatable, Sendable {
        /// Centre, in pixels.
        public var x, y: Float
        /// Direction, radians from the x axis.
        public var angle: Float
        /// Length and half-width, in pixels.
        public var length, halfWidth: Float

        /// A stroke centred at `(x, y)`, in direction `angle`, `length` long and
        /// `2 halfWidth` wide.
        public init(x: Float, y: Float, angle: Float, length: Float, halfWidth: Float) {
            (self.x, self.y, self.angle, self.length, self.halfWidth) = (x, y, angle, length, halfWidth)
        }
    }

    /// The strokes (one to three).
    public var strokes: [Stroke]

    /// Scratches made of `strokes`.
    public init(strokes: [Stroke]) { self.strokes = strokes }

    /// The scratches for one image at `complexity`; nil (identity) when skipped or at 0.
    public static func draw(complexity: Float, size: ImageSize, rng: inout RandomSource) -> Scratches? {
        guard rng.nextUnitFloat() < 0.15, complexity > 0 else { return nil }
        let u = rng.nextUnitFloat()
        let count = u < 0.5 ? 1 : u < 0.8 ? 2 : 3
        let (w, h) = (Float(size.width), Float(size.height))
        var strokes: [Stroke] = []
        for _ in 0..<count {
            let angle = rng.nextGaussian() * 100 * complexity * Float.pi / 180
            let length = (0.6 + 0.4 * rng.nextUnitFloat()) * h
            let x = (0.25 + 0.5 * rng.nextUnitFloat()) * w, y = (0.25 + 0.5 * rng.nextUnitFloat()) * h
            strokes.append(Stroke(x: x, y: y, angle: angle, length: length, halfWidth: (0.5 + complexity) * size.scale))
        }
        return Scratches(strokes: strokes)
    }

    /// Draws the strokes onto `image`: each pixel takes the lighter of its value and the
    /// stroke's coverage (1 inside, falling linearly to 0 over one pixel at the edge).
    public func apply(to image: UnsafeMutablePointer<Float>, scratch: PerturbationScratch) {
        let (w, h) = (scratch.size.width, scratch.size.height)
        for s in strokes {
            let (ux, uy) = (cos(s.angle), sin(s.angle))
            let half = s.length / 2
            for y in 0..<h {
                for x in 0..<w {
                    // Distance from the pixel to the segment: along the stroke beyond its ends,
                    // across it everywhere.
                    let (px, py) = (Float(x) - s.x, Float(y) - s.y)
                    let along = abs(px * ux + py * uy), across = abs(py * ux - px * uy)
                    let beyond = max(0, along - half)
                    let distance = (beyond * beyond + across * across).squareRoot()
                    let coverage = min(1, max(0, s.halfWidth + 0.5 - distance))
                    image[y * w + x] = max(image[y * w + x], coverage)
                }
            }
        }
    }
}
