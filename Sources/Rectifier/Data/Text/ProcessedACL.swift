/// The `processed_acl` files of the Multi-Domain Sentiment Dataset (Blitzer, Dredze & Pereira
/// 2007), the benchmark of the paper's sentiment experiments: one review per line, as
///
///     term:count term:count ... #label#:positive
///
/// Terms are unigrams and `_`-joined bigrams (see `Tokenizer` for how they were made). A field
/// is split on its last colon, since a term may itself contain colons; the count must be a
/// positive integer; the `#label#` field is required (anywhere on the line, once). Fields are
/// separated by spaces or tabs; lines end in LF or CRLF; the file may be gzip-compressed.
public struct ProcessedACL: Equatable, Sendable {
    /// The documents, in file order.
    public var documents: [TextDocument]
    /// Lines passed over under `BadRecordPolicy.skip`.
    public var skipped: SkippedRecords

    /// The term that holds a line's label.
    public static let labelTerm = "#label#"

    public init(documents: [TextDocument], skipped: SkippedRecords = SkippedRecords()) {
        self.documents = documents
        self.skipped = skipped
    }

    /// Reads a processed_acl file (raw or gzip-compressed) of at most `limit` bytes. Malformed
    /// lines (a field without a colon, an empty term, a count that is not a positive integer, a
    /// repeated term or label, no label, an empty line, invalid UTF-8) are a `FileError`
    /// `path: line N: ...`, or skipped and counted under `.skip`.
    public static func read(_ path: String, badLines: BadRecordPolicy = .fail,
                            limit: Int = FileIO.defaultSizeLimit) throws -> ProcessedACL {
        try parse(ByteScanning.readText(path, limit: limit), path: path, badLines: badLines)
    }

    /// Parses the bytes of a processed_acl file; `path` names it in errors.
    public static func parse(_ bytes: [UInt8], path: String, badLines: BadRecordPolicy = .fail) throws -> ProcessedACL {
        var result = ProcessedACL(documents: [])
        try bytes.withUnsafeBufferPointer { buffer in
            try ByteScanning.forEachLine(buffer) { number, range in
                do throws(ParseProblem) {
                    result.documents.append(try document(buffer, range, line: number))
                } catch {
                    try badLines.handle(FileError(path, "line \(number): \(error.message)"), &result.skipped)
                }
            }
        }
        return result
    }

    /// The document of one line.
    static func document(_ buffer: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, line: Int) throws(ParseProblem) -> TextDocument {
        var counts: [String: Int] = [:]
        var label: String?
        var i = range.lowerBound
        let end = range.upperBound
        while true {
            while i < end, ByteScanning.isBlank(buffer[i]) { i += 1 }
            guard i < end else { break }
            let start = i
            var colon = -1
            var bits: UInt8 = 0
            while i < end, !ByteScanning.isBlank(buffer[i]) {
                if buffer[i] == ByteScanning.colon { colon = i }
                bits |= buffer[i]
                i += 1
            }
            let field = start..<i
            guard colon >= 0 else {
                throw ParseProblem("field \(ByteScanning.excerpt(buffer, field)) has no colon (expected term:count)")
            }
            let term = start..<colon
            let value = (colon + 1)..<i
            guard !term.isEmpty else { throw ParseProblem("field \(ByteScanning.excerpt(buffer, field)) has an empty term") }
            if ByteScanning.equals(buffer, term, "#label#") {
                guard label == nil else { throw ParseProblem("a second \(labelTerm) field") }
                guard !value.isEmpty, let text = ByteScanning.string(buffer, value) else {
                    throw ParseProblem("label \(ByteScanning.excerpt(buffer, value)) is empty or not valid UTF-8")
                }
                label = text
                continue
            }
            guard let count = ByteScanning.unsignedInteger(buffer, value), count > 0 else {
                throw ParseProblem("count \(ByteScanning.excerpt(buffer, value)) of term \(ByteScanning.excerpt(buffer, term)) is not a positive integer")
            }
            // ASCII (the high bit never set) is valid UTF-8 and skips the validation.
            let ascii = bits < 0x80
            guard let text = ascii ? ByteScanning.lenientString(buffer, term) : ByteScanning.string(buffer, term) else {
                throw ParseProblem("term \(ByteScanning.excerpt(buffer, term)) is not valid UTF-8")
            }
            guard counts.updateValue(count, forKey: text) == nil else {
                throw ParseProblem("term \(ByteScanning.excerpt(buffer, term)) appears twice")
            }
        }
        guard let label else {
            throw ParseProblem(counts.isEmpty ? "empty line" : "no \(labelTerm) field")
        }
        return TextDocument(termCounts: counts, label: label, line: line)
    }
}
