import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing

/// A plot SVG read back as a person reads it: each axis from its tick labels and where they
/// are drawn, each series from its group (colour, markers' data, polyline pixels turned back
/// into data through the ticks), the legend's names and the colour bar's blocks. It uses no
/// code of the plot itself, so the tests check the drawing against the data independently.
struct PlotReading {
    /// An axis as its ticks show it.
    struct Axis {
        /// `data-scale` of the tick group.
        var logarithmic: Bool
        /// Tick labels in drawing order.
        var labels: [String]
        /// Their values, read from the labels ("10%" is 0.1).
        var values: [Double]
        /// Their pixel positions along the axis.
        var pixels: [Double]

        /// The data value at pixel `p`, interpolated between the first and last ticks.
        func value(at p: Double) -> Double {
            let (v0, v1) = logarithmic ? (log10(values.first!), log10(values.last!)) : (values.first!, values.last!)
            let v = v0 + (p - pixels.first!) / (pixels.last! - pixels.first!) * (v1 - v0)
            return logarithmic ? pow(10, v) : v
        }

        /// The pixel of data value `v` (inverse of `value(at:)`).
        func pixel(of v: Double) -> Double {
            let (v0, v1) = logarithmic ? (log10(values.first!), log10(values.last!)) : (values.first!, values.last!)
            return pixels.first! + ((logarithmic ? log10(v) : v) - v0) / (v1 - v0) * (pixels.last! - pixels.first!)
        }
    }

    /// One drawn series.
    struct Series {
        /// `class` of its group: line, scatter, function, error-bars.
        var kind: String
        var name: String
        /// Its colour, "#rrggbb" (the group's fill, or stroke for a function).
        var colour: String
        /// `data-value` for a series coloured by value.
        var value: Double?
        /// Markers' `data-x`, `data-y`.
        var markers: [(x: Double, y: Double)]
        /// Each polyline's points in pixels.
        var polylines: [[(x: Double, y: Double)]]
    }

    var x: Axis
    var y: Axis
    /// The plotting frame in pixels.
    var left: Double, top: Double, right: Double, bottom: Double
    var series: [Series]
    /// Names in the legend, in order.
    var legend: [String]
    /// The colour bar's label and blocks (value, colour), left to right; empty without one.
    var colourBarLabel: String?
    var colourBar: [(value: Double, colour: String)]
    /// The values written under the colour bar.
    var colourBarLabels: [String]

    init(file: String) throws {
        try self.init(svg: String(contentsOfFile: file, encoding: .utf8))
    }

    init(svg: String) throws {
        let root = try #require(try XMLDocument(xmlString: svg, options: []).rootElement())
        func all(_ path: String) throws -> [XMLElement] { try root.nodes(forXPath: path).compactMap { $0 as? XMLElement } }
        func group(_ cls: String) throws -> XMLElement? { try all("//*[local-name()='g'][@class='\(cls)']").first }
        func children(_ e: XMLElement, _ name: String) -> [XMLElement] {
            (e.children ?? []).compactMap { $0 as? XMLElement }.filter { $0.localName == name }
        }
        func number(_ e: XMLElement, _ name: String) throws -> Double {
            let text = try #require(e.value(of: name), "no \(name)")
            return try #require(Double(text), "\(name)=\"\(text)\"")
        }
        let frame = try #require(try all("//*[local-name()='rect'][@class='frame']").first)
        left = try number(frame, "x")
        top = try number(frame, "y")
        right = left + (try number(frame, "width"))
        bottom = top + (try number(frame, "height"))
        func axis(_ cls: String, position: String) throws -> Axis {
            let g = try #require(try group(cls), "no \(cls)")
            let labels = children(g, "text").compactMap(\.stringValue)
            let values = try labels.map { label in
                let percent = label.hasSuffix("%")
                let number = try #require(Double(percent ? String(label.dropLast()) : label), "tick label \"\(label)\"")
                return percent ? number / 100 : number
            }
            return Axis(logarithmic: g.value(of: "data-scale") == "logarithmic", labels: labels, values: values,
                        pixels: try children(g, "line").map { try number($0, position) })
        }
        x = try axis("x-ticks", position: "x1")
        y = try axis("y-ticks", position: "y1")
        series = try ["line", "scatter", "function", "error-bars"].flatMap { kind in
            try all("//*[local-name()='g'][@class='\(kind)']").map { g in
                Series(kind: kind, name: g.value(of: "data-series") ?? "",
                       colour: try #require(g.value(of: "fill") ?? g.value(of: "stroke")),
                       value: g.value(of: "data-value").flatMap(Double.init),
                       markers: try children(g, "circle").map { (try number($0, "data-x"), try number($0, "data-y")) },
                       polylines: try children(g, "polyline").map { line in
                           try (line.value(of: "points") ?? "").split(separator: " ").map { pair in
                               let xy = pair.split(separator: ",").compactMap { Double($0) }
                               try #require(xy.count == 2, "point \(pair)")
                               return (xy[0], xy[1])
                           }
                       })
            }
        }
        legend = try group("legend").map { children($0, "text").compactMap(\.stringValue) } ?? []
        let bar = try group("colour-bar")
        let barLabel = bar?.value(of: "data-label")
        colourBarLabel = barLabel
        colourBar = try bar.map { try children($0, "rect").map { (try number($0, "data-value"), $0.value(of: "fill") ?? "") } } ?? []
        colourBarLabels = bar.map { children($0, "text").compactMap(\.stringValue).filter { $0 != barLabel } } ?? []
    }

