/// Preallocated buffers for perturbing images of one size, so that perturbing a batch
/// allocates nothing. Not shareable: each thread that perturbs images makes its own.
public final class PerturbationScratch: @unchecked Sendable {
    /// Size of the images this scratch serves.
    public let size: ImageSize
    /// A copy of the image a step reads while it writes the image itself.
    let source: FloatBuffer
    /// An intermediate image (filtered copy, morphology result).
    let work: FloatBuffer
    /// The elastic displacement field, horizontal and vertical, one value per pixel.
    let fieldX: FloatBuffer
    let fieldY: FloatBuffer
    /// Uniform noise on the image grid widened by `margin` pixels on every side, and the same
    /// after the horizontal smoothing pass (width of the image, height widened).
    let noise: FloatBuffer
    let rowsSmoothed: FloatBuffer
    /// The margin of `noise`: the largest smoothing radius of an elastic field.
    let margin: Int
    /// A 1-D kernel or a square averaging window (up to `window.count` values).
    let kernel: FloatBuffer
    let window: FloatBuffer
    /// The pinch factors of a quarter of the image (see `Pinch.factors`).
    let pinchFactors: FloatBuffer
    /// Pixel indices, for sampling pixels without replacement.
    let indices: AlignedBuffer<Int32>

    /// Buffers for images of `size`.
    public init(size: ImageSize) {
        self.size = size
        let n = size.pixels
        margin = ElasticDeformation.maximumRadius(for: size)
        source = FloatBuffer(count: n)
        work = FloatBuffer(count: n)
        fieldX = FloatBuffer(count: n)
        fieldY = FloatBuffer(count: n)
        noise = FloatBuffer(count: (size.width + 2 * margin) * (size.height + 2 * margin))
        rowsSmoothed = FloatBuffer(count: size.width * (size.height + 2 * margin))
        let side = GaussianSmoothing.maximumKernelSize(for: size)
        kernel = FloatBuffer(count: max(side, 2 * margin + 1))
        window = FloatBuffer(count: side * side)
        pinchFactors = FloatBuffer(count: ((size.width + 1) / 2) * ((size.height + 1) / 2))
        indices = AlignedBuffer(count: n)
    }
}
