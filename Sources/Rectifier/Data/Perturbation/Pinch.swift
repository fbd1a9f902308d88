import Foundation

/// Pinch, the fifth step of the pipeline (Bengio et al. 2011, section 2): GIMP's "Whirl and
/// pinch" filter with no whirl and radius 1 (ift6266 `gimp_script.py` calls
/// `plug_in_whirl_pinch(0, pinch, 1.0)`), reimplemented after GIMP's `calc_undistorted_coords`.
/// Inside the disc inscribed in the image, the pixel at relative distance `t` from the centre
/// is sampled from `sin(pi t / 2)^(-pinch)` times further out: a positive `pinch` pulls the
/// character towards the centre, a negative one swells it. Outside the disc nothing moves.
///
/// Drawn as in `gimp_script.py`: `pinch ~ U[-complexity, 0.7 complexity]`.
public struct Pinch: Equatable, Sendable {
    /// The pinch amount, in [-1, 1].
    public var amount: Float

    /// A pinch of `amount`.
    public init(amount: Float) { self.amount = amount }

    /// The pinch for one image at `complexity`; nil (identity) when it is 0.
    public static func draw(complexity: Float, rng: inout RandomSource) -> Pinch? {
        let amount = -complexity + 1.7 * complexity * rng.nextUnitFloat()
        return amount == 0 ? nil : Pinch(amount: amount)
    }

    /// Writes, for each pixel of the top-left quarter of an image of `size` (`(w + 1) / 2` by
    /// `(h + 1) / 2`, row-major), the factor by which its offset from the centre is multiplied
    /// to give the point it is sampled from. The factor depends only on the distance to the
    /// centre, the same for a pixel and its mirror images in the other quarters: computing a
    /// quarter saves three quarters of the `pow` and `sin` calls. GIMP scales the shorter axis
    /// so that the disc becomes an ellipse filling a non-square image; the scaling cancels in
    /// the offset, which is why one factor serves both axes.
    func factors(into table: UnsafeMutablePointer<Float>, size: ImageSize) {
        let (cx, cy) = size.centre
        let radius = max(cx, cy)
        let (sx, sy) = (cx > 0 ? radius / cx : 1, cy > 0 ? radius / cy : 1)
        let (qw, qh) = ((size.width + 1) / 2, (size.height + 1) / 2)
        for qy in 0..<qh {
            for qx in 0..<qw {
                let (dx, dy) = ((Float(qx) - cx) * sx, (Float(qy) - cy) * sy)
                let d = dx * dx + dy * dy
                table[qy * qw + qx] = d < radius * radius && d > 0
                    ? pow(sin(Float.pi / 2 * d.squareRoot() / radius), -amount) : 1
            }
        }
    }
}
