/// Sparse examples in the svmlight / libsvm format, one per line:
///
///     label [qid:N] index:value index:value ... [# comment]
///
/// The label is kept as written (`+1`, `3`, `positive`). Indices are 1-based and strictly
/// increasing; values are decimal numbers. A `qid:N` right after the label is checked and
/// ignored. Blank lines and comment lines are skipped; lines end in LF or CRLF; the file may be
/// gzip-compressed. The entries are stored row by row with 0-based columns.
public struct SVMLight: Equatable, Sendable {
    /// The label of each row, as written.
    public private(set) var labels: [String] = []
    /// The line of the file each row came from.
    public private(set) var lines: [Int] = []
    /// Row r's entries are at `rowStart[r] ..< rowStart[r + 1]` of `columns` and `values`.
    public private(set) var rowStart: [Int] = [0]
    /// The 0-based column (file index minus one) of each entry, increasing within a row.
    public private(set) var columns: [Int32] = []
    /// The value of each entry, as written (zeros included).
    public private(set) var values: [Float] = []
    /// The largest index (1-based) of the rows kept, 0 when there is none: the number of
    /// columns the rows need.
    public private(set) var largestIndex = 0
    /// Lines passed over under `BadRecordPolicy.skip`.
    public private(set) var skipped = SkippedRecords()

    public init() {}

    /// Number of rows.
    public var count: Int { labels.count }

    /// The entries of row `r` as (0-based column, value) pairs.
    public func row(_ r: Int) -> some Collection<(column: Int, value: Float)> {
        (rowStart[r]..<rowStart[r + 1]).lazy.map { (column: Int(columns[$0]), value: values[$0]) }
    }

    /// The rows as a sparse matrix of `columns` columns (by default `largestIndex`); zero
    /// values are left out. A `UsageError` when `columns` is too few for the indices read.
    public func matrix(columns: Int? = nil) throws -> SparseMatrix {
        let width = columns ?? largestIndex
        guard width >= largestIndex else {
            throw UsageError("\(width) columns are too few for svmlight rows with indices up to \(largestIndex)")
        }
        var matrix = SparseMatrix(columns: width)
        for r in 0..<count { matrix.append(row: row(r).map { ($0.column, $0.value) }) }
        return matrix
    }

    /// Reads an svmlight file (raw or gzip-compressed) of at most `limit` bytes. A line without
    /// a label, a feature that is not `index:value`, an index that is not a positive integer
    /// (at most 2^31 - 1) or does not increase, a value that is not a finite number in float
    /// range, or a bad `qid` is a `FileError` `path: line N: ...`, or skipped under `.skip`.
    public static func read(_ path: String, badLines: BadRecordPolicy = .fail,
                            limit: Int = FileIO.defaultSizeLimit) throws -> SVMLight {
        try parse(ByteScanning.readText(path, limit: limit), path: path, badLines: badLines)
    }

    /// Parses the bytes of an svmlight file; `path` names it in errors.
    public static func parse(_ bytes: [UInt8], path: String, badLines: BadRecordPolicy = .fail) throws -> SVMLight {
        var file = SVMLight()
        try bytes.withUnsafeBufferPointer { buffer in
            try ByteScanning.forEachLine(buffer) { number, range in
                do throws(ParseProblem) {
                    try file.appendRow(buffer, range, line: number)
                } catch {
                    try badLines.handle(FileError(path, "line \(number): \(error.message)"), &file.skipped)
                }
            }
        }
        return file
    }

    /// Parses one line; appends its row unless it is blank or a comment.
    mutating func appendRow(_ buffer: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, line: Int) throws(ParseProblem) {
        var end = range.upperBound
        if let hash = range.first(where: { buffer[$0] == UInt8(ascii: "#") }) { end = hash }
        var fields: [Range<Int>] = []
        var i = range.lowerBound
        while i < end {
            while i < end, ByteScanning.isBlank(buffer[i]) { i += 1 }
            let start = i
            while i < end, !ByteScanning.isBlank(buffer[i]) { i += 1 }
            if i > start { fields.append(start..<i) }
        }
        guard let labelField = fields.first else { return }
        guard Self.firstColon(buffer, labelField) == nil else {
            throw ParseProblem("no label: the line starts with \(ByteScanning.excerpt(buffer, labelField)), a feature")
        }
        guard let label = ByteScanning.string(buffer, labelField) else { throw ParseProblem("the label is not valid UTF-8") }
        var features = fields.dropFirst()
        if let qid = features.first, qid.count > 4, ByteScanning.equals(buffer, qid.lowerBound..<(qid.lowerBound + 4), "qid:") {
            guard ByteScanning.unsignedInteger(buffer, (qid.lowerBound + 4)..<qid.upperBound) != nil else {
                throw ParseProblem("\(ByteScanning.excerpt(buffer, qid)) is not qid:N with N a non-negative integer")
            }
            features = features.dropFirst()
        }
        var rowColumns: [Int32] = []
        var rowValues: [Float] = []
        rowColumns.reserveCapacity(features.count)
        rowValues.reserveCapacity(features.count)
        var previous = 0
        for feature in features {
            guard let colon = Self.firstColon(buffer, feature) else {
                throw ParseProblem("feature \(ByteScanning.excerpt(buffer, feature)) is not index:value")
            }
            let indexRange = feature.lowerBound..<colon
            let valueRange = (colon + 1)..<feature.upperBound
            guard let index = ByteScanning.unsignedInteger(buffer, indexRange), index >= 1, index <= Int(Int32.max) else {
                throw ParseProblem("index \(ByteScanning.excerpt(buffer, indexRange)) is not an integer from 1 to \(Int32.max)")
            }
            guard index > previous else {
                throw ParseProblem("index \(index) after \(previous): indices must increase strictly")
            }
            guard let value = ByteScanning.decimal(buffer, valueRange), Float(value).isFinite else {
                throw ParseProblem("value \(ByteScanning.excerpt(buffer, valueRange)) of index \(index) is not a finite number in float range")
            }
            rowColumns.append(Int32(index - 1))
            rowValues.append(Float(value))
            previous = index
        }
        labels.append(label)
        lines.append(line)
        columns += rowColumns
        values += rowValues
        rowStart.append(columns.count)
        largestIndex = max(largestIndex, previous)
    }

    /// Position of the first colon of `field`, if any.
    static func firstColon(_ buffer: UnsafeBufferPointer<UInt8>, _ field: Range<Int>) -> Int? {
        field.first { buffer[$0] == ByteScanning.colon }
    }
}
