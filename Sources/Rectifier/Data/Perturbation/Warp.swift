import CKernels

/// The three geometric steps that follow thickness in the pipeline (affine map, elastic
/// deformation, pinch), applied as one resampling: the original resampled the image after
/// each of them (with PIL, its own bilinear code and GIMP), which blurs it three times. Pixel
/// `p` of the output is sampled, bilinearly, from the input at `A(q + D(q))` with
/// `q = P(p)`: the pinch `P` applied last, the elastic displacement `D` (interpolated between
/// pixels) before it, the affine map `A` first, as in the original order. Outside the input
/// the value is background (0).
public struct Warp: Sendable {
    /// The affine step, if any.
    public var affine: AffineMap?
    /// The elastic step, if any.
    public var elastic: ElasticDeformation?
    /// The pinch step, if any.
    public var pinch: Pinch?

    /// The composition of the steps given (identity when none is).
    public init(affine: AffineMap? = nil, elastic: ElasticDeformation? = nil, pinch: Pinch? = nil) {
        (self.affine, self.elastic, self.pinch) = (affine, elastic, pinch)
    }

    /// Whether no step is present.
    public var isIdentity: Bool { affine == nil && elastic == nil && pinch == nil }

    /// Resamples `image` in place (`rk_warp` in `Sources/CKernels/image.c`, the same arithmetic
    /// as `applyReference`, without Swift's overflow checks, eight pixels at a time where the CPU
    /// has AVX2). `isa` picks the body (`RK_ISA_*`, clamped to what the CPU runs; the best by
    /// default), so that the tests can check each.
    public func apply(to image: UnsafeMutablePointer<Float>, scratch: PerturbationScratch, isa: Int32 = RK_ISA_AVX512) {
        guard !isIdentity else { return }
        prepare(image, scratch)
        let size = scratch.size
        let (cx, cy) = size.centre
        withUnsafeTemporaryAllocation(of: Float.self, capacity: 6) { m in
            if let a = affine { (m[0], m[1], m[2], m[3], m[4], m[5]) = (a.a, a.b, a.c, a.d, a.e, a.f) }
            rk_warp(isa, scratch.source.pointer, image, size.width, size.height, pinch == nil ? nil : scratch.pinchFactors.pointer,
                    cx, cy, elastic == nil ? nil : scratch.fieldX.pointer, elastic == nil ? nil : scratch.fieldY.pointer,
                    affine == nil ? nil : m.baseAddress)
        }
    }

    /// What both resamplings read: the image copied to `scratch.source`, the elastic field and
    /// the pinch factors (of the steps present) in their scratch buffers.
    private func prepare(_ image: UnsafeMutablePointer<Float>, _ scratch: PerturbationScratch) {
        scratch.source.pointer.update(from: image, count: scratch.size.pixels)
        elastic?.makeField(scratch)
        pinch?.factors(into: scratch.pinchFactors.pointer, size: scratch.size)
    }

    /// `apply`, in Swift: the reference the tests hold `rk_warp` to.
    public func applyReference(to image: UnsafeMutablePointer<Float>, scratch: PerturbationScratch) {
        guard !isIdentity else { return }
        prepare(image, scratch)
        let size = scratch.size
        let (w, h) = (size.width, size.height)
        let src = scratch.source.pointer
        let (fx, fy) = (scratch.fieldX.pointer, scratch.fieldY.pointer)
        let factors = scratch.pinchFactors.pointer
        let (cx, cy) = size.centre
        let quarterWidth = (w + 1) / 2
        for y in 0..<h {
            for x in 0..<w {
                var (px, py) = (Float(x), Float(y))
                if pinch != nil {
                    let factor = factors[min(y, h - 1 - y) * quarterWidth + min(x, w - 1 - x)]
                    (px, py) = (cx + (px - cx) * factor, cy + (py - cy) * factor)
                }
                if elastic != nil {
                    if pinch == nil {
                        (px, py) = (px + fx[y * w + x], py + fy[y * w + x])
                    } else {
                        (px, py) = (px + Self.bilinear(fx, w, h, px, py, clamped: true),
                                    py + Self.bilinear(fy, w, h, px, py, clamped: true))
                    }
                }
                if let affine { (px, py) = affine.apply(px, py) }
                image[y * w + x] = Self.bilinear(src, w, h, px, py, clamped: false)
            }
        }
    }

    /// `values` (a `w` x `h` grid) interpolated bilinearly at `(x, y)`. Outside the grid:
    /// the nearest border value when `clamped`, else 0.
    @inline(__always)
    static func bilinear(_ values: UnsafePointer<Float>, _ w: Int, _ h: Int, _ x: Float, _ y: Float,
                         clamped: Bool) -> Float {
        var (x, y) = (x, y)
        if clamped {
            (x, y) = (min(max(x, 0), Float(w - 1)), min(max(y, 0), Float(h - 1)))
        } else if !(x > -1 && x < Float(w) && y > -1 && y < Float(h)) {
            return 0
        }
        // Floor by truncation (x > -1 here, and clamped values are >= 0): no call into libm on
        // CPUs the compiler may not assume SSE4.1 for.
        let (xt, yt) = (Int(x), Int(y))
        let (x0, y0) = (Float(xt) > x ? xt - 1 : xt, Float(yt) > y ? yt - 1 : yt)
        let (xf, yf) = (Float(x0), Float(y0))
        let (tx, ty) = (x - xf, y - yf)
        if x0 >= 0, y0 >= 0, x0 + 1 < w, y0 + 1 < h {
            let p = values + y0 * w + x0
            let top = p[0] + tx * (p[1] - p[0]), bottom = p[w] + tx * (p[w + 1] - p[w])
            return top + ty * (bottom - top)
        }
        // At the border: the neighbours outside count as 0 (or do not exist when clamped, where
        // the weight of a missing neighbour is 0 because t is 0 on the last row or column).
        func at(_ i: Int, _ j: Int) -> Float { i >= 0 && i < w && j >= 0 && j < h ? values[j * w + i] : 0 }
        let top = at(x0, y0) * (1 - tx) + at(x0 + 1, y0) * tx
        let bottom = at(x0, y0 + 1) * (1 - tx) + at(x0 + 1, y0 + 1) * tx
        return top * (1 - ty) + bottom * ty
    }
}
