import Foundation

extension Plot {
    /// The resolved ranges, ticks and pixel mapping this plot is drawn with.
    public func layout() -> PlotLayout { PlotLayout(self) }

    /// The plot as a self-contained SVG document (no scripts, fonts or external references).
    ///
    /// Every marker is a `<circle>` carrying its data values in `data-x` and `data-y` (and
    /// `data-lower`, `data-upper` for error bars), written in Swift's shortest round-trip form,
    /// so the drawn points can be checked against the data; a series coloured by value carries
    /// it in `data-value`, and each tick group its axis's scale in `data-scale`. Points that
    /// cannot be placed (not finite, or x ≤ 0 on a log x axis) are left out; y ≤ 0 on a log y
    /// axis is drawn on the bottom edge; points outside a given range are clipped.
    /// `identifier` prefixes the SVG's element ids; give each plot of one HTML page its own.
    /// The same plot always gives the same bytes.
    public func svg(identifier: String = "plot") -> String {
        let layout = layout()
        var svg = SVGWriter(layout: layout, id: SVGWriter.sanitisedID(identifier))
        svg.open(self)
        svg.frameAndTicks(self)
        svg.referenceLines(referenceLines)
        svg.line("<g clip-path=\"url(#\(svg.id)-area)\">")
        let errorBarSeries = series.indices.filter { if case .errorBars = series[$0].kind { return true } else { return false } }
        for (i, s) in series.enumerated() {
            // Error-bar series sharing x positions are spread 5 px apart so they stay visible.
            let dodge = errorBarSeries.count > 1
                ? (Double(errorBarSeries.firstIndex(of: i) ?? 0) - Double(errorBarSeries.count - 1) / 2) * 5 : 0
            svg.series(s, colour: colour(of: i), dodge: dodge)
        }
        svg.line("</g>")
        svg.referenceLabels(self)
        svg.legend(self)
        svg.line("</svg>")
        return svg.lines.joined(separator: "\n") + "\n"
    }
}

/// Accumulates the SVG text of one plot.
struct SVGWriter {
    let layout: PlotLayout
    let id: String
    var lines: [String] = []

    init(layout: PlotLayout, id: String) {
        self.layout = layout
        self.id = id
    }

    /// Letters, digits, '-' and '_' of `identifier`, starting with a letter (an XML name).
    static func sanitisedID(_ identifier: String) -> String {
        let kept = String(identifier.unicodeScalars.filter { $0.isASCII && (CharacterSet.alphanumerics.contains($0) || $0 == "-" || $0 == "_") })
        return kept.first?.isLetter == true ? kept : "plot-" + kept
    }

    /// A pixel coordinate with at most two decimals and no trailing zeros.
    static func px(_ v: Double) -> String {
        var s = String(format: "%.2f", v)
        while s.hasSuffix("0") { s.removeLast() }
        if s.hasSuffix(".") { s.removeLast() }
        return s == "-0" ? "0" : s
    }

    mutating func line(_ text: String) { lines.append(text) }

    /// A `<line>` from (x1, y1) to (x2, y2) in pixels.
    static func segment(_ x1: Double, _ y1: Double, _ x2: Double, _ y2: Double, _ extra: String = "") -> String {
        "<line x1=\"\(px(x1))\" y1=\"\(px(y1))\" x2=\"\(px(x2))\" y2=\"\(px(y2))\"\(extra)/>"
    }

    mutating func text(_ content: String, x: Double, y: Double, anchor: String = "start", extra: String = "") {
        line("<text x=\"\(Self.px(x))\" y=\"\(Self.px(y))\" text-anchor=\"\(anchor)\"\(extra)>\(Markup.escapeXML(content))</text>")
    }

