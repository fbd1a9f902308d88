import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Rectifier
import Testing

/// The SVG plots: every SVG parses as XML, the drawn markers and curves sit where the data
/// say (read back from the `data-*` attributes and the pixel mapping), ticks are nice and
/// cover the range, text is escaped, and the output is deterministic.
@Suite struct PlotTests {
    /// Parses `svg` as XML and returns its elements named `name` (any namespace), optionally
    /// only those inside a `<g class="...">` of class `within`.
    func elements(_ svg: String, _ name: String, within: String? = nil) throws -> [XMLElement] {
        let document = try XMLDocument(xmlString: svg, options: [])
        let path = within.map { "//*[local-name()='g'][@class='\($0)']//*[local-name()='\(name)']" } ?? "//*[local-name()='\(name)']"
        return try document.nodes(forXPath: path).compactMap { $0 as? XMLElement }
    }

    func number(_ element: XMLElement, _ attribute: String) throws -> Double {
        let text = try #require(element.value(of: attribute), "no \(attribute)")
        return try #require(Double(text), "\(attribute)=\"\(text)\"")
    }

    /// A Figure 3-like plot: 60 runs' test error against sparsity, a degree-2 fit, the paper's value.
    static func sparsityPlot() throws -> (Plot, PolynomialFit, [DataPoint]) {
        var rng = RandomSource(seed: 3)
        let points = (0..<60).map { i -> DataPoint in
            let s = 0.73 + 0.26 * Double(i) / 59
            return DataPoint(x: s, y: 0.0135 + 0.9 * (s - 0.8) * (s - 0.8) + 0.001 * Double(rng.nextFloat(symmetric: 1)))
        }
        let fit = try PolynomialFit(x: points.map(\.x), y: points.map(\.y), degree: 2)
        let plot = Plot(
            title: "Test error against sparsity", x: Axis("exact sparsity", format: .percent),
            y: Axis("test error", format: .percent),
            series: [.scatter("60 runs", points), .function("degree-2 fit") { fit.value(at: $0) }],
            referenceLines: [.horizontal(0.0143, label: "paper: 1.43%"), .vertical(0.834, label: "paper: 83.4%")])
        return (plot, fit, points)
    }

    @Test func markersCarryTheDataAndSitOnThePixelMapping() throws {
        let (plot, _, points) = try Self.sparsityPlot()
        let layout = plot.layout()
        let circles = try elements(plot.svg(), "circle", within: "scatter")
        #expect(circles.count == points.count)
        for (circle, p) in zip(circles, points) {
            #expect(try number(circle, "data-x") == p.x && number(circle, "data-y") == p.y)
            let cx = try number(circle, "cx"), cy = try number(circle, "cy")
            #expect(abs(cx - layout.pixelX(p.x)) <= 0.005 && abs(cy - layout.pixelY(p.y)) <= 0.005)
            #expect(layout.left < cx && cx < layout.right && layout.top < cy && cy < layout.bottom)
        }
        // The automatic ranges hold every point and the reference lines, with some padding.
        #expect(layout.xRange.lowerBound < 0.73 && layout.xRange.upperBound > 0.99)
        #expect(layout.yRange.lowerBound < points.map(\.y).min()! && layout.yRange.upperBound > points.map(\.y).max()!)
    }

    @Test func fitCurvePassesThroughTheFittedValues() throws {
        let (plot, fit, _) = try Self.sparsityPlot()
        let layout = plot.layout()
        let polylines = try elements(plot.svg(), "polyline", within: "function")
        #expect(polylines.count == 1)
        let points = try #require(polylines.first?.value(of: "points")).split(separator: " ")
        #expect(points.count == 200)
        // Pixel coordinates are rounded to 0.01 px, in x and y; allow twice that in y.
        let yPerPixel = (layout.yRange.upperBound - layout.yRange.lowerBound) / (layout.bottom - layout.top)
        for pair in points {
            let xy = pair.split(separator: ",").compactMap { Double($0) }
            try #require(xy.count == 2)
            let x = layout.dataX(pixel: xy[0]), y = layout.dataY(pixel: xy[1])
            #expect(abs(y - fit.value(at: x)) <= 0.02 * yPerPixel, "at x \(x): \(y) vs \(fit.value(at: x))")
        }
        let first = try #require(points.first?.split(separator: ",").first.flatMap { Double($0) })
        #expect(abs(first - layout.left) < 0.01)
    }

