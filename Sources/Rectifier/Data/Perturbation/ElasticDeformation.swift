import CKernels
import Foundation

/// Local elastic deformation (Simard, Steinkraus & Platt 2003), the fourth step of the pipeline
/// (Bengio et al. 2011, section 2; ift6266 `local_elastic_distortions.py`): every pixel is
/// sampled from a point displaced by a random field, uniform noise in [-1, 1] smoothed by a
/// Gaussian kernel and scaled by `alpha`, one field per axis.
///
/// Strength as in the original code: with `k = complexity^(1/3)` (so that the effect grows
/// quickly from 0 while keeping the extremes), `alpha = 10 k` and `sigma = 10 - 7 k` pixels (for
/// 32x32 images); the kernel is `exp(-(t / sigma)^2)` cut at `|t| <= 0.75 sigma` (the original
/// kernel is `1.5 sigma` wide, a compromise it made for speed) and normalised. The original
/// reused 50 precomputed fields per tenth of complexity; here every image gets a fresh field.
public struct ElasticDeformation: Sendable {
    /// Scale of the displacement, in pixels.
    public var alpha: Float
    /// Smoothness of the field, in pixels.
    public var sigma: Float
    /// The generator the field's noise is drawn from.
    public var generator: RandomSource

    /// A deformation of scale `alpha` and smoothness `sigma` (pixels), its noise from `generator`.
    public init(alpha: Float, sigma: Float, generator: RandomSource) {
        (self.alpha, self.sigma, self.generator) = (alpha, sigma, generator)
    }

    /// The deformation for one image at `complexity`; nil (identity) when it is 0.
    public static func draw(complexity: Float, size: ImageSize, rng: inout RandomSource) -> ElasticDeformation? {
        guard complexity > 0 else { return nil }
        let k = cbrt(complexity)
        return ElasticDeformation(alpha: 10 * k * size.scale, sigma: (10 - 7 * k) * size.scale, generator: rng)
    }

    /// Half-width of the smoothing kernel, in pixels.
    var radius: Int { max(1, Int((0.75 * sigma).rounded())) }

    /// The largest `radius` of a drawn deformation at `size` (at complexity near 0).
    static func maximumRadius(for size: ImageSize) -> Int { max(1, Int((7.5 * size.scale).rounded())) }

    /// The displacement field at `size`, in pixels (one value per pixel and axis), smoothed by
    /// the body of instruction set `isa` (`RK_ISA_*`, clamped to what the CPU runs; -1: the
    /// Swift reference). Allocates: for inspection and tests; the pipeline uses its scratch.
    public func displacementField(size: ImageSize, isa: Int32 = RK_ISA_AVX512) -> (x: [Float], y: [Float]) {
        let scratch = PerturbationScratch(size: size)
        makeField(scratch, isa: isa)
        return (Array(UnsafeBufferPointer(start: scratch.fieldX.pointer, count: size.pixels)),
                Array(UnsafeBufferPointer(start: scratch.fieldY.pointer, count: size.pixels)))
    }

    /// Writes the displacement field, in pixels, to `scratch.fieldX` and `scratch.fieldY`.
    /// `isa` picks the smoothing body (`RK_ISA_*`; the best the CPU runs by default), for the
    /// tests that hold every body to `smoothReference`.
    func makeField(_ scratch: PerturbationScratch, isa: Int32 = RK_ISA_AVX512) {
        var rng = generator
        let r = min(radius, scratch.margin)
        let kernel = scratch.kernel.pointer
        var total: Float = 0
        for t in -r...r {
            kernel[t + r] = exp(-(Float(t) / sigma) * (Float(t) / sigma))
            total += kernel[t + r]
        }
        for t in 0...(2 * r) { kernel[t] /= total }
        smoothedNoise(into: scratch.fieldX.pointer, radius: r, rng: &rng, scratch, isa: isa)
        smoothedNoise(into: scratch.fieldY.pointer, radius: r, rng: &rng, scratch, isa: isa)
    }

    /// Uniform noise on the image grid widened by `r` on every side, smoothed by the separable
    /// kernel in `scratch.kernel` (horizontal pass, then vertical: `rk_smooth_field`) and scaled
    /// by `alpha`, so that the field has the same statistics at the borders as in the middle.
    private func smoothedNoise(into field: UnsafeMutablePointer<Float>, radius r: Int, rng: inout RandomSource,
                               _ scratch: PerturbationScratch, isa: Int32) {
        let (w, h) = (scratch.size.width, scratch.size.height)
        let noise = scratch.noise.pointer
        for i in 0..<((w + 2 * r) * (h + 2 * r)) { noise[i] = rng.nextFloat(symmetric: 1) }
        if isa < 0 {
            Self.smoothReference(noise, into: field, rows: scratch.rowsSmoothed.pointer, w: w, h: h, r: r,
                                 kernel: scratch.kernel.pointer, alpha: alpha)
        } else {
            rk_smooth_field(isa, noise, scratch.rowsSmoothed.pointer, field, w, h, r, scratch.kernel.pointer, alpha)
        }
    }

    /// `rk_smooth_field` in Swift (used with `isa` -1): the reference the tests hold it to.
    static func smoothReference(_ noise: UnsafePointer<Float>, into field: UnsafeMutablePointer<Float>,
                                rows: UnsafeMutablePointer<Float>, w: Int, h: Int, r: Int,
                                kernel: UnsafePointer<Float>, alpha: Float) {
        let (pw, ph) = (w + 2 * r, h + 2 * r)
        for y in 0..<ph {
            let line = noise + y * pw, out = rows + y * w
            for x in 0..<w { out[x] = 0 }
            for t in 0...(2 * r) {
                let (k, shifted) = (kernel[t], line + t)
                for x in 0..<w { out[x] += k * shifted[x] }
            }
        }
        for y in 0..<h {
            let out = field + y * w
            for x in 0..<w { out[x] = 0 }
            for t in 0...(2 * r) {
                let (k, line) = (kernel[t] * alpha, rows + (y + t) * w)
                for x in 0..<w { out[x] += k * line[x] }
            }
        }
    }
}
