import Foundation

/// A report built block by block and written both as Markdown (`report.md`, figures as
/// separate SVG files or inline) and as one self-contained HTML page (`report.html`: inline
/// SVG and CSS, no scripts, no network). All text given to the builder is plain text, escaped
/// for each format; only figure SVG is inserted as markup.
public struct ReportDocument: Sendable, Equatable {
    /// Horizontal alignment of a table column.
    public enum Alignment: String, Sendable, Equatable { case left, center, right }

    /// A table with a header row; rows may be shorter than the header (padded with empty cells).
    public struct Table: Sendable, Equatable {
        /// Column titles; their count is the table's width.
        public var header: [String]
        /// One per column; missing entries are `.left`.
        public var alignments: [Alignment]
        /// Body rows of cells, plain text.
        public var rows: [[String]]
    }

    /// An SVG picture with a caption, written to `fileName` next to the Markdown.
    public struct Figure: Sendable, Equatable {
        /// The SVG document, inserted as markup.
        public var svg: String
        /// Name of its file next to the Markdown.
        public var fileName: String
        /// Plain-text caption.
        public var caption: String
    }

    /// One labelled value of a key/value list.
    public struct Entry: Sendable, Equatable {
        /// The label.
        public var key: String
        /// Its value, plain text.
        public var value: String
    }

    /// The parts of a report, in order.
    public enum Block: Sendable, Equatable {
        /// A section heading, level 2 to 6.
        case heading(String, level: Int)
        /// A paragraph of plain text.
        case paragraph(String)
        /// A table.
        case table(Table)
        /// Preformatted text; `language` names it for Markdown highlighting.
        case code(String, language: String)
        /// A picture with a caption.
        case figure(Figure)
        /// Labelled values.
        case keyValues([Entry])
    }

    /// Whether the Markdown refers to the figures' SVG files or contains the SVG inline.
    public enum FigureEmbedding: Sendable { case files, inline }

    /// The report's title (its only level-1 heading).
    public var title: String
    /// The content after the title, in order.
    public private(set) var blocks: [Block] = []

    /// An empty report titled `title`.
    public init(title: String) { self.title = title }

    /// A section heading of level 2 to 6 (levels outside are clamped; 1 is the title's).
    public mutating func heading(_ text: String, level: Int = 2) {
        blocks.append(.heading(text, level: min(6, max(2, level))))
    }

    /// A paragraph of plain text.
    public mutating func paragraph(_ text: String) { blocks.append(.paragraph(text)) }

    /// A table; a row with more cells than the header is refused.
    public mutating func table(header: [String], rows: [[String]], alignments: [Alignment] = []) throws {
        guard !header.isEmpty else { throw UsageError("report table: the header has no columns") }
        if let i = rows.firstIndex(where: { $0.count > header.count }) {
            throw UsageError("report table: row \(i + 1) has \(rows[i].count) cells, the header \(header.count)")
        }
        blocks.append(.table(Table(header: header, alignments: alignments, rows: rows)))
    }

    /// A block of preformatted text (a command line, a configuration).
    public mutating func code(_ text: String, language: String = "") { blocks.append(.code(text, language: language)) }

    /// Labelled values, e.g. the settings of a run.
    public mutating func keyValues(_ pairs: [(String, String)]) {
        blocks.append(.keyValues(pairs.map { Entry(key: $0.0, value: $0.1) }))
    }

    /// A figure from an SVG document. `fileName` must be a plain name ending in ".svg"
    /// (letters, digits, '.', '-', '_'), unique within the report; in HTML the SVGs share one
    /// page, so their element ids must differ too (as `figure(_:fileName:caption:)` ensures).
    public mutating func figure(svg: String, fileName: String, caption: String) throws {
        let allowed = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-_")
        guard fileName.hasSuffix(".svg"), !fileName.hasPrefix("."), fileName.count > 4,
              fileName.unicodeScalars.allSatisfy({ allowed.contains($0) }) else {
            throw UsageError("report figure: \"\(fileName)\" is not a plain file name ending in .svg")
        }
        if blocks.contains(where: { if case .figure(let f) = $0 { return f.fileName == fileName } else { return false } }) {
            throw UsageError("report figure: \(fileName) is used twice")
        }
        blocks.append(.figure(Figure(svg: svg, fileName: fileName, caption: caption)))
    }

    /// A figure drawn from `plot`, its SVG element ids prefixed with the file name's stem.
    public mutating func figure(_ plot: Plot, fileName: String, caption: String) throws {
        try figure(svg: plot.svg(identifier: String(fileName.dropLast(4))), fileName: fileName, caption: caption)
    }

    /// Writes every figure's SVG file, the Markdown and the HTML into `directory` (created if
    /// missing), each atomically.
    public func write(to directory: String, markdownName: String = "report.md", htmlName: String = "report.html",
                      figures: FigureEmbedding = .files) throws {
        try FileIO.createDirectory(directory, what: "report directory")
        for case .figure(let f) in blocks { try FileIO.writeAtomically(Array(f.svg.utf8), to: directory + "/" + f.fileName) }
        try FileIO.writeAtomically(Array(markdown(figures: figures).utf8), to: directory + "/" + markdownName)
        try FileIO.writeAtomically(Array(html().utf8), to: directory + "/" + htmlName)
    }
}
