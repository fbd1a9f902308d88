/// Slant, the first step of the NIST perturbation pipeline (Bengio et al. 2011, section 2;
/// ift6266 `data_generation/transformations/slant.py`): each row is shifted horizontally in
/// proportion to its height, `shift = round(row x slant)`, then all rows back by
/// `round(slant x height / 2)` so that the middle row stays in place.
///
/// Drawn as in `slant.py`: `|slant| ~ U[0, complexity]`, its sign + or - with probability 1/2.
/// The shifts are whole pixels, without smoothing (the original's choice: later steps smooth).
/// One departure: `slant.py` wraps the pixels pushed out of a row around to its other end; here
/// they are dropped and the vacated pixels are background (0), so strokes never reappear on the
/// wrong side of the character.
public struct Slant: Equatable, Sendable {
    /// Horizontal shift per row, in pixels per row (positive: lower rows move right).
    public var slant: Float

    /// A slant of `slant` pixels per row.
    public init(slant: Float) { self.slant = slant }

    /// The slant for one image at `complexity`; nil (identity) when it is 0.
    public static func draw(complexity: Float, rng: inout RandomSource) -> Slant? {
        let magnitude = complexity * rng.nextUnitFloat()
        let slant = rng.nextUnitFloat() < 0.5 ? -magnitude : magnitude
        return magnitude == 0 ? nil : Slant(slant: slant)
    }

    /// Shifts the rows of `image` in place.
    public func apply(to image: UnsafeMutablePointer<Float>, scratch: PerturbationScratch) {
        let (w, h) = (scratch.size.width, scratch.size.height)
        let row = scratch.work.pointer
        let centring = (slant * Float(h) / 2).rounded()
        for y in 0..<h {
            let shift = Int((Float(y) * slant).rounded() - centring)
            guard shift != 0 else { continue }
            let line = image + y * w
            row.update(from: line, count: w)
            line.update(repeating: 0, count: w)
            guard abs(shift) < w else { continue }
            if shift > 0 {
                (line + shift).update(from: row, count: w - shift)
            } else {
                line.update(from: row - shift, count: w + shift)
            }
        }
    }
}
