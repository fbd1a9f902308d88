/// The shape of a grey image: `width` columns by `height` rows, stored row-major, one Float in
/// [0, 1] per pixel.
public struct ImageSize: Hashable, Sendable, Codable {
    /// Columns.
    public let width: Int
    /// Rows.
    public let height: Int

    /// Largest side accepted: far above any character image, small enough that scratch buffers
    /// stay a few megabytes.
    public static let maximumSide = 1024

    /// A size of `width` x `height` pixels, both in 1...`maximumSide`.
    public init(width: Int, height: Int) throws(UsageError) {
        guard (1...Self.maximumSide).contains(width), (1...Self.maximumSide).contains(height) else {
            throw UsageError("image size \(width)x\(height) is not in 1...\(Self.maximumSide) on each side")
        }
        self.width = width
        self.height = height
    }

    /// Number of pixels.
    public var pixels: Int { width * height }

    /// The lengths of the original pipeline are in pixels of 32x32 NIST images; they are
    /// multiplied by this factor so that other sizes see the same relative strength.
    var scale: Float { Float(min(width, height)) / 32 }

    /// Centre of the image in pixel coordinates (pixel centres at integers).
    var centre: (x: Float, y: Float) { (Float(width - 1) / 2, Float(height - 1) / 2) }
}
