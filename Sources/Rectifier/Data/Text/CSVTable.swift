/// A table of text cells read from a CSV file (RFC 4180): a header row of column names, then
/// one record per row, every record with as many fields as the header. Fields are separated by
/// commas; a field in double quotes may hold commas, line breaks and quotes written twice
/// (`""`). Records end in LF or CRLF; the last one may or may not. A UTF-8 byte order mark is
/// ignored; bytes that are not valid UTF-8 become U+FFFD.
///
/// The file is read in one pass over its bytes, each field copied once.
public struct CSVTable: Equatable, Sendable {
    /// The file the table was read from (named in errors).
    public let path: String
    /// The column names, from the header row.
    public let header: [String]
    /// The cells, row after row.
    public let cells: [String]
    /// Line of the file on which each row's record starts (records may span lines).
    public let rowLines: [Int]

    /// Number of rows (records after the header).
    public var rowCount: Int { rowLines.count }
    /// Number of columns.
    public var columnCount: Int { header.count }

    /// The cell of `row` (0-based, after the header) and `column`.
    public subscript(row: Int, column: Int) -> String { cells[row * header.count + column] }

    /// The position of the column named `name`, or a `FileError` listing the columns there are
    /// (the first 20 of them).
    public func columnIndex(_ name: String) throws -> Int {
        guard let k = header.firstIndex(of: name) else {
            throw FileError(path, "no column named \(ErrorText.quoted(name)) (columns: \(ErrorText.list(header.lazy.map { ErrorText.quoted($0) })))")
        }
        return k
    }

    /// The cells of the column named `name`, top to bottom.
    public func column(_ name: String) throws -> [String] {
        let k = try columnIndex(name)
        return (0..<rowCount).map { self[$0, k] }
    }

    /// Reads a CSV file (raw or gzip-compressed) of at most `limit` bytes.
    public static func read(_ path: String, limit: Int = FileIO.defaultSizeLimit, memory: Int = Limits.physicalMemory) throws -> CSVTable {
        try parse(ByteScanning.readText(path, limit: limit), path: path, memory: memory)
    }

    /// What a cell costs held, measured: a `String` and its bytes, and the array's growth.
    static let bytesPerCell = 64

    /// Parses the bytes of a CSV file; `path` names it in errors. A quote left open, a quote
    /// inside an unquoted field, text after a closing quote, a record with the wrong number of
    /// fields, a repeated column name or a file without a header are each a `FileError`
    /// `path: line N: ...`, N the line where the record starts.
    /// The cells are counted as they come: a file whose cells would take more than `memory`
    /// bytes (a few hundred kilobytes of gzip can hold fifty million rows) is refused as soon as
    /// it passes the budget.
    public static func parse(_ bytes: [UInt8], path: String, memory: Int = Limits.physicalMemory) throws -> CSVTable {
        var header: [String]?
        var cells: [String] = []
        var rowLines: [Int] = []
        try bytes.withUnsafeBufferPointer { buffer in
            var scanner = Scanner(buffer: buffer)
            if buffer.count >= 3, buffer[0] == 0xEF, buffer[1] == 0xBB, buffer[2] == 0xBF { scanner.position = 3 }
            var record: [String] = []
            while !scanner.atEnd {
                let start = scanner.line
                do throws(ParseProblem) {
                    try scanner.readRecord(into: &record)
                } catch {
                    throw FileError(path, "line \(start): \(error.message)")
                }
                guard let columns = header else {
                    header = record
                    var seen = Set<String>()
                    for name in record where !seen.insert(name).inserted {
                        throw FileError(path, "line \(start): column name \(ErrorText.quoted(name)) appears twice in the header")
                    }
                    continue
                }
                guard record.count == columns.count else {
                    throw FileError(path, "line \(start): \(record.count) fields, the header has \(columns.count)")
                }
                cells.append(contentsOf: record)
                rowLines.append(start)
                if rowLines.count & 0xFFFF == 0 {
                    try Limits(memoryBytes: memory).checkMemory(cells.count * Self.bytesPerCell,
                                                                for: "\(path) (\(rowLines.count) rows so far)")
                }
            }
        }
        guard let header else { throw FileError(path, "empty file: no header row") }
        return CSVTable(path: path, header: header, cells: cells, rowLines: rowLines)
    }

    init(path: String, header: [String], cells: [String], rowLines: [Int]) {
        self.path = path
        self.header = header
        self.cells = cells
        self.rowLines = rowLines
    }

    /// Reads records from `buffer`, keeping track of the line it is on.
    struct Scanner {
        let buffer: UnsafeBufferPointer<UInt8>
        var position = 0
        var line = 1
        /// The field being read (reused, so that no field costs more than its own copy).
        var field: [UInt8] = []

        init(buffer: UnsafeBufferPointer<UInt8>) { self.buffer = buffer }

        var atEnd: Bool { position >= buffer.count }

        static let quote = UInt8(ascii: "\"")
        static let comma = UInt8(ascii: ",")

        /// Reads one record (through its line end) into `record`.
        mutating func readRecord(into record: inout [String]) throws(ParseProblem) {
            record.removeAll(keepingCapacity: true)
            while true {
                field.removeAll(keepingCapacity: true)
                if !atEnd, buffer[position] == Self.quote {
                    try readQuoted()
                } else {
                    try readUnquoted()
                }
                record.append(String(decoding: field, as: UTF8.self))
                if atEnd { return }
                let b = buffer[position]
                position += 1
                if b == Self.comma { continue }
                if b == ByteScanning.carriageReturn { position += 1 }  // the LF of a CRLF (checked by the readers)
                line += 1
                return
            }
        }

        /// True when the record ends at `position` (LF or CRLF), without consuming it.
        func atLineEnd() -> Bool {
            let b = buffer[position]
            return b == ByteScanning.newline
                || (b == ByteScanning.carriageReturn && position + 1 < buffer.count && buffer[position + 1] == ByteScanning.newline)
        }

        /// An unquoted field: up to a comma, a line end or the end of the input.
        mutating func readUnquoted() throws(ParseProblem) {
            let start = position
            while !atEnd {
                let b = buffer[position]
                if b == Self.comma || atLineEnd() { break }
                if b == Self.quote { throw ParseProblem("a quote inside an unquoted field (a field with quotes must be quoted whole)") }
                position += 1
            }
            field.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[start..<position]))
        }

        /// A quoted field, from its opening quote through the closing one.
        mutating func readQuoted() throws(ParseProblem) {
            let opening = line
            position += 1
            while true {
                let start = position
                while position < buffer.count, buffer[position] != Self.quote {
                    if buffer[position] == ByteScanning.newline { line += 1 }
                    position += 1
                }
                field.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[start..<position]))
                guard !atEnd else { throw ParseProblem("quote opened on line \(opening) is never closed") }
                position += 1
                if !atEnd, buffer[position] == Self.quote {
                    field.append(Self.quote)
                    position += 1
                    continue
                }
                guard atEnd || buffer[position] == Self.comma || atLineEnd() else {
                    throw ParseProblem("text after the closing quote of a field (line \(line))")
                }
                return
            }
        }
    }
}