    @Test func referenceLinesAndLabels() throws {
        let (plot, _, _) = try Self.sparsityPlot()
        let layout = plot.layout()
        let svg = plot.svg()
        let lines = try elements(svg, "line", within: "reference-lines")
        #expect(lines.count == 2)
        let horizontal = try #require(lines.first { $0.value(of: "data-y") != nil })
        #expect(abs(try number(horizontal, "y1") - layout.pixelY(0.0143)) <= 0.005)
        let labels = try elements(svg, "text", within: "reference-labels").map { $0.stringValue ?? "" }
        #expect(labels.sorted() == ["paper: 1.43%", "paper: 83.4%"])
    }

    @Test func referenceLabelsAvoidTheDataAndEachOther() throws {
        // Data crowd the right end just above and below the line y = 0, where a label would go first.
        let above = (0..<40).map { DataPoint(x: 0.6 + 0.01 * Double($0), y: 0.03) }
        let below = above.map { DataPoint(x: $0.x, y: -0.06) }
        let plot = Plot(title: "", x: Axis("x", range: 0...1), y: Axis("y", range: -1...1),
                        series: [.line("above", above), .line("below", below)],
                        referenceLines: [.horizontal(0, label: "first line"), .horizontal(0.01, label: "second line")])
        let layout = plot.layout()
        let labels = try elements(plot.svg(), "text", within: "reference-labels")
        try #require(labels.count == 2)
        let first = try #require(labels.first { $0.stringValue == "first line" })
        #expect(first.value(of: "text-anchor") != "end", "placed on the data at the right end")
        #expect(try number(first, "x") < layout.pixelX(0.5) + 1)
        // Two lines a pixel apart: the second label goes elsewhere instead of on top of the first.
        let second = try #require(labels.first { $0.stringValue == "second line" })
        let apart = abs(try number(first, "y") - number(second, "y")) >= 12
            || first.value(of: "text-anchor") != second.value(of: "text-anchor")
        #expect(apart)
    }

    @Test func ticksAreNiceAndCoverTheRange() throws {
        var rng = RandomSource(seed: 11)
        for _ in 0..<300 {
            let a = Double(rng.nextFloat(symmetric: 1)) * pow(10, Double(rng.nextFloat(symmetric: 4)))
            let span = pow(10, Double(rng.nextFloat(symmetric: 5)))
            let range = a...(a + span)
            let ticks = Ticks.linear(range)
            try #require(ticks.count >= 2, "\(range): \(ticks)")
            let step = Ticks.niceStep(span: span)
            #expect(abs((ticks[1].value - ticks[0].value) - step) <= 1e-9 * max(abs(a), span))
            let mantissa = step / pow(10, floor(log10(step)))
            #expect([1.0, 2.0, 5.0].contains { abs(mantissa - $0) < 1e-6 }, "step \(step)")
            #expect((3...12).contains(ticks.count), "\(range): \(ticks.count) ticks")
            for t in ticks {
                #expect(range.lowerBound - step * 1e-6 <= t.value && t.value <= range.upperBound + step * 1e-6)
                let k = t.value / step
                #expect(abs(k - k.rounded()) < 1e-6, "\(t.value) is not a multiple of \(step) in \(range): \(ticks.map(\.value))")
            }
            // Covering: no gap of a whole step at either end.
            #expect(ticks.first!.value - range.lowerBound < step && range.upperBound - ticks.last!.value < step)
            #expect(Set(ticks.map(\.label)).count == ticks.count, "labels repeat: \(ticks.map(\.label))")
        }
    }

