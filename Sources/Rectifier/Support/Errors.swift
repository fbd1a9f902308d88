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

/// What a file or a user gave, put into an error message so that the message stays one short
/// line a terminal shows as it is: a line break or an escape sequence in a file is shown
/// escaped (never sent to the terminal), a huge field or list is cut.
public enum ErrorText {
    /// `text` with its control characters (C0, DEL and C1, line breaks and ESC among them)
    /// written as escapes: `\n`, `\r`, `\t`, `\u{1B}`.
    public static func escaped(_ text: some StringProtocol) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.properties.generalCategory == .control:
                out += "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// `text` escaped and in double quotes, cut after `limit` characters (marked `…`).
    public static func quoted(_ text: some StringProtocol, limit: Int = 60) -> String {
        let shown = text.prefix(limit)
        return "\"" + escaped(shown) + (shown.count < text.count ? "…\"" : "\"")
    }

    /// The first `limit` of `items`, comma-separated, then `… and N more` for the rest (only
    /// those shown are read from a lazy collection).
    public static func list(_ items: some Collection<String>, limit: Int = 20) -> String {
        let shown = items.prefix(limit).joined(separator: ", ")
        return items.count > limit ? shown + ", … and \(items.count - limit) more" : shown
    }
}
