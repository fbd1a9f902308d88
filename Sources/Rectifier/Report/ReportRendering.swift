import Foundation

extension ReportDocument {
    /// The report as CommonMark with GitHub tables. Text is escaped so that it renders
    /// literally; figures are images of their SVG files, or the SVG inline.
    public func markdown(figures: FigureEmbedding = .files) -> String {
        var parts = ["# " + Markup.escapeMarkdown(title)]
        for block in blocks {
            switch block {
            case .heading(let text, let level):
                parts.append(String(repeating: "#", count: level) + " " + Markup.escapeMarkdown(text))
            case .paragraph(let text):
                parts.append(Markup.escapeMarkdown(text))
            case .table(let table):
                let columns = table.header.count
                func row(_ cells: [String]) -> String {
                    let padded = cells + [String](repeating: "", count: columns - cells.count)
                    return "| " + padded.map(Markup.escapeMarkdown).joined(separator: " | ") + " |"
                }
                let rule = (0..<columns).map { i -> String in
                    switch alignment(table, i) {
                    case .left: ":---"
                    case .center: ":---:"
                    case .right: "---:"
                    }
                }
                parts.append(([row(table.header), "| " + rule.joined(separator: " | ") + " |"] + table.rows.map(row))
                    .joined(separator: "\n"))
            case .code(let text, let language):
                // A fence longer than any run of backticks inside, so the code cannot close it.
                let longest = text.split(separator: "\n", omittingEmptySubsequences: false)
                    .map { $0.split(whereSeparator: { $0 != "`" }).map(\.count).max() ?? 0 }.max() ?? 0
                let fence = String(repeating: "`", count: max(3, longest + 1))
                let info = language.filter { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "+" }
                parts.append(fence + info + "\n" + text + (text.hasSuffix("\n") ? "" : "\n") + fence)
            case .figure(let figure):
                let picture = figures == .inline ? figure.svg.trimmingCharacters(in: .newlines)
                    : "![\(Markup.escapeMarkdown(figure.caption))](\(figure.fileName))"
                parts.append(picture + "\n\n*" + Markup.escapeMarkdown(figure.caption) + "*")
            case .keyValues(let entries):
                parts.append(entries.map { "- **" + Markup.escapeMarkdown($0.key) + "**: " + Markup.escapeMarkdown($0.value) }
                    .joined(separator: "\n"))
            }
        }
        return parts.joined(separator: "\n\n") + "\n"
    }

    /// The report as one HTML page that also parses as XML (every element closed): inline CSS,
    /// each figure's SVG inline, no scripts and no external references.
    public func html() -> String {
        var body: [String] = ["<h1>\(Markup.escapeXML(title))</h1>"]
        for block in blocks {
            switch block {
            case .heading(let text, let level):
                body.append("<h\(level)>\(Markup.escapeXML(text))</h\(level)>")
            case .paragraph(let text):
                body.append("<p>\(Markup.escapeXML(text))</p>")
            case .table(let table):
                var rows = ["<table>", "<thead>", cells(table.header, table, tag: "th"), "</thead>", "<tbody>"]
                rows += table.rows.map { cells($0, table, tag: "td") }
                rows += ["</tbody>", "</table>"]
                body.append(rows.joined(separator: "\n"))
            case .code(let text, _):
                body.append("<pre><code>\(Markup.escapeXML(text))</code></pre>")
            case .figure(let figure):
                body.append("<figure>\n\(figure.svg.trimmingCharacters(in: .newlines))\n"
                            + "<figcaption>\(Markup.escapeXML(figure.caption))</figcaption>\n</figure>")
            case .keyValues(let entries):
                body.append("<dl>\n" + entries.map { "<dt>\(Markup.escapeXML($0.key))</dt><dd>\(Markup.escapeXML($0.value))</dd>" }
                    .joined(separator: "\n") + "\n</dl>")
            }
        }
        return """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8"/>
            <meta name="viewport" content="width=device-width, initial-scale=1"/>
            <title>\(Markup.escapeXML(title))</title>
            <style>
            \(Self.css)
            </style>
            </head>
            <body>
            <main>
            \(body.joined(separator: "\n"))
            </main>
            </body>
            </html>

            """
    }

    private func alignment(_ table: Table, _ column: Int) -> Alignment {
        column < table.alignments.count ? table.alignments[column] : .left
    }

    private func cells(_ values: [String], _ table: Table, tag: String) -> String {
        let padded = values + [String](repeating: "", count: table.header.count - values.count)
        return "<tr>" + padded.enumerated().map { i, v in
            "<\(tag) class=\"\(alignment(table, i).rawValue)\">\(Markup.escapeXML(v))</\(tag)>"
        }.joined() + "</tr>"
    }

    /// Readable on screen and in print: a centred column, system fonts, tabular figures in
    /// tables, figures scaled down to the column width.
    static let css = """
        body { margin: 0; background: #ffffff; color: #1a1a1a; font: 16px/1.5 "DejaVu Sans", "Helvetica Neue", Arial, sans-serif; }
        main { max-width: 60rem; margin: 0 auto; padding: 1.5rem 2rem 3rem; }
        h1 { font-size: 1.8rem; margin: 0.5rem 0 1rem; }
        h2 { font-size: 1.35rem; margin: 2rem 0 0.6rem; border-bottom: 1px solid #dddddd; padding-bottom: 0.2rem; }
        h3, h4, h5, h6 { font-size: 1.1rem; margin: 1.5rem 0 0.5rem; }
        table { border-collapse: collapse; margin: 0.8rem 0; font-variant-numeric: tabular-nums; }
        th, td { border: 1px solid #cccccc; padding: 0.3rem 0.7rem; }
        th { background: #f0f0f0; }
        tbody tr:nth-child(even) { background: #fafafa; }
        .left { text-align: left; } .center { text-align: center; } .right { text-align: right; }
        pre { background: #f5f5f5; border: 1px solid #e0e0e0; padding: 0.7rem 1rem; overflow-x: auto; font-size: 0.9rem; }
        code { font-family: "DejaVu Sans Mono", Menlo, Consolas, monospace; }
        figure { margin: 1.2rem 0; }
        figure svg { max-width: 100%; height: auto; }
        figcaption { color: #444444; font-size: 0.95rem; margin-top: 0.3rem; }
        dl { display: grid; grid-template-columns: max-content auto; gap: 0.2rem 1.2rem; }
        dt { font-weight: bold; } dd { margin: 0; }
        """
}