    @Test func tickLabels() {
        #expect(Ticks.linear(0...1).map(\.label) == ["0", "0.2", "0.4", "0.6", "0.8", "1.0"])
        #expect(Ticks.linear(0.01...0.02, format: .percent).map(\.label) == ["1.0%", "1.2%", "1.4%", "1.6%", "1.8%", "2.0%"])
        #expect(Ticks.linear(-20...40).map(\.label) == ["-20", "-10", "0", "10", "20", "30", "40"])
        #expect(Ticks.linear(0...3e7).map(\.label) == ["0", "5e6", "1.0e7", "1.5e7", "2.0e7", "2.5e7", "3.0e7"])
        #expect(Ticks.logarithmic(0.04...1, format: .percent).map(\.label) == ["5%", "10%", "20%", "50%", "100%"])
        #expect(Ticks.logarithmic(1...1e6).map(\.value) == [1, 10, 100, 1000, 1e4, 1e5, 1e6])
    }

    @Test func logAxisErrorBarsFigure4Like() throws {
        let fractions = [0.04, 0.21, 0.43, 0.64, 1.0]
        let rectifier = zip(fractions, [0.38, 0.25, 0.2, 0.18, 0.165]).map { ErrorBar(x: $0, y: $1, lower: $1 - 0.01, upper: $1 + 0.01) }
        let tanh = zip(fractions, [0.41, 0.28, 0.23, 0.2, 0.177]).map { ErrorBar(x: $0, y: $1, lower: $1 - 0.012, upper: $1 + 0.012) }
        let plot = Plot(title: "NORB", x: Axis("fraction of labels", scale: .logarithmic, format: .percent),
                        y: Axis("test error", format: .percent),
                        series: [.errorBars("rectifier + pre-training", rectifier, connected: true),
                                 .errorBars("tanh + pre-training", tanh, connected: true),
                                 .scatter("unplaceable", [DataPoint(x: 0, y: 0.3), DataPoint(x: -1, y: 0.3), DataPoint(x: .nan, y: 1)])])
        let layout = plot.layout()
        #expect(layout.xLogarithmic && layout.xRange.lowerBound < 0.04 && layout.xRange.lowerBound > 0)
        let svg = plot.svg()
        let markers = try elements(svg, "circle", within: "error-bars")
        #expect(markers.count == 10)
        for (marker, bar) in zip(markers, rectifier + tanh) {
            #expect(try number(marker, "data-x") == bar.x && number(marker, "data-lower") == bar.lower && number(marker, "data-upper") == bar.upper)
            // Two error-bar series are spread 2.5 px either side of the true position.
            #expect(abs(abs(try number(marker, "cx") - layout.pixelX(bar.x)) - 2.5) <= 0.006)
        }
        // On a log axis, points at x ≤ 0 (and non-finite ones) are left out rather than misdrawn.
        #expect(try elements(svg, "circle", within: "scatter").isEmpty)
        #expect(try elements(svg, "polyline", within: "error-bars").count == 2)
        // Half way between 0.1 and 1 on the page is √0.1 · 1 in the data.
        let middle = (layout.pixelX(0.1) + layout.pixelX(1)) / 2
        #expect(abs(layout.dataX(pixel: middle) - 0.1.squareRoot()) < 1e-12)
    }

    @Test func textIsEscapedAndTheDocumentParses() throws {
        let nasty = "a < b & \"c\" > 'd' \u{1}</text><script>"
        let plot = Plot(title: nasty, x: Axis("x <i>"), y: Axis("y & z"),
                        series: [.line(nasty, [DataPoint(x: 1, y: 2), DataPoint(x: 2, y: 3)])],
                        referenceLines: [.horizontal(2.5, label: nasty)])
        let svg = plot.svg(identifier: "9 bad id!")
        #expect(!svg.contains("<script>") && !svg.contains("\u{1}"))
        let texts = try elements(svg, "text").compactMap(\.stringValue)
        #expect(texts.contains("x <i>") && texts.contains("y & z"))
        #expect(texts.contains("a < b & \"c\" > 'd' \u{FFFD}</text><script>"))
        let title = try #require(try elements(svg, "title").first)
        #expect(title.value(of: "id") == "plot-9badid-title")
    }

    @Test func outputIsDeterministicAndSelfContained() throws {
        let (plot, _, _) = try Self.sparsityPlot()
        let svg = plot.svg()
        #expect(svg == (try Self.sparsityPlot()).0.svg())
        let root = try XMLDocument(xmlString: svg, options: []).rootElement()
        #expect(root?.localName == "svg")
        #expect(root?.value(of: "viewBox") == "0 0 640 420")
        // The only URL is the SVG namespace; no scripts, images or external fonts.
        #expect(svg.components(separatedBy: "http").count == 2)
        #expect(!svg.contains("<script") && !svg.contains("href") && !svg.contains("<image"))
    }

