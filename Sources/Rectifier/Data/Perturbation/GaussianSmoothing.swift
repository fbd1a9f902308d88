import Foundation

/// Spatially varying Gaussian smoothing, the paper's "spatially Gaussian noise" (Bengio et al.
/// 2011, section 2; ift6266 `BruitGauss.py`): the image is convolved with a Gaussian kernel and
/// the smoothed copy, stretched to the image's grey range, is averaged into the image around a
/// few random centres, with weights from a window that peaks at each centre:
/// `output = (image + smoothed x mask) / (mask + 1)`, where `mask` sums the windows.
///
/// Drawn as in `BruitGauss.py` (lengths for 32x32 images): kernel `exp(-r^2 / sigma^2)` of
/// side `12 + U[0, 20 complexity)` pixels with `sigma = 2 + U[0, 6 complexity)`; window
/// `((sqrt(2) s - r) / s)^5` over the same square, `s` half its side and `r` the distance to
/// its middle; `3 + U[0, 10 complexity)` centres, uniform over the image. Applied with
/// probability 0.25.
public struct GaussianSmoothing: Sendable {
    /// Side of the kernel and of the averaging window, in pixels.
    public var kernelSize: Int
    /// Width of the kernel, in pixels.
    public var sigma: Float
    /// Number of averaging centres.
    public var centres: Int
    /// The generator the centres are drawn from.
    public var generator: RandomSource

    /// Smoothing with a `kernelSize`-pixel kernel of width `sigma`, mixed in around `centres`
    /// random centres drawn from `generator`.
    public init(kernelSize: Int, sigma: Float, centres: Int, generator: RandomSource) {
        precondition(kernelSize >= 1 && sigma > 0 && centres >= 0)
        (self.kernelSize, self.sigma, self.centres, self.generator) = (kernelSize, sigma, centres, generator)
    }

    /// The largest kernel side drawn for images of `size`.
    static func maximumKernelSize(for size: ImageSize) -> Int { Int((32 * size.scale).rounded(.up)) + 1 }

    /// The smoothing for one image at `complexity`; nil (identity) when skipped or at 0.
    public static func draw(complexity: Float, size: ImageSize, rng: inout RandomSource) -> GaussianSmoothing? {
        guard rng.nextUnitFloat() < 0.25, complexity > 0 else { return nil }
        let centres = 3 + Int(rng.nextUnitFloat() * 10 * complexity)
        let sigma = (2 + rng.nextUnitFloat() * 6 * complexity) * size.scale
        let side = Int(((12 + (rng.nextUnitFloat() * 20 * complexity).rounded(.down)) * size.scale).rounded())
        return GaussianSmoothing(kernelSize: min(max(side, 1), maximumKernelSize(for: size)), sigma: sigma,
                                 centres: centres, generator: rng)
    }

    /// Smooths `image` in place around the centres.
    public func apply(to image: UnsafeMutablePointer<Float>, scratch: PerturbationScratch) {
        let (w, h, n) = (scratch.size.width, scratch.size.height, scratch.size.pixels)
        let side = min(kernelSize, Self.maximumKernelSize(for: scratch.size))
        let (half, origin) = (Float(side) / 2, side / 2)
        // The elastic field's buffers are free here: they serve as the mask and the row pass.
        let (src, smoothed, mask) = (scratch.source.pointer, scratch.work.pointer, scratch.fieldX.pointer)
        let (kernel, window) = (scratch.kernel.pointer, scratch.window.pointer)
        src.update(from: image, count: n)

        // The kernel exp(-((i - s)^2 + (j - s)^2) / sigma^2) is separable: rows, then columns,
        // zero beyond the borders. Its scale does not matter, the result is stretched.
        for i in 0..<side { kernel[i] = exp(-(Float(i) - half) * (Float(i) - half) / (sigma * sigma)) }
        let rows = scratch.fieldY.pointer
        // Tap by tap over whole rows: per pixel the same sum in the same order as a dot product,
        // but the inner loop vectorises. Tap i reads pixel x + i - origin, where it exists.
        rows.update(repeating: 0, count: n)
        for i in 0..<side {
            let (x0, x1) = (max(0, origin - i), min(w, w + origin - i))
            guard x0 < x1 else { continue }
            let k = kernel[i]
            for y in 0..<h {
                let (out, line) = (rows + y * w, src + y * w + i - origin)
                for x in x0..<x1 { out[x] += k * line[x] }
            }
        }
        smoothed.update(repeating: 0, count: n)
        for y in 0..<h {
            for i in max(0, origin - y)..<min(side, h - y + origin) {
                let (k, line, out) = (kernel[i], rows + (y + i - origin) * w, smoothed + y * w)
                for x in 0..<w { out[x] += k * line[x] }
            }
        }
        let range = GreyRange(of: src, count: n)
        guard !GreyRange(of: smoothed, count: n).isFlat else { return }
        range.stretch(smoothed, count: n, into: smoothed)

        for i in 0..<side {
            for j in 0..<side {
                let (di, dj) = (Float(i) - half, Float(j) - half)
                let r = (di * di + dj * dj).squareRoot()
                let v = max(0, (Float(2).squareRoot() * half - r) / half)
                window[i * side + j] = v * v * v * v * v
            }
        }
        mask.update(repeating: 0, count: n)
        var rng = generator
        for _ in 0..<centres {
            let (cx, cy) = (rng.nextInt(below: w), rng.nextInt(below: h))
            for i in 0..<side {
                let y = cy - origin + i
                guard y >= 0, y < h else { continue }
                for j in 0..<side {
                    let x = cx - origin + j
                    guard x >= 0, x < w else { continue }
                    mask[y * w + x] += window[i * side + j]
                }
            }
        }
        for p in 0..<n { image[p] = (src[p] + smoothed[p] * mask[p]) / (mask[p] + 1) }
    }
}
