/// The terms a bag-of-words model sees, each with its input column: the paper's "5000 most
/// frequent terms", chosen on the training documents only so that nothing about the test
/// documents leaks into the features.
///
/// Saved as `vocabulary.txt`: a header line `rectifier-vocabulary 1 COUNT` (format, version,
/// number of terms), then one term per line in column order. The same text can travel in a
/// safetensors file's metadata (`metadata()` / `init(metadata:)`).
public struct Vocabulary: Equatable, Sendable {
    /// The terms in column order.
    public let terms: [String]
    /// The column of each term.
    let columns: [String: Int]

    /// The paper's vocabulary size.
    public static let paperSize = 5000
    /// The file's usual name in a run or model directory.
    public static let fileName = "vocabulary.txt"
    /// The first word of the file's header line.
    public static let formatName = "rectifier-vocabulary"
    /// The version written in the header line.
    public static let formatVersion = 1
    /// The metadata key `metadata()` uses by default.
    public static let metadataKey = "vocabulary"

    /// A vocabulary of `terms`, in that column order. A `UsageError` when a term is empty,
    /// holds a line break or comes twice (such a vocabulary could not be saved and read back).
    public init(terms: [String]) throws {
        var columns: [String: Int] = [:]
        columns.reserveCapacity(terms.count)
        for (k, term) in terms.enumerated() {
            guard !term.isEmpty, !term.utf8.contains(where: { $0 == 0x0A || $0 == 0x0D }) else {
                throw UsageError("vocabulary term \(k + 1) is empty or holds a line break")
            }
            guard columns.updateValue(k, forKey: term) == nil else {
                throw UsageError("vocabulary term \(ErrorText.quoted(term)) appears twice")
            }
        }
        self.terms = terms
        self.columns = columns
    }

    /// The `size` terms that occur in the most `documents` (document frequency), most frequent
    /// first; terms with the same frequency in bytewise (UTF-8) order, so the choice does not
    /// depend on hashing or document order. Fewer terms when the documents have fewer.
    public static func mostFrequent(in documents: some Sequence<[String: Int]>, size: Int = paperSize) throws -> Vocabulary {
        guard size >= 1 else { throw UsageError("a vocabulary needs at least 1 term, not \(size)") }
        var frequency: [String: Int] = [:]
        for document in documents {
            for (term, count) in document where count > 0 { frequency[term, default: 0] += 1 }
        }
        let bytewise = { (a: String, b: String) in a.utf8.lexicographicallyPrecedes(b.utf8) }
        var chosen: [(term: String, frequency: Int)]
        if frequency.count <= size {
            chosen = frequency.map { ($0.key, $0.value) }
        } else {
            // Only the terms at the cut-off frequency need sorting among themselves: the
            // frequency f such that fewer than `size` terms are more frequent than f.
            var termsWithFrequency: [Int: Int] = [:]
            for f in frequency.values { termsWithFrequency[f, default: 0] += 1 }
            var cutoff = 0
            var above = 0
            for f in termsWithFrequency.keys.sorted(by: >) {
                cutoff = f
                if above + termsWithFrequency[f]! >= size { break }
                above += termsWithFrequency[f]!
            }
            chosen = frequency.filter { $0.value > cutoff }.map { ($0.key, $0.value) }
            let ties = frequency.filter { $0.value == cutoff }.keys.sorted(by: bytewise).prefix(size - above)
            chosen += ties.map { ($0, cutoff) }
        }
        chosen.sort { $0.frequency != $1.frequency ? $0.frequency > $1.frequency : bytewise($0.term, $1.term) }
        return try Vocabulary(terms: chosen.map(\.term))
    }

    /// Number of terms (columns).
    public var count: Int { terms.count }

    /// The column of `term`, or nil when it is not in the vocabulary.
    public func column(of term: String) -> Int? { columns[term] }

    /// How a term's count in a document becomes its feature value.
    public enum Weighting: String, Sendable, CaseIterable {
        /// 1 when the term occurs (the paper's binary bag of words).
        case binary
        /// The number of occurrences.
        case counts
    }

