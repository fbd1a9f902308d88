import Foundation

/// Where everything of a `Plot` goes: the resolved axis ranges and ticks, the plotting area in
/// pixels, and the mapping between data and pixel coordinates (which the tests use to check
/// the SVG against the data).
public struct PlotLayout: Sendable {
    /// Drawn x range in data units.
    public let xRange: ClosedRange<Double>
    /// Drawn y range in data units.
    public let yRange: ClosedRange<Double>
    /// Whether x is drawn on a log scale.
    public let xLogarithmic: Bool
    /// Whether y is drawn on a log scale.
    public let yLogarithmic: Bool
    /// The plotting area in pixels (y grows downwards).
    public let left: Double, top: Double, right: Double, bottom: Double
    /// Ticks and gridlines of the x axis.
    public let xTicks: [Tick]
    /// Ticks and gridlines of the y axis.
    public let yTicks: [Tick]
    /// The title broken into lines that fit the width.
    public let titleLines: [String]
    /// Legend entries (indices into `Plot.series`), row by row, below the x axis.
    let legendRows: [[Int]]
    /// Whether a colour bar for the series coloured by value goes below the legend rows.
    let hasColourBar: Bool

    /// Pixel column of data x.
    public func pixelX(_ x: Double) -> Double {
        left + (Self.scaled(x, xLogarithmic) - Self.scaled(xRange.lowerBound, xLogarithmic))
            / (Self.scaled(xRange.upperBound, xLogarithmic) - Self.scaled(xRange.lowerBound, xLogarithmic)) * (right - left)
    }

    /// Pixel row of data y; on a log axis, y ≤ 0 is the bottom edge (see `Axis.Scale.logarithmic`).
    public func pixelY(_ y: Double) -> Double {
        let y = yLogarithmic && y <= 0 ? yRange.lowerBound : y
        return bottom - (Self.scaled(y, yLogarithmic) - Self.scaled(yRange.lowerBound, yLogarithmic))
            / (Self.scaled(yRange.upperBound, yLogarithmic) - Self.scaled(yRange.lowerBound, yLogarithmic)) * (bottom - top)
    }

    /// Data x at pixel column `px` (inverse of `pixelX`).
    public func dataX(pixel px: Double) -> Double {
        let lo = Self.scaled(xRange.lowerBound, xLogarithmic), hi = Self.scaled(xRange.upperBound, xLogarithmic)
        return Self.unscaled(lo + (px - left) / (right - left) * (hi - lo), xLogarithmic)
    }

    /// Data y at pixel row `py` (inverse of `pixelY`).
    public func dataY(pixel py: Double) -> Double {
        let lo = Self.scaled(yRange.lowerBound, yLogarithmic), hi = Self.scaled(yRange.upperBound, yLogarithmic)
        return Self.unscaled(lo + (bottom - py) / (bottom - top) * (hi - lo), yLogarithmic)
    }

    static func scaled(_ v: Double, _ logarithmic: Bool) -> Double { logarithmic ? log10(v) : v }
    static func unscaled(_ v: Double, _ logarithmic: Bool) -> Double { logarithmic ? pow(10, v) : v }

    /// Estimated advance width of `text` in the plot's sans-serif font: 0.6 em per character
    /// (DejaVu Sans digits are 0.64 em, lower case about 0.56 em). Only used to leave room.
    static func textWidth(_ text: String, size: Double) -> Double { Double(text.count) * size * 0.6 }

    static let titleSize = 16.0, labelSize = 13.0, tickSize = 12.0, legendRowHeight = 20.0, colourBarHeight = 36.0

    init(_ plot: Plot) {
        let xValues = Self.xValues(plot)
        xLogarithmic = Self.isLogarithmic(plot.xAxis.scale, values: xValues)
        xRange = Self.resolve(plot.xAxis, logarithmic: xLogarithmic, values: xValues)
        titleLines = Self.wrap(plot.title, width: plot.width - 32, size: Self.titleSize)
        let yValues = Self.yValues(plot, xRange: xRange, logarithmic: xLogarithmic)
        yLogarithmic = Self.isLogarithmic(plot.yAxis.scale, values: yValues)
        yRange = Self.resolve(plot.yAxis, logarithmic: yLogarithmic, values: yValues)
        top = titleLines.isEmpty ? 16 : 16 + Self.titleSize * 1.3 * Double(titleLines.count) + 8
        // The y ticks depend on the area's height and the left margin on their labels; the
        // height is estimated before the legend is known, which only changes the tick count.
        let estimatedHeight = plot.height - top - 80
        yTicks = Self.ticks(plot.yAxis, yLogarithmic, yRange, target: max(3, Int(estimatedHeight / 50)))
        let yLabelWidth = yTicks.map { Self.textWidth($0.label, size: Self.tickSize) }.max() ?? 0
        left = 12 + (plot.yAxis.label.isEmpty ? 0 : Self.labelSize + 10) + yLabelWidth + 10
        let provisionalTicks = Self.ticks(plot.xAxis, xLogarithmic, xRange, target: max(3, Int((plot.width - left - 40) / 90)))
        let lastLabel = provisionalTicks.last.map { Self.textWidth($0.label, size: Self.tickSize) } ?? 0
        right = plot.width - max(20, lastLabel / 2 + 8)
        xTicks = provisionalTicks
        legendRows = Self.legend(plot, width: right - left)
        hasColourBar = !plot.colourBar().isEmpty
        let legendHeight = (legendRows.isEmpty && !hasColourBar ? 0 : 10) + Double(legendRows.count) * Self.legendRowHeight
            + (hasColourBar ? Self.colourBarHeight : 0)
        bottom = plot.height - 10 - legendHeight - (plot.xAxis.label.isEmpty ? 0 : Self.labelSize + 12) - Self.tickSize - 12
    }