    mutating func open(_ plot: Plot) {
        let w = Self.px(plot.width), h = Self.px(plot.height)
        line("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(w)\" height=\"\(h)\" viewBox=\"0 0 \(w) \(h)\" "
             + "font-family=\"DejaVu Sans, Verdana, Arial, sans-serif\" font-size=\"\(Self.px(PlotLayout.tickSize))\" "
             + "role=\"img\" aria-labelledby=\"\(id)-title\">")
        line("<title id=\"\(id)-title\">\(Markup.escapeXML(plot.title))</title>")
        line("<defs><clipPath id=\"\(id)-area\"><rect x=\"\(Self.px(layout.left))\" y=\"\(Self.px(layout.top))\" "
             + "width=\"\(Self.px(layout.right - layout.left))\" height=\"\(Self.px(layout.bottom - layout.top))\"/></clipPath></defs>")
        line("<rect width=\"\(w)\" height=\"\(h)\" fill=\"#ffffff\"/>")
        for (k, titleLine) in layout.titleLines.enumerated() {
            text(titleLine, x: plot.width / 2, y: 16 + PlotLayout.titleSize * (1.3 * Double(k) + 1), anchor: "middle",
                 extra: " font-size=\"\(Self.px(PlotLayout.titleSize))\" font-weight=\"bold\" fill=\"#111111\"")
        }
    }

    mutating func frameAndTicks(_ plot: Plot) {
        let l = layout
        line("<g class=\"grid\" stroke=\"#e4e4e4\" stroke-width=\"1\">")
        for t in l.xTicks { line(Self.segment(l.pixelX(t.value), l.top, l.pixelX(t.value), l.bottom)) }
        for t in l.yTicks { line(Self.segment(l.left, l.pixelY(t.value), l.right, l.pixelY(t.value))) }
        line("</g>")
        line("<rect class=\"frame\" x=\"\(Self.px(l.left))\" y=\"\(Self.px(l.top))\" width=\"\(Self.px(l.right - l.left))\" "
             + "height=\"\(Self.px(l.bottom - l.top))\" fill=\"none\" stroke=\"#666666\"/>")
        line("<g class=\"x-ticks\" data-scale=\"\(l.xLogarithmic ? "logarithmic" : "linear")\" fill=\"#222222\" stroke=\"#666666\">")
        for t in l.xTicks {
            let x = l.pixelX(t.value)
            line(Self.segment(x, l.bottom, x, l.bottom + 5))
            text(t.label, x: x, y: l.bottom + 8 + PlotLayout.tickSize, anchor: "middle", extra: " stroke=\"none\"")
        }
        line("</g>")
        line("<g class=\"y-ticks\" data-scale=\"\(l.yLogarithmic ? "logarithmic" : "linear")\" fill=\"#222222\" stroke=\"#666666\">")
        for t in l.yTicks {
            let y = l.pixelY(t.value)
            line(Self.segment(l.left - 5, y, l.left, y))
            text(t.label, x: l.left - 8, y: y + PlotLayout.tickSize * 0.35, anchor: "end", extra: " stroke=\"none\"")
        }
        line("</g>")
        let labelFont = " font-size=\"\(Self.px(PlotLayout.labelSize))\" fill=\"#111111\""
        if !plot.xAxis.label.isEmpty {
            text(plot.xAxis.label, x: (l.left + l.right) / 2, y: l.bottom + 20 + PlotLayout.tickSize + PlotLayout.labelSize,
                 anchor: "middle", extra: labelFont)
        }
        if !plot.yAxis.label.isEmpty {
            let x = 12 + PlotLayout.labelSize, y = (l.top + l.bottom) / 2
            line("<text transform=\"translate(\(Self.px(x)),\(Self.px(y))) rotate(-90)\" text-anchor=\"middle\"\(labelFont)>"
                 + "\(Markup.escapeXML(plot.yAxis.label))</text>")
        }
    }

    /// Whether a reference line's value lies inside the drawn range.
    private func visible(_ r: ReferenceLine) -> Bool {
        let range = r.orientation == .horizontal ? layout.yRange : layout.xRange
        let log = r.orientation == .horizontal ? layout.yLogarithmic : layout.xLogarithmic
        return range.contains(r.value) && (!log || r.value > 0)
    }

    mutating func referenceLines(_ references: [ReferenceLine]) {
        let l = layout
        line("<g class=\"reference-lines\" stroke=\"#444444\" stroke-width=\"1.2\" stroke-dasharray=\"6 4\">")
        for r in references where visible(r) {
            switch r.orientation {
            case .horizontal:
                line(Self.segment(l.left, l.pixelY(r.value), l.right, l.pixelY(r.value), " data-y=\"\(r.value)\""))
            case .vertical:
                line(Self.segment(l.pixelX(r.value), l.top, l.pixelX(r.value), l.bottom, " data-x=\"\(r.value)\""))
            }
        }
        line("</g>")
    }

