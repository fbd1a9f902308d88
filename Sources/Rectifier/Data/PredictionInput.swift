import Foundation

/// Examples to classify, read from a file: an IDX image file as MNIST ships them (raw or
/// gzip-compressed; pixels scaled to [0, 1] as training scaled them), or a text file with one
/// example per line, its `width` values separated by commas, semicolons or white space (blank
/// lines and lines starting with `#` are skipped).
public enum PredictionInput {
    /// The examples of `path`, each `width` values wide.
    public static func read(_ path: String, width: Int, limit: Int = FileIO.defaultSizeLimit) throws -> Inputs {
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
        return .dense(try parseText(bytes, path: path, width: width))
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

    /// Rows of numbers, one example per line.
    static func parseText(_ bytes: [UInt8], path: String, width: Int) throws -> Matrix {
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw FileError(path, "neither an IDX file nor UTF-8 text")
        }
        var values: [Float] = []
        var rows = 0
        for (n, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
            let fields = trimmed.split(whereSeparator: { $0 == "," || $0 == ";" || $0 == " " || $0 == "\t" || $0 == "\r" })
            guard fields.count == width else {
                throw FileError(path, "line \(n + 1): \(fields.count) values, the model expects \(width)")
            }
            for field in fields {
                guard let v = Float(field), v.isFinite else {
                    throw FileError(path, "line \(n + 1): \(ErrorText.quoted(field)) is not a finite number")
                }
                values.append(v)
            }
            rows += 1
        }
        guard rows > 0 else { throw FileError(path, "holds no examples") }
        return Matrix(rows: rows, columns: width, storage: values)
    }
}
