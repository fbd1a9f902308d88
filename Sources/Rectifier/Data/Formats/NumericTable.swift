import Foundation

/// A table of numbers with one label column, from a CSV or TSV file (raw or gzip-compressed):
/// what spreadsheets, pandas' `to_csv` and scikit-learn users write.
///
/// Fields are separated by commas (tabs for `.tsv`, or when the first line has tabs and no
/// commas); a field may be in double quotes (`""` for a quote) but not span lines. The first
/// row is a header when any of its feature cells is not a number. Every other cell of a feature
/// column must be a finite decimal number; the label column holds any text. Blank lines are
/// skipped. The file is streamed line by line, so memory holds the numbers (4 bytes each) and
/// the labels, checked against the memory budget as they grow.
public struct NumericTable: Sendable {
    /// The file (named in errors).
    public var path: String
    /// The column names (`0`, `1`, ... when the file has no header).
    public var columns: [String]
    /// The label column's position.
    public var labelColumn: Int
    /// One row per example, the feature columns in file order.
    public var features: Matrix
    /// Each example's label, as the file writes it (trimmed).
    public var labels: [String]
    /// Lines left out under `.skip`.
    public var skipped = SkippedRecords()

    /// The feature columns' names.
    public var featureNames: [String] { columns.indices.filter { $0 != labelColumn }.map { columns[$0] } }

    /// Reads `path`. `label` names the label column by header name or 0-based index (negative:
    /// from the end; nil: the last column). Rows with a missing or non-numeric feature cell are
    /// an error naming line and column, or skipped and counted under `.skip`.
    public static func read(_ path: String, label: String? = nil, badLines: BadRecordPolicy = .fail,
                            limits: Limits = Limits()) throws -> NumericTable {
        try read(from: try Gzip.open(path), label: label, badLines: badLines, limits: limits)
    }

    /// Reads a table from `input` (its `path` names it in errors).
    public static func read(from input: any ByteStream, label: String? = nil, badLines: BadRecordPolicy = .fail,
                            limits: Limits = Limits()) throws -> NumericTable {
        let path = input.path
        var reader = LineReader(input: input, limit: limits.fileBytes)
        var table = NumericTable(path: path, columns: [], labelColumn: 0, features: Matrix(rows: 0, columns: 0), labels: [])
        var separator = UInt8(ascii: ",")
        var width = 0
        var values: [Float] = []
        var lineNumber = 0
        var fields: [Range<Int>] = []
        var rowValues: [Float] = []
        var checkedRows = 0
        while let line = try reader.next() {
            lineNumber += 1
            try line.withUnsafeBufferPointer { buffer in
                var end = buffer.count
                if end > 0, buffer[end - 1] == 0x0D { end -= 1 }  // CRLF
                var start = 0
                if lineNumber == 1, end >= 3, buffer[0] == 0xEF, buffer[1] == 0xBB, buffer[2] == 0xBF { start = 3 }
                if ByteScanning.trimmed(buffer, start..<end).isEmpty { return }
                if width == 0 {
                    // The first line decides the separator, the width, the label column and the header.
                    let text = UnsafeBufferPointer(rebasing: buffer[start..<end])
                    if path.lowercased().hasSuffix(".tsv") || path.lowercased().hasSuffix(".tsv.gz")
                        || (text.contains(0x09) && !text.contains(UInt8(ascii: ","))) {
                        separator = 0x09
                    }
                    fields = try Self.split(buffer, start..<end, separator: separator, path: path, line: lineNumber)
                    width = fields.count
                    guard width >= 2 else {
                        throw FileError(path, "line \(lineNumber): one column; a table needs feature columns and a label column"
                            + (separator == 0x09 ? "" : " (separated by commas, or tabs in a .tsv file)"))
                    }
                    let cells = fields.map { Self.cell(buffer, $0) }
                    let numeric = fields.map { ByteScanning.decimal(buffer, Self.unquoted(buffer, $0)) != nil }
                    // A header when a feature cell is not a number, or the label is named in a row
                    // that is not all numbers.
                    let named = numeric.allSatisfy { $0 } ? nil : label.flatMap { cells.firstIndex(of: $0) }
                    let column = try named ?? Self.labelIndex(label, width: width, columns: cells, path: path)
                    if named != nil || (0..<width).contains(where: { $0 != column && !numeric[$0] }) {
                        table.columns = cells
                        table.labelColumn = column
                        return
                    }
                    table.columns = (0..<width).map(String.init)
                    table.labelColumn = column
                } else {
                    fields = try Self.split(buffer, start..<end, separator: separator, path: path, line: lineNumber)
                }
                do {
                    guard fields.count == width else {
                        throw FileError(path, "line \(lineNumber): \(fields.count) fields, the first row has \(width)")
                    }
                    rowValues.removeAll(keepingCapacity: true)
                    for (c, range) in fields.enumerated() where c != table.labelColumn {
                        let field = Self.unquoted(buffer, range)
                        guard let x = ByteScanning.decimal(buffer, field), Float(x).isFinite else {
                            let shown = field.isEmpty ? "an empty cell" : ByteScanning.excerpt(buffer, field) + " is not a finite number"
                            throw FileError(path, "line \(lineNumber), column \(c + 1) (\(Self.excerpt(table.columns[c]))): \(shown)")
                        }
                        rowValues.append(Float(x))
                    }
                    let label = Self.cell(buffer, fields[table.labelColumn])
                    guard !label.isEmpty else { throw FileError(path, "line \(lineNumber): the label cell is empty") }
                    values += rowValues
                    table.labels.append(label)
                } catch let error as FileError {
                    try badLines.handle(error, &table.skipped)
                }
            }
            if table.labels.count - checkedRows >= 1 << 16 {
                checkedRows = table.labels.count
                try limits.checkMemory(Self.bytesHeld(rows: checkedRows, width: width), for: "\(path) (\(checkedRows) rows so far)")
            }
        }
        guard width > 0 else { throw FileError(path, "holds no rows") }
        guard !table.labels.isEmpty else {
            throw FileError(path, "holds no data rows" + (table.skipped.count > 0 ? " (\(table.skipped.count) skipped)" : ""))
        }
        try limits.checkMemory(Self.bytesHeld(rows: table.labels.count, width: width), for: path)
        table.features = Matrix(rows: table.labels.count, columns: width - 1, storage: values)
        return table
    }

