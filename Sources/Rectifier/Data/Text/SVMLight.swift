/// Sparse examples in the svmlight / libsvm format, one per line:
///
///     label [qid:N] index:value index:value ... [# comment]
///
/// The label is kept as written (`+1`, `3`, `positive`). Indices are strictly increasing and
/// 1-based, as libsvm writes them, unless some index is 0: then every index is read as 0-based,
/// as scikit-learn's `dump_svmlight_file` writes them (its `zero_based="auto"`). Values are
/// decimal numbers. A `qid:N` right after the label is checked and ignored. Blank lines and
/// comment lines are skipped; lines end in LF or CRLF; the file may be gzip-compressed.
public struct SVMLight: Equatable, Sendable {
    /// The label of each row, as written.
    public private(set) var labels: [String] = []
    /// The line of the file each row came from.
    public private(set) var lines: [Int] = []
    /// Row r's entries are at `rowStart[r] ..< rowStart[r + 1]` of `columns` and `values`.
    public private(set) var rowStart: [Int] = [0]
    /// The index of each entry as the file writes it, increasing within a row.
    public private(set) var indices: [Int32] = []
    /// The value of each entry, as written (zeros included).
    public private(set) var values: [Float] = []
    /// The largest index of the rows kept, -1 when there is none.
    public private(set) var largestIndex = -1
    /// Whether some index is 0, which makes the file's indices 0-based.
    public private(set) var hasZeroIndex = false
    /// Lines passed over under `BadRecordPolicy.skip`.
    public private(set) var skipped = SkippedRecords()

    public init() {}

    /// Number of rows.
    public var count: Int { labels.count }

    /// The columns the rows need: the largest index, plus one when indices are 0-based.
    public func width(zeroBased: Bool) -> Int { max(0, largestIndex + (zeroBased ? 1 : 0)) }

    /// The entries of row `r` as (0-based column, value) pairs, the file's indices read as
    /// 0-based when `zeroBased` (by default when some index is 0).
    public func row(_ r: Int, zeroBased: Bool? = nil) -> some Collection<(column: Int, value: Float)> {
        let shift = zeroBased ?? hasZeroIndex ? 0 : 1
        return (rowStart[r]..<rowStart[r + 1]).lazy.map { (column: Int(indices[$0]) - shift, value: values[$0]) }
    }

    /// The rows as a sparse matrix of `columns` columns (by default `width`); zero values are
    /// left out. A `UsageError` when `columns` is too few for the indices read, or the indices
    /// are read as 1-based and one is 0.
    public func matrix(columns: Int? = nil, zeroBased: Bool? = nil) throws -> SparseMatrix {
        let zeroBased = zeroBased ?? hasZeroIndex
        guard zeroBased || !hasZeroIndex else { throw UsageError("svmlight rows with index 0 cannot be read as 1-based") }
        let width = columns ?? self.width(zeroBased: zeroBased)
        guard width >= self.width(zeroBased: zeroBased) else {
            throw UsageError("\(width) columns are too few for svmlight rows with indices up to \(largestIndex)")
        }
        var matrix = SparseMatrix(columns: width)
        for r in 0..<count { matrix.append(row: row(r, zeroBased: zeroBased).map { ($0.column, $0.value) }) }
        return matrix
    }

    /// Reads an svmlight file (raw or gzip-compressed) of at most `limit` bytes. A line without
    /// a label, a feature that is not `index:value`, an index that is not a positive integer
    /// (0 to 2^31 - 2) or does not increase, a value that is not a finite number in float
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
        var rowIndices: [Int32] = []
        var rowValues: [Float] = []
        rowIndices.reserveCapacity(features.count)
        rowValues.reserveCapacity(features.count)
        var previous = -1
        for feature in features {
            guard let colon = Self.firstColon(buffer, feature) else {
                throw ParseProblem("feature \(ByteScanning.excerpt(buffer, feature)) is not index:value")
            }
            let indexRange = feature.lowerBound..<colon
            let valueRange = (colon + 1)..<feature.upperBound
            guard let index = ByteScanning.unsignedInteger(buffer, indexRange), index < Int(Int32.max) else {
                throw ParseProblem("index \(ByteScanning.excerpt(buffer, indexRange)) is not an integer from 0 to \(Int32.max - 1)")
            }
            guard index > previous else {
                throw ParseProblem("index \(index) after \(previous): indices must increase strictly")
            }
            guard let value = ByteScanning.decimal(buffer, valueRange), Float(value).isFinite else {
                throw ParseProblem("value \(ByteScanning.excerpt(buffer, valueRange)) of index \(index) is not a finite number in float range")
            }
            rowIndices.append(Int32(index))
            rowValues.append(Float(value))
            previous = index
        }
        labels.append(label)
        lines.append(line)
        indices += rowIndices
        values += rowValues
        rowStart.append(indices.count)
        largestIndex = max(largestIndex, previous)
        if rowIndices.first == 0 { hasZeroIndex = true }
    }

    /// Position of the first colon of `field`, if any.
    static func firstColon(_ buffer: UnsafeBufferPointer<UInt8>, _ field: Range<Int>) -> Int? {
        field.first { buffer[$0] == ByteScanning.colon }
    }
}