    @Test func givenRangeIsKeptAndEmptyPlotsStillDraw() throws {
        let plot = Plot(title: "", x: Axis("epoch", range: 0...100), y: Axis("loss", range: 0...2),
                        series: [.line("loss", [DataPoint(x: 0, y: 5), DataPoint(x: 50, y: 1)], markers: false)])
        let layout = plot.layout()
        #expect(layout.xRange == 0...100 && layout.yRange == 0...2)
        #expect(layout.xTicks.first?.value == 0 && layout.xTicks.last?.value == 100)
        #expect(try elements(plot.svg(), "polyline").count == 1)
        let empty = Plot(title: "nothing yet", x: Axis("x"), y: Axis("y"))
        #expect(empty.layout().xRange == 0...1)
        #expect(try elements(empty.svg(), "svg").count == 1)
    }

    @Test func legendListsTheNamedSeries() throws {
        let (plot, _, _) = try Self.sparsityPlot()
        let names = try elements(plot.svg(), "text", within: "legend").compactMap(\.stringValue)
        #expect(names == ["60 runs", "degree-2 fit"])
        let layout = plot.layout()
        // The legend sits below the x axis label, inside the picture.
        let legendRows = try elements(plot.svg(), "text", within: "legend").map { try number($0, "y") }
        #expect(legendRows.allSatisfy { $0 > layout.bottom + 30 && $0 < plot.height })
    }

    // MARK: Epoch axes, automatic log axes, colours

    /// Whether `label` is a whole number written without decimals.
    static func isWholeNumber(_ label: String) -> Bool { Int(label) != nil }

