import Foundation

/// What the colours of a plot mean, below its x axis: a legend row per few named series (a
/// swatch drawn as the series is, then its name), then, when series are coloured by value,
/// a colour bar of one block per value.
extension SVGWriter {
    mutating func legend(_ plot: Plot) {
        let bar = layout.hasColourBar ? PlotLayout.colourBarHeight : 0
        let firstRow = plot.height - 10 - bar - Double(layout.legendRows.count) * PlotLayout.legendRowHeight
            + PlotLayout.legendRowHeight / 2
        if !layout.legendRows.isEmpty {
            line("<g class=\"legend\" fill=\"#222222\">")
            for (r, row) in layout.legendRows.enumerated() {
                entries(plot, row, y: firstRow + Double(r) * PlotLayout.legendRowHeight)
            }
            line("</g>")
        }
        if layout.hasColourBar { colourBar(plot, top: plot.height - 10 - bar + 4) }
    }

    private mutating func entries(_ plot: Plot, _ row: [Int], y: Double) {
        var x = layout.left
        for index in row {
            let s = plot.series[index], colour = plot.colour(of: index)
            let swatchLine = Self.segment(x, y, x + 24, y, " stroke=\"\(colour)\" stroke-width=\"2\"")
            let swatchDot = "<circle cx=\"\(Self.px(x + 12))\" cy=\"\(Self.px(y))\" r=\"3.5\" fill=\"\(colour)\"/>"
            switch s.kind {
            case .scatter: line(swatchDot)
            case .line(_, let markers): line(swatchLine); if markers { line(swatchDot) }
            case .function: line(swatchLine)
            case .errorBars(_, let connected):
                if connected { line(swatchLine) }
                line(Self.segment(x + 12, y - 7, x + 12, y + 7, " stroke=\"\(colour)\" stroke-width=\"1.5\""))
                line(swatchDot)
            }
            text(s.name, x: x + 30, y: y + PlotLayout.tickSize * 0.35)
            x += PlotLayout.legendEntryWidth(s.name)
        }
    }

    /// The scale's label, then a block per value (`data-value`, its colour as `fill`) from the
    /// lowest to the highest, with as many values written under the blocks as fit without
    /// overlapping, always the lowest and the highest.
    private mutating func colourBar(_ plot: Plot, top: Double) {
        let scale = plot.colourScale, blocks = plot.colourBar()
        let labels = blocks.map { Ticks.label($0.value, format: scale.format) }
        let widest = labels.map { PlotLayout.textWidth($0, size: PlotLayout.tickSize) }.max() ?? 0
        let start = layout.left + (scale.label.isEmpty ? 0 : PlotLayout.textWidth(scale.label, size: PlotLayout.labelSize) + 12)
        // At least 240 px for the whole bar, wider blocks when their labels need it, as room allows.
        let width = min(max(widest + 8, 240 / Double(blocks.count)), max(4, layout.right - start) / Double(blocks.count))
        let every = Int(((widest + 8) / width).rounded(.up))
        let intervals = blocks.count == 1 ? 0 : max(1, (blocks.count - 1) / every)
        let written = Set((0...intervals).map { intervals == 0 ? 0 : Int((Double($0 * (blocks.count - 1)) / Double(intervals)).rounded()) })
        line("<g class=\"colour-bar\" data-label=\"\(Markup.escapeXML(scale.label))\" fill=\"#222222\">")
        if !scale.label.isEmpty {
            text(scale.label, x: layout.left, y: top + 11, extra: " font-size=\"\(Self.px(PlotLayout.labelSize))\"")
        }
        for (i, block) in blocks.enumerated() {
            let x = start + Double(i) * width
            line("<rect x=\"\(Self.px(x))\" y=\"\(Self.px(top))\" width=\"\(Self.px(width))\" height=\"12\" "
                 + "fill=\"\(block.colour)\" data-value=\"\(block.value)\"/>")
            if written.contains(i) { text(labels[i], x: x + width / 2, y: top + 12 + 4 + PlotLayout.tickSize, anchor: "middle") }
        }
        line("</g>")
    }
}
