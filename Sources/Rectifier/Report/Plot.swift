/// A point in data units.
public struct DataPoint: Sendable, Equatable {
    /// Horizontal coordinate.
    public var x: Double
    /// Vertical coordinate.
    public var y: Double
    /// The point (x, y).
    public init(x: Double, y: Double) {
        self.x = x
        self.y = y
    }
}

/// A mean with its interval, e.g. the test error over seeds with a 95% confidence interval.
public struct ErrorBar: Sendable, Equatable {
    /// Horizontal position.
    public var x: Double
    /// The estimate, drawn as a marker.
    public var y: Double
    /// Bottom of the bar.
    public var lower: Double
    /// Top of the bar.
    public var upper: Double
    /// The bar from `lower` to `upper` at `x`, with its marker at `y`.
    public init(x: Double, y: Double, lower: Double, upper: Double) {
        self.x = x
        self.y = y
        self.lower = lower
        self.upper = upper
    }
}

/// A labelled horizontal (constant y) or vertical (constant x) dashed line, e.g. the paper's
/// value "paper: 1.43%".
public struct ReferenceLine: Sendable, Equatable {
    /// Which coordinate the line holds constant.
    public enum Orientation: Sendable, Equatable { case horizontal, vertical }
    /// Horizontal or vertical.
    public var orientation: Orientation
    /// The constant y (horizontal) or x (vertical), in data units.
    public var value: Double
    /// Text drawn along the line (placed where it covers the least data).
    public var label: String

    /// The line y = `y`.
    public static func horizontal(_ y: Double, label: String) -> ReferenceLine {
        ReferenceLine(orientation: .horizontal, value: y, label: label)
    }

    /// The line x = `x`.
    public static func vertical(_ x: Double, label: String) -> ReferenceLine {
        ReferenceLine(orientation: .vertical, value: x, label: label)
    }
}

/// One set of data drawn in one colour, with an entry in the legend (unless its name is empty).
public struct Series: Sendable {
    /// How the data are drawn.
    public enum Kind: Sendable {
        /// A marker per point.
        case scatter([DataPoint])
        /// Points joined in the given order, optionally with markers.
        case line([DataPoint], markers: Bool)
        /// y = f(x) sampled at `samples` evenly spaced x across the axis (evenly in log x on
        /// a logarithmic axis); non-finite values break the curve.
        case function(@Sendable (Double) -> Double, samples: Int)
        /// A marker at each mean and a bar from lower to upper, optionally joined by a line.
        case errorBars([ErrorBar], connected: Bool)
    }

    /// The legend entry; empty for none.
    public var name: String
    /// What is drawn.
    public var kind: Kind
    /// Its colour; nil takes the palette colour of its position in `Plot.series`.
    public var colour: SeriesColour?

    /// A series named `name` (empty: no legend entry).
    public init(_ name: String, _ kind: Kind, colour: SeriesColour? = nil) {
        self.name = name
        self.kind = kind
        self.colour = colour
    }

    /// Markers at `points`.
    public static func scatter(_ name: String, _ points: [DataPoint], colour: SeriesColour? = nil) -> Series {
        Series(name, .scatter(points), colour: colour)
    }

    /// A polyline through `points`.
    public static func line(_ name: String, _ points: [DataPoint], markers: Bool = true, colour: SeriesColour? = nil) -> Series {
        Series(name, .line(points, markers: markers), colour: colour)
    }

    /// The curve y = `f`(x), e.g. a fitted polynomial.
    public static func function(_ name: String, samples: Int = 200, colour: SeriesColour? = nil,
                                _ f: @escaping @Sendable (Double) -> Double) -> Series {
        Series(name, .function(f, samples: samples), colour: colour)
    }

    /// Means with intervals.
    public static func errorBars(_ name: String, _ bars: [ErrorBar], connected: Bool = false, colour: SeriesColour? = nil) -> Series {
        Series(name, .errorBars(bars, connected: connected), colour: colour)
    }
}

/// One axis: its label, its range (from the data when nil) and its scale.
public struct Axis: Sendable, Equatable {
    /// How data map to positions along the axis.
    public enum Scale: Sendable, Equatable {
        /// Equal differences, equal distances.
        case linear
        /// Equal ratios, equal distances. Values ≤ 0 cannot be placed: on the x axis they are
        /// left out; on the y axis they are drawn on the bottom edge (as matplotlib's
        /// nonpositive="clip"), so that a curve reaching an error of zero stays visible.
        case logarithmic
        /// Logarithmic when the positive values span more than a decade (the smallest is below a
        /// tenth of the largest), linear otherwise: error rates and losses fall by orders of
        /// magnitude, and on a linear axis the first epochs' large values squash the late ones.
        case automatic
    }

    /// Text under the x axis or beside the y axis; empty for none.
    public var label: String
    /// The drawn range; nil for the data's extent widened by 5% on each side.
    public var range: ClosedRange<Double>?
    /// Linear, logarithmic, or chosen from the data.
    public var scale: Scale
    /// How tick labels are written.
    public var format: NumberFormat

    /// An axis labelled `label`.
    public init(_ label: String, range: ClosedRange<Double>? = nil, scale: Scale = .linear, format: NumberFormat = .plain) {
        self.label = label
        self.range = range
        self.scale = scale
        self.format = format
    }
}

/// A two-dimensional chart rendered to a self-contained SVG (see `svg(identifier:)`).
public struct Plot: Sendable {
    /// Drawn above the plot (wrapped to the width) and given as the SVG's accessible title.
    public var title: String
    /// The horizontal axis.
    public var xAxis: Axis
    /// The vertical axis.
    public var yAxis: Axis
    /// Drawn in order, later series on top.
    public var series: [Series]
    /// Dashed lines drawn under the data, labelled on top of it.
    public var referenceLines: [ReferenceLine]
    /// Names the values of series coloured by `SeriesColour.value`, on their colour bar.
    public var colourScale: ColourScale
    /// Width of the picture in CSS pixels.
    public var width: Double
    /// Height of the picture in CSS pixels.
    public var height: Double

    /// Matplotlib's default qualitative palette (Tableau 10): ten colours that are told apart
    /// on white, so that up to ten series never share one.
    public static let palette = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
                                 "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"]

    /// A plot of `series` against the axes `x` and `y`.
    public init(title: String, x: Axis, y: Axis, series: [Series] = [], referenceLines: [ReferenceLine] = [],
                colourScale: ColourScale = ColourScale(""), width: Double = 640, height: Double = 420) {
        self.title = title
        xAxis = x
        yAxis = y
        self.series = series
        self.referenceLines = referenceLines
        self.colourScale = colourScale
        self.width = width
        self.height = height
    }

    /// The colour of series `index`: its palette colour, or its value's colour on the scale.
    func colour(of index: Int) -> String {
        switch series[index].colour ?? .palette(index) {
        case .palette(let i): Plot.palette[((i % Plot.palette.count) + Plot.palette.count) % Plot.palette.count]
        case .value(let v): colourBar().first { $0.value == v }?.colour ?? ColourScale.unplaceable
        }
    }

    /// The distinct values of the series coloured by value, in increasing order, with their colours.
    func colourBar() -> [(value: Double, colour: String)] {
        ColourScale.colours(for: series.compactMap { if case .value(let v) = $0.colour { v } else { nil } })
    }
}
