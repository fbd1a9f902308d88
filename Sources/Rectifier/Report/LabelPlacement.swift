import Foundation

/// Chooses where the labels of reference lines go: of a few candidate spots along each line,
/// the one whose text box covers the fewest drawn data pixels and no label placed before it.
/// The first candidate wins ties, so the output stays deterministic.
struct LabelPlacement {
    /// A text position: baseline point and SVG text-anchor.
    struct Spot: Equatable {
        var x: Double
        var y: Double
        var anchor: String
    }

    private struct Box {
        var x0, y0, x1, y1: Double
        func contains(_ p: (x: Double, y: Double)) -> Bool { x0 <= p.x && p.x <= x1 && y0 <= p.y && p.y <= y1 }
        func intersects(_ b: Box) -> Bool { x0 < b.x1 && b.x0 < x1 && y0 < b.y1 && b.y0 < y1 }
    }

    private let layout: PlotLayout
    /// Pixels the data are drawn on: markers, and polylines sampled every 3 px.
    private var occupied: [(x: Double, y: Double)] = []
    private var taken: [Box] = []

    init(_ plot: Plot, layout: PlotLayout) {
        self.layout = layout
        func placeable(_ p: DataPoint) -> Bool {
            p.x.isFinite && p.y.isFinite && (!layout.xLogarithmic || p.x > 0)
        }
        func pixels(_ points: [DataPoint], joined: Bool) {
            let drawn = points.filter(placeable).map { (x: layout.pixelX($0.x), y: layout.pixelY($0.y)) }
            occupied += drawn
            guard joined else { return }
            for (a, b) in zip(drawn, drawn.dropFirst()) {
                let steps = min(1000, Int((hypot(b.x - a.x, b.y - a.y) / 3).rounded(.up)))
                for s in stride(from: 1, to: steps, by: 1) {
                    let t = Double(s) / Double(steps)
                    occupied.append((a.x + t * (b.x - a.x), a.y + t * (b.y - a.y)))
                }
            }
        }
        for s in plot.series {
            switch s.kind {
            case .scatter(let points): pixels(points, joined: false)
            case .line(let points, _): pixels(points, joined: true)
            case .function(let f, let samples):
                pixels(PlotLayout.sampleXs(layout.xRange, layout.xLogarithmic, samples).map { DataPoint(x: $0, y: f($0)) }, joined: true)
            case .errorBars(let bars, let connected):
                pixels(bars.map { DataPoint(x: $0.x, y: $0.y) }, joined: connected)
                for b in bars { pixels([DataPoint(x: b.x, y: b.lower), DataPoint(x: b.x, y: b.upper)], joined: true) }
            }
        }
    }

    /// Candidate spots for the label of a horizontal line at pixel row `y`: above, then below
    /// it, at the right end, the left end and the middle.
    func horizontalSpots(y: Double) -> [Spot] {
        let (above, below) = (y - 4, y + PlotLayout.tickSize + 2)
        let middle = (layout.left + layout.right) / 2
        return [Spot(x: layout.right - 4, y: above, anchor: "end"), Spot(x: layout.right - 4, y: below, anchor: "end"),
                Spot(x: layout.left + 4, y: above, anchor: "start"), Spot(x: layout.left + 4, y: below, anchor: "start"),
                Spot(x: middle, y: above, anchor: "middle"), Spot(x: middle, y: below, anchor: "middle")]
    }

    /// Candidate spots for the label of a vertical line at pixel column `x`: right of it, then
    /// left of it, at the top, then at the bottom.
    func verticalSpots(x: Double) -> [Spot] {
        let (top, bottom) = (layout.top + PlotLayout.tickSize + 4, layout.bottom - 6)
        return [Spot(x: x + 4, y: top, anchor: "start"), Spot(x: x - 4, y: top, anchor: "end"),
                Spot(x: x + 4, y: bottom, anchor: "start"), Spot(x: x - 4, y: bottom, anchor: "end")]
    }

    /// The best of `spots` for `label`, which is then reserved against later labels.
    mutating func place(_ label: String, _ spots: [Spot]) -> Spot {
        let width = PlotLayout.textWidth(label, size: PlotLayout.tickSize)
        func box(_ s: Spot) -> Box {
            let x0 = s.anchor == "end" ? s.x - width : s.anchor == "middle" ? s.x - width / 2 : s.x
            return Box(x0: x0 - 2, y0: s.y - PlotLayout.tickSize, x1: x0 + width + 2, y1: s.y + 3)
        }
        func cost(_ s: Spot) -> Int {
            let b = box(s)
            let outside = b.x0 < layout.left || b.x1 > layout.right || b.y0 < layout.top || b.y1 > layout.bottom
            return occupied.filter(b.contains).count + 1000 * taken.filter(b.intersects).count + (outside ? 100_000 : 0)
        }
        var best = spots[0], bestCost = cost(spots[0])
        for s in spots.dropFirst() {
            let c = cost(s)
            if c < bestCost { (best, bestCost) = (s, c) }
        }
        taken.append(box(best))
        return best
    }
}