    /// What a table of this size holds while it becomes a dataset: its numbers, the split's
    /// copy of them, and the labels.
    static func bytesHeld(rows: Int, width: Int) -> Int { rows * (2 * 4 * width + 32) }

    /// The label column by 0-based index (negative: from the end), or the last one without
    /// `label`; a `FileError` listing the first row's cells when `label` is neither an index
    /// nor one of them.
    static func labelIndex(_ label: String?, width: Int, columns: [String], path: String) throws -> Int {
        guard let label else { return width - 1 }
        if let k = Int(label.trimmingCharacters(in: .whitespaces)), (-width..<width).contains(k) { return k < 0 ? width + k : k }
        let shown = ErrorText.list(columns.lazy.map { "\"\(excerpt($0))\"" })
        throw FileError(path, "no label column \"\(excerpt(label))\" (first row: \(shown); or give its 0-based index, 0 to \(width - 1))")
    }

    /// A column name or label for a message: at most 40 characters, control characters escaped.
    static func excerpt(_ text: String) -> String {
        let shown = text.prefix(40)
        return ErrorText.escaped(shown) + (shown.count < text.count ? "…" : "")
    }

    /// The fields of a line: ranges of the bytes between separators, quotes kept (see `unquoted`).
    static func split(_ buffer: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, separator: UInt8, path: String, line: Int) throws -> [Range<Int>] {
        var fields: [Range<Int>] = []
        var k = range.lowerBound
        var fieldStart = k
        var quoted = false
        while k < range.upperBound {
            let b = buffer[k]
            if b == UInt8(ascii: "\"") {
                quoted.toggle()
            } else if b == separator && !quoted {
                fields.append(fieldStart..<k)
                fieldStart = k + 1
            }
            k += 1
        }
        guard !quoted else { throw FileError(path, "line \(line): a quote is left open (quoted fields cannot span lines here)") }
        fields.append(fieldStart..<range.upperBound)
        return fields
    }

    /// A field without surrounding blanks and quotes.
    static func unquoted(_ buffer: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Range<Int> {
        let t = ByteScanning.trimmed(buffer, range)
        if t.count >= 2, buffer[t.lowerBound] == UInt8(ascii: "\""), buffer[t.upperBound - 1] == UInt8(ascii: "\"") {
            return (t.lowerBound + 1)..<(t.upperBound - 1)
        }
        return t
    }

    /// A field as text: unquoted, `""` read as `"`, invalid UTF-8 as U+FFFD.
    static func cell(_ buffer: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> String {
        ByteScanning.lenientString(buffer, unquoted(buffer, range)).replacingOccurrences(of: "\"\"", with: "\"")
    }
}

/// Lines of a byte stream, each without its `\n`, read in 64 KB pieces; a line may not be longer
/// than 16 MB, and the whole input not longer than `limit` bytes.
struct LineReader {
    var input: any ByteStream
    let limit: Int
    var buffer: [UInt8] = []
    var position = 0
    var consumed = 0
    var finished = false
    static let longestLine = 16 << 20

    init(input: any ByteStream, limit: Int) {
        self.input = input
        self.limit = limit
    }

    /// The next line, or nil at the end.
    mutating func next() throws -> [UInt8]? {
        while true {
            if let newline = buffer[position...].firstIndex(of: 0x0A) {
                let line = Array(buffer[position..<newline])
                position = newline + 1
                return line
            }
            if finished {
                guard position < buffer.count else { return nil }
                let line = Array(buffer[position...])
                position = buffer.count
                return line
            }
            buffer.removeSubrange(0..<position)
            position = 0
            guard buffer.count <= Self.longestLine else {
                throw FileError(input.path, "a line longer than \(Self.longestLine >> 20) MB: not a table of numbers")
            }
            let n = try readPiece()
            consumed += n
            if n == 0 { finished = true }
            guard consumed <= limit else { throw FileError(input.path, "holds more than the limit of \(limit) bytes") }
        }
    }

    private mutating func readPiece() throws -> Int {
        var piece = [UInt8](repeating: 0, count: 1 << 16)
        let n = try piece.withUnsafeMutableBytes { try input.read(into: $0) }
        buffer.append(contentsOf: piece[0..<n])
        return n
    }
}
