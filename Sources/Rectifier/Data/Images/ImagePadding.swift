/// Places images at the centre of a larger canvas: the 28x28 EMNIST characters on 32x32, the
/// size of the paper's NISTP images (2 pixels on each side).
public struct ImagePadding: Equatable, Sendable {
    public let sourceHeight: Int
    public let sourceWidth: Int
    public let targetHeight: Int
    public let targetWidth: Int

    /// Padding from `sourceHeight`x`sourceWidth` to a size no smaller along either axis. When the
    /// margin is odd, the extra pixel goes below and to the right.
    public init(sourceHeight: Int, sourceWidth: Int, targetHeight: Int, targetWidth: Int) throws {
        guard sourceHeight > 0, sourceWidth > 0, targetHeight >= sourceHeight, targetWidth >= sourceWidth else {
            throw UsageError("cannot pad \(sourceHeight)x\(sourceWidth) images to \(targetHeight)x\(targetWidth)")
        }
        self.sourceHeight = sourceHeight
        self.sourceWidth = sourceWidth
        self.targetHeight = targetHeight
        self.targetWidth = targetWidth
    }

    /// The images in `images` (row-major, back to back), each centred on a canvas of `fill`.
    public func apply(_ images: [UInt8], fill: UInt8 = 0) -> [UInt8] {
        let sourceSize = sourceHeight * sourceWidth, targetSize = targetHeight * targetWidth
        precondition(images.count % sourceSize == 0, "\(images.count) pixels are not whole \(sourceHeight)x\(sourceWidth) images")
        let count = images.count / sourceSize
        let top = (targetHeight - sourceHeight) / 2, left = (targetWidth - sourceWidth) / 2
        var out = [UInt8](repeating: fill, count: count * targetSize)
        images.withUnsafeBufferPointer { s in
            out.withUnsafeMutableBufferPointer { t in
                for image in 0..<count {
                    for y in 0..<sourceHeight {
                        let from = image * sourceSize + y * sourceWidth
                        let to = image * targetSize + (top + y) * targetWidth + left
                        _ = UnsafeMutableBufferPointer(rebasing: t[to..<(to + sourceWidth)])
                            .update(fromContentsOf: UnsafeBufferPointer(rebasing: s[from..<(from + sourceWidth)]))
                    }
                }
            }
        }
        return out
    }
}