    /// Labels of the reference lines, each where it covers the least data (`LabelPlacement`),
    /// with a white halo so that gridlines do not cut through the text.
    mutating func referenceLabels(_ plot: Plot) {
        var placement = LabelPlacement(plot, layout: layout)
        line("<g class=\"reference-labels\" fill=\"#222222\" stroke=\"#ffffff\" stroke-width=\"3\" paint-order=\"stroke\">")
        for r in plot.referenceLines where visible(r) && !r.label.isEmpty {
            let spots = r.orientation == .horizontal
                ? placement.horizontalSpots(y: layout.pixelY(r.value)) : placement.verticalSpots(x: layout.pixelX(r.value))
            let spot = placement.place(r.label, spots)
            text(r.label, x: spot.x, y: spot.y, anchor: spot.anchor)
        }
        line("</g>")
    }

    private func placeable(_ x: Double, _ y: Double) -> Bool {
        x.isFinite && y.isFinite && (!layout.xLogarithmic || x > 0)
    }

    private func marker(_ x: Double, _ y: Double, dodge: Double = 0, extra: String = "") -> String {
        "<circle cx=\"\(Self.px(layout.pixelX(x) + dodge))\" cy=\"\(Self.px(layout.pixelY(y)))\" r=\"3.5\" data-x=\"\(x)\" data-y=\"\(y)\"\(extra)/>"
    }

    /// Polylines through the placeable points, broken where a point cannot be placed.
    private func polylines(_ points: [DataPoint], dodge: Double = 0, attributes: String) -> [String] {
        var runs: [[String]] = [[]]
        for p in points {
            if placeable(p.x, p.y) {
                runs[runs.count - 1].append("\(Self.px(layout.pixelX(p.x) + dodge)),\(Self.px(layout.pixelY(p.y)))")
            } else if !runs[runs.count - 1].isEmpty {
                runs.append([])
            }
        }
        return runs.filter { $0.count > 1 }.map { "<polyline\(attributes) points=\"\($0.joined(separator: " "))\"/>" }
    }

    mutating func series(_ s: Series, colour: String, dodge: Double) {
        var identity = "data-series=\"\(Markup.escapeXML(s.name))\""
        if case .value(let v) = s.colour { identity += " data-value=\"\(v)\"" }
        switch s.kind {
        case .scatter(let points):
            line("<g class=\"scatter\" \(identity) fill=\"\(colour)\" fill-opacity=\"0.8\" stroke=\"#ffffff\" stroke-width=\"0.6\">")
            for p in points where placeable(p.x, p.y) { line(marker(p.x, p.y)) }
        case .line(let points, let markers):
            line("<g class=\"line\" \(identity) fill=\"\(colour)\" stroke=\"\(colour)\">")
            lines += polylines(points, attributes: " fill=\"none\" stroke-width=\"2\"")
            if markers { for p in points where placeable(p.x, p.y) { line(marker(p.x, p.y)) } }
        case .function(let f, let samples):
            line("<g class=\"function\" \(identity) stroke=\"\(colour)\">")
            let points = PlotLayout.sampleXs(layout.xRange, layout.xLogarithmic, samples).map { DataPoint(x: $0, y: f($0)) }
            lines += polylines(points, attributes: " fill=\"none\" stroke-width=\"2.2\"")
        case .errorBars(let bars, let connected):
            line("<g class=\"error-bars\" \(identity) fill=\"\(colour)\" stroke=\"\(colour)\" stroke-width=\"1.5\">")
            if connected {
                lines += polylines(bars.map { DataPoint(x: $0.x, y: $0.y) }, dodge: dodge, attributes: " fill=\"none\" stroke-width=\"2\"")
            }
            for b in bars where placeable(b.x, b.y) && placeable(b.x, b.lower) && placeable(b.x, b.upper) {
                let x = layout.pixelX(b.x) + dodge, lo = layout.pixelY(b.lower), hi = layout.pixelY(b.upper)
                line(Self.segment(x, lo, x, hi))
                line(Self.segment(x - 4, lo, x + 4, lo))
                line(Self.segment(x - 4, hi, x + 4, hi))
                let bounds = " data-lower=\"\(b.lower)\" data-upper=\"\(b.upper)\" stroke=\"#ffffff\" stroke-width=\"0.6\""
                line(marker(b.x, b.y, dodge: dodge, extra: bounds))
            }
        }
        line("</g>")
    }
}
