import Foundation

/// A plane affine map in pixel coordinates (x to the right, y down, pixel centres at integers):
/// `(x, y) -> (a x + b y + c, d x + e y + f)`. As in PIL's `Image.transform(AFFINE)`, which the
/// original pipeline used, it maps each pixel of the output to the point of the input it is
/// sampled from, so the picture moves by the inverse map.
public struct AffineMap: Equatable, Sendable {
    /// The six coefficients.
    public var a, b, c, d, e, f: Float

    /// The map `(x, y) -> (a x + b y + c, d x + e y + f)`.
    public init(a: Float, b: Float, c: Float, d: Float, e: Float, f: Float) {
        (self.a, self.b, self.c, self.d, self.e, self.f) = (a, b, c, d, e, f)
    }

    /// The identity.
    public static let identity = AffineMap(a: 1, b: 0, c: 0, d: 0, e: 1, f: 0)

    /// The map with linear part `[[a, b], [d, e]]` about the centre of an image of `size`, then
    /// a shift of the sampled point by `(tx, ty)` pixels.
    public static func centred(a: Float, b: Float, d: Float, e: Float, tx: Float = 0, ty: Float = 0,
                               size: ImageSize) -> AffineMap {
        let (cx, cy) = size.centre
        return AffineMap(a: a, b: b, c: cx - a * cx - b * cy + tx, d: d, e: e, f: cy - d * cx - e * cy + ty)
    }

    /// The sampling map that rotates the picture of an image of `size` about its centre by
    /// `angle` radians, from the x axis towards the y axis (clockwise on screen, y pointing down).
    public static func rotation(by angle: Float, size: ImageSize) -> AffineMap {
        let (cosine, sine) = (cos(angle), sin(angle))
        // Sampling uses the inverse rotation.
        return centred(a: cosine, b: sine, d: -sine, e: cosine, size: size)
    }

    /// The point `(x, y)` is sampled from.
    @inline(__always)
    public func apply(_ x: Float, _ y: Float) -> (x: Float, y: Float) {
        (a * x + b * y + c, d * x + e * y + f)
    }

    /// The affine step of the pipeline for one image at `complexity` (ift6266
    /// `affine_transform.py`): with `u_k ~ U[-1/2, 1/2)`, `a = 1 + 0.8 complexity u_0`,
    /// `b = 0.8 complexity u_1`, `d = 0.8 complexity u_3`, `e = 1 + 0.8 complexity u_4` (scale,
    /// shear and rotation together) and a shift of `9 complexity u_2`, `9 complexity u_5` pixels
    /// (for 32x32 images). The paper's text states wider ranges (`a ~ U[1 - 3 complexity, 1 + 3
    /// complexity]`, shifts of 4 complexity); the code that generated the data used these.
    /// One departure: the linear part acts about the image centre, where PIL's acts about the
    /// top-left corner (which also moved the character by up to 0.4 complexity x 32 pixels).
    /// Nil (identity) when `complexity` is 0.
    public static func draw(complexity: Float, size: ImageSize, rng: inout RandomSource) -> AffineMap? {
        guard complexity > 0 else { return nil }
        func u() -> Float { rng.nextUnitFloat() - 0.5 }
        let (linear, shift) = (0.8 * complexity, 9 * complexity * size.scale)
        let (u0, u1, u2, u3, u4, u5) = (u(), u(), u(), u(), u(), u())
        return centred(a: 1 + linear * u0, b: linear * u1, d: linear * u3, e: 1 + linear * u4,
                       tx: shift * u2, ty: shift * u5, size: size)
    }
}
