/// Shrinks images by area averaging: each output pixel is the exact mean of the source area it
/// covers, a source pixel counting by the fraction of it inside (so 108x108 → 32x32, a factor
/// of 3.375, weighs the pixels cut by an output pixel's edge by the part they contribute).
///
/// The weight of a source pixel is the product of its overlaps along the two axes, so the
/// average is computed separably: along rows, then along columns.
public struct AreaDownsampling: Equatable, Sendable {
    /// The source pixels an output pixel covers along one axis, with their weights (summing to 1).
    struct Taps: Equatable, Sendable {
        var first: Int
        var weights: [Float]
    }

    public let sourceHeight: Int
    public let sourceWidth: Int
    public let targetHeight: Int
    public let targetWidth: Int
    let rowTaps: [Taps]
    let columnTaps: [Taps]

    /// Downsampling from `sourceHeight`x`sourceWidth` to a size no larger along either axis.
    public init(sourceHeight: Int, sourceWidth: Int, targetHeight: Int, targetWidth: Int) throws {
        guard targetHeight > 0, targetWidth > 0, targetHeight <= sourceHeight, targetWidth <= sourceWidth else {
            throw UsageError("cannot downsample \(sourceHeight)x\(sourceWidth) images to \(targetHeight)x\(targetWidth)")
        }
        self.sourceHeight = sourceHeight
        self.sourceWidth = sourceWidth
        self.targetHeight = targetHeight
        self.targetWidth = targetWidth
        rowTaps = Self.taps(source: sourceHeight, target: targetHeight)
        columnTaps = Self.taps(source: sourceWidth, target: targetWidth)
    }

    /// Weights along an axis of `source` pixels shrunk to `target`. In units of 1/target of a
    /// source pixel, source pixel j spans [j*target, (j+1)*target) and output pixel i spans
    /// [i*source, (i+1)*source): integer overlaps, so the weights are exact ratios.
    static func taps(source: Int, target: Int) -> [Taps] {
        (0..<target).map { i in
            let start = i * source, end = (i + 1) * source
            let first = start / target, last = (end - 1) / target
            let weights = (first...last).map { j in
                Float(min(end, (j + 1) * target) - max(start, j * target)) / Float(source)
            }
            return Taps(first: first, weights: weights)
        }
    }

    /// Pixels per source image and per output image.
    public var sourceSize: Int { sourceHeight * sourceWidth }
    public var targetSize: Int { targetHeight * targetWidth }

    /// Downsamples the images in `source` (row-major, back to back: any number of images or
    /// colour planes) into `target`, which holds as many output images.
    public func apply(_ source: UnsafeBufferPointer<Float>, into target: UnsafeMutableBufferPointer<Float>) {
        precondition(source.count % sourceSize == 0 && target.count == source.count / sourceSize * targetSize,
                     "\(source.count) source pixels are not whole \(sourceHeight)x\(sourceWidth) images for \(target.count) outputs")
        var rows = [Float](repeating: 0, count: sourceHeight * targetWidth)
        rows.withUnsafeMutableBufferPointer { rows in
            for image in 0..<(source.count / sourceSize) {
                let s = source.baseAddress! + image * sourceSize
                let t = target.baseAddress! + image * targetSize
                // Along each row: sourceHeight x targetWidth.
                for y in 0..<sourceHeight {
                    for (x, taps) in columnTaps.enumerated() {
                        var sum: Float = 0
                        for (k, w) in taps.weights.enumerated() { sum += w * s[y * sourceWidth + taps.first + k] }
                        rows[y * targetWidth + x] = sum
                    }
                }
                // Along each column of that.
                for (y, taps) in rowTaps.enumerated() {
                    for x in 0..<targetWidth { t[y * targetWidth + x] = 0 }
                    for (k, w) in taps.weights.enumerated() {
                        let row = (taps.first + k) * targetWidth
                        for x in 0..<targetWidth { t[y * targetWidth + x] += w * rows[row + x] }
                    }
                }
            }
        }
    }

    /// Downsamples byte images (row-major, back to back) into `target`.
    public func apply(_ source: UnsafeBufferPointer<UInt8>, into target: UnsafeMutableBufferPointer<Float>) {
        precondition(source.count % sourceSize == 0 && target.count == source.count / sourceSize * targetSize,
                     "\(source.count) source pixels are not whole \(sourceHeight)x\(sourceWidth) images for \(target.count) outputs")
        var plane = [Float](repeating: 0, count: sourceSize)
        plane.withUnsafeMutableBufferPointer { plane in
            for image in 0..<(source.count / sourceSize) {
                for i in 0..<sourceSize { plane[i] = Float(source[image * sourceSize + i]) }
                let output = target[(image * targetSize)..<((image + 1) * targetSize)]
                apply(UnsafeBufferPointer(plane), into: UnsafeMutableBufferPointer(rebasing: output))
            }
        }
    }

    /// The images in `source` (row-major, back to back), downsampled.
    public func apply(_ source: [Float]) -> [Float] {
        var out = [Float](repeating: 0, count: source.count / sourceSize * targetSize)
        source.withUnsafeBufferPointer { s in out.withUnsafeMutableBufferPointer { apply(s, into: $0) } }
        return out
    }

    /// The byte images in `source` (row-major, back to back), downsampled to floats.
    public func apply(_ source: [UInt8]) -> [Float] {
        var out = [Float](repeating: 0, count: source.count / sourceSize * targetSize)
        source.withUnsafeBufferPointer { s in out.withUnsafeMutableBufferPointer { apply(s, into: $0) } }
        return out
    }
}