    @Test(arguments: [1, 2, 3, 7, 12, 30, 99, 250, 1000, 4321])
    func epochTicksAreWholeNumbersThatDoNotCrowd(_ epochs: Int) throws {
        let points = (1...epochs).map { DataPoint(x: Double($0), y: 1 / Double($0)) }
        let plot = Plot(title: "", x: Axis("epoch", format: .integer), y: Axis("loss"), series: [.line("loss", points)])
        let reading = try PlotReading(svg: plot.svg())
        try #require(!reading.x.labels.isEmpty)
        #expect(reading.x.labels.allSatisfy(Self.isWholeNumber), "\(epochs) epochs: \(reading.x.labels)")
        #expect(zip(reading.x.labels, reading.x.values).allSatisfy { Double($0) == $1 })
        let values = reading.x.values
        if epochs >= 2 { #expect(values.count >= 2, "\(epochs) epochs: \(values)") }
        // The step is 1, 2 or 5 × 10^k, at least 1, and labels (DejaVu digits are 0.64 em wide
        // at 12 px) keep at least 8 px apart.
        for (a, b) in zip(values.indices, values.indices.dropFirst()) {
            let step = values[b] - values[a]
            let mantissa = step / pow(10, floor(log10(step)))
            #expect(step >= 1 && [1.0, 2.0, 5.0].contains { abs(mantissa - $0) < 1e-9 }, "step \(step)")
            let room = reading.x.pixels[b] - reading.x.pixels[a]
            let needed = Double(max(reading.x.labels[a].count, reading.x.labels[b].count)) * 12 * 0.64 + 8
            #expect(room >= needed, "\(epochs) epochs: \(room) px between \(reading.x.labels[a]) and \(reading.x.labels[b])")
        }
        // The ticks cover the epochs: no gap of a whole step at either end.
        if values.count >= 2 {
            let step = values[1] - values[0]
            #expect(values.first! - 1 < step && Double(epochs) - values.last! < step)
        }
    }

    /// Curves of errors from `high` down to `low` (some ending at exactly 0 when `zero`).
    static func errorCurves(high: Double, low: Double, zero: Bool) -> [Series] {
        (0..<3).map { k in
            let points = (1...20).map { e -> DataPoint in
                let t = Double(e - 1) / 19
                let value = high * pow(low / high, t) * (1 + 0.1 * Double(k))
                return DataPoint(x: Double(e), y: zero && k == 0 && e > 17 ? 0 : value)
            }
            return .line("run \(k)", points)
        }
    }

    @Test func automaticScaleIsLogarithmicExactlyWhenTheDataSpanMoreThanADecade() throws {
        var rng = RandomSource(seed: 5)
        for trial in 0..<120 {
            let high = pow(10, Double(rng.nextFloat(symmetric: 2)))
            let ratio = pow(10, 1.6 * Double(rng.nextUnitFloat()) + 0.1 * Double(rng.nextFloat(symmetric: 1)))
            let series = Self.errorCurves(high: high, low: high / ratio, zero: trial % 3 == 0)
            let plot = Plot(title: "", x: Axis("epoch", format: .integer), y: Axis("error", scale: .automatic, format: .percent),
                            series: series)
            let reading = try PlotReading(svg: plot.svg())
            let positive = series.flatMap { s -> [Double] in
                guard case .line(let points, _) = s.kind else { return [] }
                return points.map(\.y).filter { $0 > 0 }
            }
            let spansADecade = positive.min()! < positive.max()! / 10
            #expect(reading.y.logarithmic == spansADecade, "range \(positive.min()!)...\(positive.max()!)")
            guard reading.y.logarithmic else { continue }
            // Log ticks are 1, 2 or 5 × 10^k, include every power of ten in the drawn range, and
            // are powers of ten alone when three or more of those are drawn.
            let exponents = reading.y.values.map { floor(log10($0) + 1e-9) }
            let mantissas = zip(reading.y.values, exponents).map { $0 / pow(10, $1) }
            #expect(mantissas.allSatisfy { m in [1.0, 2.0, 5.0].contains { abs(m - $0) < 1e-9 } }, "\(reading.y.labels)")
            let low = reading.y.value(at: reading.bottom), top = reading.y.value(at: reading.top)
            let powers = (Int(ceil(log10(low)))...max(Int(ceil(log10(low))), Int(floor(log10(top))))).map { pow(10, Double($0)) }
                .filter { $0 >= low && $0 <= top }
            #expect(powers.allSatisfy { p in reading.y.values.contains { abs($0 / p - 1) < 1e-9 } }, "\(powers) in \(reading.y.labels)")
            if powers.count >= 3 { #expect(mantissas.allSatisfy { abs($0 - 1) < 1e-9 }, "\(reading.y.labels)") }
            // Readable percentages: "0.5%", "10%", never an exponent or a trailing zero after the point.
            #expect(reading.y.labels.allSatisfy { !$0.contains("e") && !($0.contains(".") && $0.dropLast().hasSuffix("0")) },
                    "\(reading.y.labels)")
        }
    }

    @Test func zerosOnALogAxisSitOnTheBottomEdge() throws {
        let errors = [0.8, 0.1, 0.02, 0.004, 0, 0]
        let points = errors.enumerated().map { DataPoint(x: Double($0.offset + 1), y: $0.element) }
        let plot = Plot(title: "", x: Axis("epoch", format: .integer), y: Axis("training error", scale: .automatic, format: .percent),
                        series: [.line("training error", points), .line("no markers", points, markers: false)])
        let reading = try PlotReading(svg: plot.svg())
        #expect(reading.y.logarithmic)
        let marked = try reading.series("training error")
        #expect(marked.markers.map(\.y) == errors, "no point left out")
        // One unbroken polyline through every epoch; zeros on the bottom edge, the rest where the ticks say.
        let line = try reading.series("no markers")
        #expect(line.polylines.count == 1 && line.polylines.first?.count == errors.count)
        for (p, error) in zip(line.polylines.joined(), errors) {
            if error == 0 {
                #expect(abs(p.y - reading.bottom) < 0.01)
            } else {
                #expect(p.y < reading.bottom - 1 && abs(reading.y.value(at: p.y) / error - 1) < 1e-3, "\(error) drawn at \(p.y)")
            }
        }
    }

    @Test(arguments: 1...10)
    func upToTenSeriesEachGetTheirOwnDistinguishableColour(_ count: Int) throws {
        let series = (0..<count).map { k in Series.line("run \(k)", [DataPoint(x: 1, y: Double(k)), DataPoint(x: 2, y: Double(k) + 1)]) }
        let reading = try PlotReading(svg: Plot(title: "", x: Axis("epoch"), y: Axis("y"), series: series).svg())
        let colours = reading.series.map(\.colour)
        #expect(colours.count == count && Set(colours).count == count, "\(colours)")
        for (i, a) in colours.enumerated() {
            for b in colours[(i + 1)...] { #expect(PlotReading.difference(a, b) > 20, "\(a) and \(b) look alike") }
            // Visible on the white background: at least 2:1 contrast.
            #expect(1.05 / (PlotReading.luminance(a) + 0.05) >= 2, "\(a) is too pale on white")
        }
        #expect(reading.legend == series.map(\.name) && reading.colourBar.isEmpty)
    }

    @Test func seriesColouredByValueFollowTheScaleAndItsBar() throws {
        // Values as a sweep over l1 gives them: a zero, a spread over decades, repeats (seeds), shuffled.
        let values = [0.001, 0, 0.01, 0.0001, 0.001, 0, 0.01, 0.0001, 0.003]
        let series = values.enumerated().map { i, v in
            Series.line("l1=\(v)", [DataPoint(x: 1, y: 0.1 + Double(i)), DataPoint(x: 2, y: 0.05 + Double(i))], colour: .value(v))
        }
        let plot = Plot(title: "", x: Axis("epoch", format: .integer), y: Axis("error"), series: series + [.line("reference", [])],
                        colourScale: ColourScale("l1"))
        let reading = try PlotReading(svg: plot.svg())
        let coloured = reading.series.filter { $0.value != nil }
        #expect(coloured.map { $0.value! } == values)
        // One colour per value, lighter as the value grows.
        for a in coloured {
            for b in coloured where a.value! < b.value! {
                #expect(PlotReading.luminance(a.colour) < PlotReading.luminance(b.colour), "\(a.value!) \(a.colour), \(b.value!) \(b.colour)")
            }
            #expect(coloured.filter { $0.value == a.value }.allSatisfy { $0.colour == a.colour })
        }
        // The bar: one block per distinct value in increasing order, in the series' colours, labelled.
        #expect(reading.colourBarLabel == "l1")
        #expect(reading.colourBar.map(\.value) == Set(values).sorted())
        for block in reading.colourBar { #expect(coloured.first { $0.value == block.value }?.colour == block.colour) }
        #expect(reading.colourBarLabels.first == "0" && reading.colourBarLabels.last == "0.01", "\(reading.colourBarLabels)")
        // The bar stands for the coloured series; only the others are in the legend.
        #expect(reading.legend == ["reference"])
    }

    @Test func moreThanTenSeriesAreColouredOnAScale() throws {
        #expect(SeriesColour.distinct((1...10).map(Double.init)) == (0..<10).map { .palette($0) })
        let layers = (1...14).map(Double.init)
        let colours = SeriesColour.distinct(layers)
        let series = zip(layers, colours).map { layer, colour in
            Series.line("layer \(Int(layer))", [DataPoint(x: 1, y: layer), DataPoint(x: 2, y: layer)], colour: colour)
        }
        let reading = try PlotReading(svg: Plot(title: "", x: Axis("epoch"), y: Axis("y"), series: series,
                                                colourScale: ColourScale("layer", format: .integer)).svg())
        #expect(Set(reading.series.map(\.colour)).count == layers.count)
        let luminances = reading.series.map { PlotReading.luminance($0.colour) }
        #expect(zip(luminances, luminances.dropFirst()).allSatisfy { $0 < $1 }, "\(luminances)")
        #expect(reading.colourBarLabels.allSatisfy(Self.isWholeNumber) && reading.colourBarLabels.first == "1"
                && reading.colourBarLabels.last == "14", "\(reading.colourBarLabels)")
    }
}

extension XMLElement {
    /// The value of the attribute named `name`, looked up by local name: swift-corelibs-foundation's
    /// `attribute(forName:)` finds nothing on elements in the SVG namespace.
    func value(of name: String) -> String? {
        attributes?.first { $0.localName == name || $0.name == name }?.stringValue
    }
}
