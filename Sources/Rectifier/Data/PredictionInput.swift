import Foundation

/// Examples to classify, read from a file: an IDX image file as MNIST ships them (raw or
/// gzip-compressed; pixels scaled to [0, 1] as training scaled them), or a text file with one
/// example per line, its values separated by commas, semicolons or white space, as the data's
/// files hold them (blank lines and lines starting with `#` are skipped; a header is read).
public enum PredictionInput {
    /// Whether `path` is an IDX file (raw or gzip-compressed), whose pixels `read` scales itself.
    public static func isImageFile(_ path: String) -> Bool {
        guard let head = try? FileStream(path).peekHead(4) else { return false }
        return Gzip.isCompressed(head) || (head.count >= 4 && head[0] == 0 && head[1] == 0 && head[2] == 0x08)
    }

    /// The examples of `path`, each `width` values wide (for a table model, the columns named
    /// `featureNames` of a file with a header).
    public static func read(_ path: String, width: Int, featureNames: [String]? = nil, limit: Int = FileIO.defaultSizeLimit) throws -> Inputs {
        let bytes = try FileIO.read(path, limit: limit)
        if Gzip.isCompressed(bytes) || (bytes.count >= 4 && bytes[0] == 0 && bytes[1] == 0 && bytes[2] == 0x08) {
            let images = try IDXArray.read(path, limit: limit)
            guard images.shape.count >= 2 else {
                throw FileError(path, "an IDX file of rank \(images.shape.count) holds no examples to classify (expected images)")
            }
            guard images.itemSize == width else {
                throw FileError(path, "holds examples of \(images.itemSize) values; the model expects \(width)")
            }
            return .dense(Matrix(rows: images.count, columns: width, storage: images.bytes.map { Float($0) / 255 }))
        }
        return .dense(try parseText(bytes, path: path, width: width, featureNames: featureNames))
    }

    /// Documents to classify with a text model: one per line, either raw text (tokenised as in
    /// training) or processed_acl fields (`term:count ...`, a `#label#` field ignored), as sparse
    /// rows over `vocabulary`.
    public static func readText(_ path: String, vocabulary: Vocabulary, weighting: Vocabulary.Weighting,
                                limit: Int = FileIO.defaultSizeLimit) throws -> Inputs {
        guard let text = String(validating: try FileIO.read(path, limit: limit), as: UTF8.self) else {
            throw FileError(path, "not UTF-8 text")
        }
        let tokenizer = Tokenizer()
        var documents: [[String: Int]] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: true) {
            let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" })
            guard !fields.isEmpty else { continue }
            var counts: [String: Int] = [:]
            let processed = fields.allSatisfy { field in
                guard let colon = field.lastIndex(of: ":"), let n = Int(field[field.index(after: colon)...]), n > 0 else {
                    return field.hasPrefix("#label#:")
                }
                if !field.hasPrefix("#label#:") { counts[String(field[..<colon]), default: 0] += n }
                return true
            }
            documents.append(processed ? counts : tokenizer.termCounts([String(line)]))
        }
        guard !documents.isEmpty else { throw FileError(path, "holds no documents") }
        return .sparse(vocabulary.matrix(documents, weighting: weighting))
    }

    /// Rows of numbers, one example per line, values separated by commas, semicolons, tabs or
    /// spaces. A first line that is not all numbers is a header: with `featureNames`, the
    /// columns of those names are read, in that order (so a table's own file, label column
    /// and all, can be given back); without, it is skipped when it has `width` fields. A line
    /// is read only as far as `width` values: a longer one is an error before it is held.
    public static func parseText(_ bytes: [UInt8], path: String, width: Int, featureNames: [String]? = nil) throws -> Matrix {
        var values: [Float] = []
        var rows = 0
        var columns: [Int]?  // positions of the features in the header's order, when read by name
        var headerWidth: Int?
        var firstLine = true
        var lineNumber = 0
        try bytes.withUnsafeBufferPointer { buffer in
            var lineStart = 0
            while lineStart < buffer.count {
                var lineEnd = lineStart
                while lineEnd < buffer.count && buffer[lineEnd] != 0x0A { lineEnd += 1 }
                lineNumber += 1
                defer { lineStart = lineEnd + 1 }
                let line = ByteScanning.trimmed(buffer, lineStart..<lineEnd)
                if line.isEmpty || buffer[line.lowerBound] == UInt8(ascii: "#") { continue }
                // Fields are listed only up to one more than a line may have.
                let cap = (firstLine && featureNames != nil ? 1 << 20 : headerWidth ?? width) + 1
                let separator = Self.separator(UnsafeBufferPointer(rebasing: buffer[line]))
                var fields: [Range<Int>] = []
                var k = line.lowerBound
                while k < line.upperBound {
                    let start = k
                    while k < line.upperBound, !separator(buffer[k]) { k += 1 }
                    fields.append(start..<k)
                    if fields.count == cap { break }
                    k += 1
                    // Runs of blanks are one separator, as in a column of numbers aligned by spaces.
                    if separator(0x20) { while k < line.upperBound, buffer[k] == 0x20 || buffer[k] == 0x09 { k += 1 } }
                }
                let numeric = fields.allSatisfy { ByteScanning.decimal(buffer, NumericTable.unquoted(buffer, $0)) != nil }
                if firstLine {
                    firstLine = false
                    if !numeric {
                        let header = fields.map { NumericTable.cell(buffer, $0) }
                        if let featureNames {
                            headerWidth = header.count
                            columns = try featureNames.map { name in
                                guard let k = header.firstIndex(of: name) else {
                                    throw FileError(path, "line \(lineNumber): the header has no column \"\(NumericTable.excerpt(name))\", "
                                        + "which the model reads (its features: \(featureNames.prefix(20).joined(separator: ", ")))")
                                }
                                return k
                            }
                            continue
                        }
                        if fields.count == width { continue }
                    }
                }
                let picked: [Range<Int>]
                if let columns, let headerWidth {
                    guard fields.count == headerWidth else {
                        throw FileError(path, "line \(lineNumber): \(fields.count == cap ? "more than \(headerWidth)" : String(fields.count)) values, "
                            + "the header has \(headerWidth) columns")
                    }
                    picked = columns.map { fields[$0] }
                } else {
                    guard fields.count == width else {
                        throw FileError(path, "line \(lineNumber): \(fields.count == cap ? "more than \(width)" : String(fields.count)) values, "
                            + "the model expects \(width)")
                    }
                    picked = fields
                }
                for field in picked {
                    guard let v = ByteScanning.decimal(buffer, NumericTable.unquoted(buffer, field)), Float(v).isFinite else {
                        throw FileError(path, "line \(lineNumber): \(ByteScanning.excerpt(buffer, field)) is not a finite number")
                    }
                    values.append(Float(v))
                }
                rows += 1
            }
        }
        guard rows > 0 else { throw FileError(path, "holds no examples") }
        return Matrix(rows: rows, columns: width, storage: values)
    }

    /// The field separator of a line: commas when it has any, else tabs, else semicolons, else
    /// blanks (so a header's names may hold spaces in a CSV or TSV line).
    static func separator(_ line: UnsafeBufferPointer<UInt8>) -> (UInt8) -> Bool {
        for s in [UInt8(ascii: ","), 0x09, UInt8(ascii: ";")] where line.contains(s) { return { $0 == s } }
        return { $0 == 0x20 || $0 == 0x09 }
    }
}
