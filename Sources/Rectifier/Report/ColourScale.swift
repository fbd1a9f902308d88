import Foundation

/// How a series is coloured.
public enum SeriesColour: Sendable, Equatable {
    /// Colour `index` of `Plot.palette` (wrapping around after ten).
    case palette(Int)
    /// The colour of this value on the plot's sequential colour scale (`ColourScale`), e.g. the
    /// learning rate a run was swept to. Such series have no legend entry: the colour bar is theirs.
    case value(Double)

    /// Colours telling apart one series per value of `values` (e.g. the layer numbers 1, 2, 3):
    /// palette colours for up to ten series, beyond that the values on a colour scale, since an
    /// eleventh palette colour would repeat the first.
    public static func distinct(_ values: [Double]) -> [SeriesColour] {
        values.count <= Plot.palette.count ? values.indices.map { .palette($0) } : values.map { .value($0) }
    }
}

/// The colour bar of a plot whose series are coloured by a number: viridis, whose lightness
/// rises steadily from dark violet to yellow, so that colour order is value order even in
/// grey. Values are spread by rank, not by size: every distinct value gets its own, evenly
/// spaced colour whether the values are 0, 0.0001 and 0.01 or 1, 2 and 3, and zeros and
/// negative values need no special case. The bar shows one block per value.
public struct ColourScale: Sendable, Equatable {
    /// What the values are, e.g. "learning-rate", written before the bar.
    public var label: String
    /// How the values are written under the bar.
    public var format: NumberFormat

    /// A colour bar labelled `label`.
    public init(_ label: String, format: NumberFormat = .plain) {
        self.label = label
        self.format = format
    }

    /// Viridis at 0, 0.1, ..., 1 (matplotlib's colour map, sampled there).
    static let viridis = ["#440154", "#482475", "#414487", "#355f8d", "#2a788e", "#21918c",
                          "#22a884", "#44bf70", "#7ad151", "#bddf26", "#fde725"]

    /// Viridis' top end is a pale yellow that thin lines lose on white; the scale stops here.
    static let top = 0.85

    /// The colour of a value that is not a finite number, which has no place on the scale.
    static let unplaceable = "#999999"

    /// The distinct finite `values` in increasing order, each with its colour: the lowest at
    /// viridis' dark end, the highest at `top`, the others evenly between by rank.
    static func colours(for values: [Double]) -> [(value: Double, colour: String)] {
        let distinct = Set(values.filter(\.isFinite)).sorted()
        return distinct.enumerated().map { rank, value in
            (value, colour(at: distinct.count == 1 ? 0 : top * Double(rank) / Double(distinct.count - 1)))
        }
    }

    /// Viridis at `t` in 0...1, interpolated linearly in RGB between the samples.
    static func colour(at t: Double) -> String {
        let position = min(1, max(0, t)) * Double(viridis.count - 1)
        let i = min(viridis.count - 2, Int(position)), f = position - Double(i)
        let (a, b) = (rgb(viridis[i]), rgb(viridis[i + 1]))
        let mixed = (0..<3).map { Int((Double(a[$0]) * (1 - f) + Double(b[$0]) * f).rounded()) }
        return "#" + mixed.map { String(format: "%02x", $0) }.joined()
    }

    /// The red, green and blue bytes of "#rrggbb".
    static func rgb(_ hex: String) -> [Int] {
        let digits = Array(hex.dropFirst())
        return (0..<3).map { Int(String(digits[2 * $0...2 * $0 + 1]), radix: 16) ?? 0 }
    }
}
