import Foundation

/// An 8-bit grey image, for looking at data: a grid of examples (perturbed ones, say) written
/// as PGM, PNG or SVG.
public struct GreyImage: Equatable, Sendable {
    /// Columns and rows.
    public let width, height: Int
    /// Grey levels, row-major, 0 black to 255 white.
    public let pixels: [UInt8]

    /// An image of the given pixels.
    public init(width: Int, height: Int, pixels: [UInt8]) {
        precondition(width > 0 && height > 0 && pixels.count == width * height)
        (self.width, self.height, self.pixels) = (width, height, pixels)
    }

    /// The images stored one after another in `images` (values in [0, 1], clipped), laid out
    /// left to right and top to bottom, `columns` to a row, with `separator` pixels of grey
    /// `separatorGrey` between them and around the grid.
    public static func grid(of images: [Float], size: ImageSize, columns: Int, separator: Int = 1,
                            separatorGrey: UInt8 = 128) throws(UsageError) -> GreyImage {
        guard !images.isEmpty, images.count % size.pixels == 0 else {
            throw UsageError("\(images.count) values are not a whole number of \(size.width)x\(size.height) images")
        }
        guard columns > 0, (0...16).contains(separator) else {
            throw UsageError("a grid needs at least one column and a separator of 0 to 16 pixels")
        }
        let count = images.count / size.pixels
        let (across, down) = (min(columns, count), (count + columns - 1) / columns)
        let width = across * (size.width + separator) + separator
        let height = down * (size.height + separator) + separator
        guard width <= 1 << 15, height <= 1 << 15 else {
            throw UsageError("a grid of \(count) images would be \(width)x\(height) pixels, more than 32768 a side")
        }
        var pixels = [UInt8](repeating: separatorGrey, count: width * height)
        for k in 0..<count {
            let (left, top) = (separator + (k % columns) * (size.width + separator), separator + (k / columns) * (size.height + separator))
            for y in 0..<size.height {
                for x in 0..<size.width {
                    pixels[(top + y) * width + left + x] = grey(images[k * size.pixels + y * size.width + x])
                }
            }
        }
        return GreyImage(width: width, height: height, pixels: pixels)
    }

    /// `value` in [0, 1] (clipped) as a grey level.
    static func grey(_ value: Float) -> UInt8 {
        UInt8((min(1, max(0, value.isNaN ? 0 : value)) * 255).rounded())
    }

    /// The image as a binary PGM file (P5, maximum value 255).
    public func pgm() -> [UInt8] {
        Array("P5\n\(width) \(height)\n255\n".utf8) + pixels
    }

    /// The image as an SVG file: one `<image>` holding the PNG as a data URI, drawn with
    /// `pixelScale` screen pixels per image pixel and no smoothing.
    public func svg(pixelScale: Int = 4) -> [UInt8] {
        let (w, h) = (width * pixelScale, height * pixelScale)
        let data = Data(png()).base64EncodedString()
        return Array("""
            <svg xmlns="http://www.w3.org/2000/svg" width="\(w)" height="\(h)" viewBox="0 0 \(width) \(height)">
            <image width="\(width)" height="\(height)" style="image-rendering:pixelated" href="data:image/png;base64,\(data)"/>
            </svg>

            """.utf8)
    }

    /// Writes the image atomically to `path`, in the format its extension names: `.pgm`,
    /// `.png` or `.svg`.
    public func write(to path: String) throws {
        let bytes: [UInt8]
        switch URL(fileURLWithPath: path).pathExtension.lowercased() {
        case "pgm": bytes = pgm()
        case "png": bytes = png()
        case "svg": bytes = svg()
        case let other:
            throw FileError(path, "unknown image format '\(other)' (the name must end in .pgm, .png or .svg)")
        }
        try FileIO.writeAtomically(bytes, to: path)
    }
}
