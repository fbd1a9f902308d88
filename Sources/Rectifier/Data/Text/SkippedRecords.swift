/// The lines or records a reader passed over in its skip-bad-records mode: how many, and the
/// first few errors (file, line and problem), so that a run can say what it dropped.
public struct SkippedRecords: Equatable, Sendable {
    /// Number of lines or records skipped.
    public private(set) var count = 0
    /// The errors of the first `exampleLimit` skipped records, in file order.
    public private(set) var examples: [FileError] = []
    /// How many errors are kept in `examples` (the rest are only counted).
    public static let exampleLimit = 10

    public init() {}

    /// Counts one more skipped record.
    mutating func record(_ error: FileError) {
        count += 1
        if examples.count < Self.exampleLimit { examples.append(error) }
    }
}

/// What a reader does with a line or record it cannot parse.
public enum BadRecordPolicy: Sendable {
    /// Stop with a `FileError` naming the file, line and problem.
    case fail
    /// Leave it out and count it in the result's `SkippedRecords`.
    case skip

    /// Throws `error` under `.fail`; records it in `skipped` under `.skip`.
    func handle(_ error: FileError, _ skipped: inout SkippedRecords) throws {
        switch self {
        case .fail: throw error
        case .skip: skipped.record(error)
        }
    }
}