    private static func ticks(_ axis: Axis, _ logarithmic: Bool, _ range: ClosedRange<Double>, target: Int) -> [Tick] {
        logarithmic ? Ticks.logarithmic(range, format: axis.format) : Ticks.linear(range, target: target, format: axis.format)
    }

    /// Whether an axis of `scale` showing `values` is logarithmic (see `Axis.Scale.automatic`).
    private static func isLogarithmic(_ scale: Axis.Scale, values: [Double]) -> Bool {
        switch scale {
        case .linear: return false
        case .logarithmic: return true
        case .automatic:
            let positive = values.filter { $0 > 0 && $0.isFinite }
            guard let smallest = positive.min(), let largest = positive.max() else { return false }
            return smallest < largest / 10
        }
    }

    /// The axis's own range if usable, else the finite (and, on a log axis, positive) values'
    /// extent widened by 5% of its span on each side (in log space on a log axis).
    private static func resolve(_ axis: Axis, logarithmic: Bool, values: [Double]) -> ClosedRange<Double> {
        if let r = axis.range, r.lowerBound < r.upperBound, r.lowerBound.isFinite, r.upperBound.isFinite,
           !logarithmic || r.lowerBound > 0 {
            return r
        }
        let usable = values.filter { $0.isFinite && (!logarithmic || $0 > 0) }.map { scaled($0, logarithmic) }
        guard var low = usable.min(), var high = usable.max() else {
            return logarithmic ? 0.1...1 : 0...1
        }
        if low == high {
            let pad = logarithmic ? 0.5 : max(abs(low) * 0.1, 1e-9)
            low -= pad
            high += pad
        } else {
            let pad = (high - low) * 0.05
            low -= pad
            high += pad
        }
        return unscaled(low, logarithmic)...unscaled(high, logarithmic)
    }

    private static func xValues(_ plot: Plot) -> [Double] {
        var values = plot.referenceLines.filter { $0.orientation == .vertical }.map(\.value)
        for s in plot.series {
            switch s.kind {
            case .scatter(let points), .line(let points, _): values += points.map(\.x)
            case .errorBars(let bars, _): values += bars.map(\.x)
            case .function: break
            }
        }
        return values
    }

    private static func yValues(_ plot: Plot, xRange: ClosedRange<Double>, logarithmic: Bool) -> [Double] {
        var values = plot.referenceLines.filter { $0.orientation == .horizontal }.map(\.value)
        for s in plot.series {
            switch s.kind {
            case .scatter(let points), .line(let points, _): values += points.map(\.y)
            case .errorBars(let bars, _): values += bars.flatMap { [$0.lower, $0.y, $0.upper] }
            case .function(let f, let samples): values += sampleXs(xRange, logarithmic, samples).map(f)
            }
        }
        return values
    }

    /// `count` x positions evenly spaced across `range` (in log x on a log axis), 2 to 10,000.
    static func sampleXs(_ range: ClosedRange<Double>, _ logarithmic: Bool, _ count: Int) -> [Double] {
        let n = min(10_000, max(2, count))
        let lo = scaled(range.lowerBound, logarithmic), hi = scaled(range.upperBound, logarithmic)
        return (0..<n).map { unscaled(lo + (hi - lo) * Double($0) / Double(n - 1), logarithmic) }
    }

    /// Legend entries flowed into rows of at most `width` pixels: swatch, name, gap. Series
    /// coloured by value are left out: the colour bar stands for them.
    private static func legend(_ plot: Plot, width: Double) -> [[Int]] {
        var rows: [[Int]] = [], row: [Int] = [], used = 0.0
        for (i, s) in plot.series.enumerated() where !s.name.isEmpty {
            if case .value = s.colour { continue }
            let w = legendEntryWidth(s.name)
            if !row.isEmpty && used + w > width {
                rows.append(row)
                row = []
                used = 0
            }
            row.append(i)
            used += w
        }
        if !row.isEmpty { rows.append(row) }
        return rows
    }

    static func legendEntryWidth(_ name: String) -> Double { 30 + textWidth(name, size: tickSize) + 18 }

    /// Words of `text` greedily packed into lines of at most `width` pixels.
    static func wrap(_ text: String, width: Double, size: Double) -> [String] {
        var lines: [String] = [], line = ""
        for word in text.split(whereSeparator: \.isWhitespace) {
            let candidate = line.isEmpty ? String(word) : line + " " + word
            if !line.isEmpty && textWidth(candidate, size: size) > width {
                lines.append(line)
                line = String(word)
            } else {
                line = candidate
            }
        }
        if !line.isEmpty { lines.append(line) }
        return lines
    }
}
