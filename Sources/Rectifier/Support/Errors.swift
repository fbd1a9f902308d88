/// A file that cannot be used, and why. Its description names the file first, so a user sees
/// at once which file to fix: `data/train-images-idx3-ubyte: truncated: header declares ...`.
public struct FileError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The file, as the user named it.
    public let path: String
    /// What is wrong with it.
    public let problem: String

    public init(_ path: String, _ problem: String) {
        self.path = path
        self.problem = problem
    }

    public var description: String { "\(path): \(problem)" }
}

/// A request that cannot be carried out as asked (bad option value, mismatched shapes).
public struct UsageError: Error, CustomStringConvertible, Equatable, Sendable {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
