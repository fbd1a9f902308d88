/// A document as a bag of terms (how often each term occurs in it) with its label: what the
/// processed_acl files hold per line and what `Tokenizer` makes of a raw review.
public struct TextDocument: Equatable, Sendable {
    /// Occurrences of each term (every count positive).
    public var termCounts: [String: Int]
    /// The document's label as written in the file (`positive`, `negative`, a star rating...).
    public var label: String
    /// Line of the file the document starts on (0 when it did not come from a file).
    public var line: Int

    public init(termCounts: [String: Int], label: String, line: Int = 0) {
        self.termCounts = termCounts
        self.label = label
        self.line = line
    }
}
