import Foundation

/// Motion blur, the first noise step of the pipeline (Bengio et al. 2011, section 2): GIMP's
/// "linear motion blur" (ift6266 `gimp_script.py` calls `plug_in_mblur`), where each pixel
/// becomes the mean of the `length` pixels met walking from it in direction `angle` along a
/// Bresenham line. Pixels beyond the image count as background (0), so the ink is kept, bar
/// what the line carries over the border.
///
/// Drawn as in `gimp_script.py`: `length = |round(N(0, (3 complexity)^2))|` pixels (for 32x32
/// images), `angle ~ U[0, 360)` degrees. GIMP ran the blur just before the pinch, inside one
/// module sharing one complexity; here it follows the pinch, in the paper's order, so that the
/// geometric steps resample once (see `Warp`), and draws its own complexity.
public struct MotionBlur: Equatable, Sendable {
    /// Pixels averaged along the line, the starting pixel included.
    public var length: Int
    /// Direction of the line, in radians from the x axis towards the y axis.
    public var angle: Float

    /// A blur over `length` pixels in direction `angle` (radians).
    public init(length: Int, angle: Float) {
        precondition(length >= 1)
        (self.length, self.angle) = (length, angle)
    }

    /// The blur for one image at `complexity`; nil (identity) when the length is 0 or 1.
    public static func draw(complexity: Float, size: ImageSize, rng: inout RandomSource) -> MotionBlur? {
        let length = Int(abs((rng.nextGaussian() * 3 * complexity * size.scale).rounded()))
        let angle = 2 * Float.pi * rng.nextUnitFloat()
        return length < 2 ? nil : MotionBlur(length: length, angle: angle)
    }

    /// The `k`-th pixel of the line, as an offset: one step along the major axis per pixel, the
    /// minor axis rounded (Bresenham).
    func offset(_ k: Int) -> (dx: Int, dy: Int) {
        let (c, s) = (cos(angle), sin(angle))
        if abs(c) >= abs(s) {
            return (c >= 0 ? k : -k, Int((Float(k) * s / abs(c)).rounded()))
        }
        return (Int((Float(k) * c / abs(s)).rounded()), s >= 0 ? k : -k)
    }

    /// Blurs `image` in place.
    public func apply(to image: UnsafeMutablePointer<Float>, scratch: PerturbationScratch) {
        let (w, h, n) = (scratch.size.width, scratch.size.height, scratch.size.pixels)
        let src = scratch.source.pointer
        src.update(from: image, count: n)
        image.update(repeating: 0, count: n)
        let weight = 1 / Float(length)
        // Line by line of the kernel: add the shifted source over the rows and columns where the
        // shifted pixel exists.
        for k in 0..<length {
            let (dx, dy) = offset(k)
            let (x0, x1) = (max(0, -dx), min(w, w - dx))
            let (y0, y1) = (max(0, -dy), min(h, h - dy))
            guard x0 < x1, y0 < y1 else { continue }
            for y in y0..<y1 {
                let out = image + y * w, line = src + (y + dy) * w + dx
                for x in x0..<x1 { out[x] += weight * line[x] }
            }
        }
    }
}
