/// A download that failed, and why. Its description is one line that names the URL or the
/// file first: `https://host/mnist/t10k-labels-idx1-ubyte.gz: HTTP 404 (Not Found)`.
public struct DownloadError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The kinds of failure, for callers that react differently to them.
    public enum Kind: Sendable, Equatable {
        /// The server answered with this status instead of the file.
        case httpStatus(Int)
        /// The connection ended before the declared length arrived.
        case truncated
        /// No byte arrived for longer than the stall timeout.
        case stalled
        /// The file arrived but is not the published one (it was removed).
        case checksumMismatch
        /// The file is larger than the size limit.
        case tooLarge
        /// The partial file could not be written, flushed or renamed (disk full, no permission).
        case writeFailed
        /// The transfer failed below HTTP (refused connection, unknown host, TLS).
        case transport
        /// The server's answer contradicts the request (a range other than the one asked for).
        case protocolViolation
    }

    /// The URL or file path the failure is about.
    public let subject: String
    /// What failed.
    public let kind: Kind
    /// The problem, in words.
    public let problem: String

    /// A failure of `kind` about `subject` (a URL or a path), described by `problem`.
    public init(_ subject: String, _ kind: Kind, _ problem: String) {
        self.subject = subject
        self.kind = kind
        self.problem = problem
    }

    /// `SUBJECT: PROBLEM`, one line.
    public var description: String { "\(subject): \(problem)" }
}