    /// The features of a document: (column, value) for each vocabulary term it contains, in
    /// increasing column order. Terms outside the vocabulary are dropped.
    public func features(of termCounts: [String: Int], weighting: Weighting = .binary) -> [(Int, Float)] {
        var entries: [(Int, Float)] = []
        entries.reserveCapacity(min(termCounts.count, count))
        for (term, n) in termCounts where n > 0 {
            if let c = columns[term] { entries.append((c, weighting == .binary ? 1 : Float(n))) }
        }
        entries.sort { $0.0 < $1.0 }
        return entries
    }

    /// The documents as a sparse matrix, one row each, `count` columns.
    public func matrix(_ documents: some Sequence<[String: Int]>, weighting: Weighting = .binary) -> SparseMatrix {
        var matrix = SparseMatrix(columns: count)
        for document in documents { matrix.append(row: features(of: document, weighting: weighting)) }
        return matrix
    }

    /// The file's text: the header line, then one term per line.
    public var text: String {
        "\(Self.formatName) \(Self.formatVersion) \(count)\n" + terms.map { $0 + "\n" }.joined()
    }

    /// Writes `vocabulary.txt` (or any `path`) atomically.
    public func save(to path: String) throws {
        try FileIO.writeAtomically(Array(text.utf8), to: path)
    }

    /// Reads a file written by `save(to:)`, checking the header, that there are exactly as many
    /// terms as it declares, and that no term is empty or repeated.
    public static func read(_ path: String, limit: Int = FileIO.defaultSizeLimit) throws -> Vocabulary {
        try parse(FileIO.read(path, limit: limit), source: path)
    }

    /// Parses a vocabulary's text; `source` names the file (or metadata entry) in errors.
    public static func parse(_ bytes: [UInt8], source: String) throws -> Vocabulary {
        var lines = bytes.split(separator: 0x0A, omittingEmptySubsequences: false)
        if lines.count > 1, lines.last!.isEmpty { lines.removeLast() }
        let header = String(decoding: lines.first ?? [], as: UTF8.self)
        let words = header.split(separator: " ", omittingEmptySubsequences: false)
        guard words.count == 3, words[0] == formatName else {
            throw FileError(source, "line 1: not a vocabulary file (expected \"\(formatName) \(formatVersion) COUNT\", found \(ErrorText.quoted(header)))")
        }
        guard words[1] == "\(formatVersion)" else {
            throw FileError(source, "line 1: vocabulary format version \(ErrorText.quoted(words[1])), this reader knows version \(formatVersion)")
        }
        guard let declared = Int(words[2]), declared >= 0 else {
            throw FileError(source, "line 1: term count \(ErrorText.quoted(words[2])) is not a non-negative integer")
        }
        var terms: [String] = []
        terms.reserveCapacity(min(declared, lines.count))
        var seen: [String: Int] = [:]
        for (k, line) in lines.dropFirst().enumerated() {
            let number = k + 2
            guard !line.isEmpty else { throw FileError(source, "line \(number): empty term") }
            guard !line.contains(0x0D) else { throw FileError(source, "line \(number): carriage return in a term (CRLF line ends?)") }
            guard let term = String(validating: line, as: UTF8.self) else {
                throw FileError(source, "line \(number): term is not valid UTF-8")
            }
            if let first = seen.updateValue(number, forKey: term) {
                throw FileError(source, "line \(number): term \(ErrorText.quoted(term)) already on line \(first)")
            }
            terms.append(term)
        }
        guard terms.count == declared else {
            throw FileError(source, "the header declares \(declared) terms, the file has \(terms.count)")
        }
        return try Vocabulary(terms: terms)
    }

    /// The vocabulary as a metadata entry (`key` → the file's text), e.g. for safetensors.
    public func metadata(key: String = metadataKey) -> [String: String] { [key: text] }

    /// The vocabulary stored in `metadata` under `key`; `source` names the file it came from.
    public init(metadata: [String: String], key: String = metadataKey, source: String) throws {
        guard let text = metadata[key] else { throw FileError(source, "metadata has no \(ErrorText.quoted(key)) entry (no vocabulary)") }
        self = try Self.parse(Array(text.utf8), source: "\(source) (metadata \(ErrorText.quoted(key)))")
    }
}