    /// The series named `name`.
    func series(_ name: String) throws -> Series { try #require(series.first { $0.name == name }, "no series \(name)") }

    /// Why series `s` does not draw exactly the points `expected` in order (nil when it does):
    /// its markers must carry them, or, without markers, its polyline points must lie within
    /// 0.05 px of where the axes' ticks put them (y ≤ 0 on a log axis: on the bottom edge).
    func mismatch(_ s: Series, _ expected: [(x: Double, y: Double)]) -> String? {
        if !s.markers.isEmpty {
            return s.markers.elementsEqual(expected, by: { $0 == $1 }) ? nil : "markers \(s.markers), expected \(expected)"
        }
        let drawn = Array(s.polylines.joined())
        guard drawn.count == expected.count else { return "\(drawn.count) points drawn, \(expected.count) expected" }
        for (p, e) in zip(drawn, expected) {
            let py = y.logarithmic && e.y <= 0 ? bottom : y.pixel(of: e.y)
            if abs(p.x - x.pixel(of: e.x)) > 0.05 || abs(p.y - py) > 0.05 { return "\(e) drawn at \(p), expected at \(x.pixel(of: e.x)), \(py)" }
        }
        return nil
    }

    /// Relative luminance (WCAG) of "#rrggbb": how light a colour looks, 0 black to 1 white.
    static func luminance(_ hex: String) -> Double {
        let digits = Array(hex.dropFirst())
        let channels = (0..<3).map { Double(Int(String(digits[2 * $0...2 * $0 + 1]), radix: 16) ?? 0) / 255 }
        let linear = channels.map { $0 <= 0.04045 ? $0 / 12.92 : pow(($0 + 0.055) / 1.055, 2.4) }
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
    }

    /// CIE76 colour difference of two "#rrggbb" (about 2.3 is just noticeable; above 20 the
    /// colours are told apart at a glance).
    static func difference(_ a: String, _ b: String) -> Double {
        func lab(_ hex: String) -> [Double] {
            let digits = Array(hex.dropFirst())
            let c = (0..<3).map { Double(Int(String(digits[2 * $0...2 * $0 + 1]), radix: 16) ?? 0) / 255 }
                .map { $0 <= 0.04045 ? $0 / 12.92 : pow(($0 + 0.055) / 1.055, 2.4) }
            let xyz = [(0.4124 * c[0] + 0.3576 * c[1] + 0.1805 * c[2]) / 0.95047, 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2],
                       (0.0193 * c[0] + 0.1192 * c[1] + 0.9505 * c[2]) / 1.08883]
            let f = xyz.map { $0 > 0.008856 ? cbrt($0) : 7.787 * $0 + 16 / 116 }
            return [116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])]
        }
        let (p, q) = (lab(a), lab(b))
        return sqrt(zip(p, q).map { ($0 - $1) * ($0 - $1) }.reduce(0, +))
    }
}
