/// A pass over TOML text before toml++ (inside TOMLKit) parses it: toml++ asserts, and so
/// aborts the process, when a key should start and neither a bare-key character nor a quote
/// does (`[é]`, `[=`, `{ = 1 }`, `a. = 1`), or a value should start and a closing bracket or
/// a comma does (`a = [}`, `a = ,`). Such text is never valid TOML, so refusing it here,
/// with its line, changes nothing for a valid file. Strings and comments are skipped; any
/// non-ASCII character outside them is refused too, as no valid TOML has one there.
enum TOMLKeyCheck {
    /// Where the scanner is: in a key (after `[`, `.`, `{`, `,` of an inline table, or at the
    /// start of a line), in a value, or in a table header.
    private enum Context { case inlineTable(key: Bool), array, header }

    static func firstProblem(_ text: String) -> String? {
        let bytes = Array(text.utf8)
        var i = 0, line = 1
        var stack: [Context] = []
        var expectKey = true  // at the start of a line outside brackets
        var inValue = false   // after the `=` of a line outside brackets
        var expectValue = false  // after `=`, or `[` / `,` of an array: toml++ asserts on `}`, `,` there
        var afterSymbol = false  // the key or value expected follows `[`, `.`, `{`, `,` or `=`, not a line start
        func isBare(_ b: UInt8) -> Bool {
            (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || b == 0x5F || b == 0x2D
        }
        func starts(_ s: String) -> Bool { bytes[i...].starts(with: s.utf8) }
        func keyProblem(_ b: UInt8) -> String {
            b >= 0x80 ? "line \(line): a non-ASCII character outside quotes (keys and numbers are ASCII; quote text)"
                : "line \(line): a key must start with a letter, a digit, _, - or a quote"
        }
        while i < bytes.count {
            let b = bytes[i]
            // A carriage return is white space only before a line feed (toml++ takes a lone one
            // for a character, and asserted on it after `[`).
            if b == 0x20 || b == 0x09 || (b == 0x0D && i + 1 < bytes.count && bytes[i + 1] == 0x0A) { i += 1; continue }
            if b == 0x0A || b == UInt8(ascii: "#") {
                // Neither a line break nor a comment may stand where a header, a dotted key, an
                // inline table or an `=` still needs its key or value (arrays may break lines).
                let inArray: Bool = { if case .array? = stack.last { return true } else { return false } }()
                if (expectKey && afterSymbol) || (expectValue && !inArray) {
                    return "line \(line): a \(expectKey ? "key" : "value") is missing before the \(b == 0x0A ? "end of the line" : "comment")"
                }
            }
            if b == 0x0A {
                line += 1
                i += 1
                if stack.isEmpty { (expectKey, inValue, afterSymbol) = (true, false, false) }
                continue
            }
            if b == UInt8(ascii: "#") {
                while i < bytes.count && bytes[i] != 0x0A { i += 1 }
                continue
            }
            if expectValue {
                expectValue = false
                let closesArray = b == UInt8(ascii: "]") && { if case .array? = stack.last { return true } else { return false } }()
                if !closesArray && (b == UInt8(ascii: "}") || b == UInt8(ascii: "]") || b == UInt8(ascii: ",") || b == UInt8(ascii: "=")) {
                    return "line \(line): a value is missing before '\(Character(UnicodeScalar(b)))'"
                }
            }
            if expectKey {
                expectKey = false
                if stack.isEmpty && b == UInt8(ascii: "[") {
                    // A table header, `[a.b]` or `[[a]]`: a key must follow.
                    i += starts("[[") ? 2 : 1
                    stack.append(.header)
                    (expectKey, afterSymbol) = (true, true)
                    continue
                }
                if case .inlineTable? = stack.last, b == UInt8(ascii: "}") { stack.removeLast(); i += 1; continue }
                guard isBare(b) || b == UInt8(ascii: "\"") || b == UInt8(ascii: "'") else { return keyProblem(b) }
            }
            if b >= 0x80 { return keyProblem(b) }
            switch b {
            case UInt8(ascii: "\""), UInt8(ascii: "'"):
                let quote = String(UnicodeScalar(b))
                let triple = starts(quote + quote + quote)
                i += triple ? 3 : 1
                while i < bytes.count {
                    if b == UInt8(ascii: "\"") && bytes[i] == UInt8(ascii: "\\") {
                        if i + 1 < bytes.count && bytes[i + 1] == 0x0A { line += 1 }
                        i += 2
                        continue
                    }
                    if bytes[i] == 0x0A {
                        if !triple { break }  // an unclosed one-line string: toml++ names it
                        line += 1
                    }
                    if bytes[i] == b && (!triple || starts(quote + quote + quote)) { i += triple ? 3 : 1; break }
                    i += 1
                }
                continue
            case UInt8(ascii: "."):
                // In a key (header, key of a line or of an inline table) a dot starts another key;
                // in a value it is part of a number.
                if case .header? = stack.last { (expectKey, afterSymbol) = (true, true) }
                else if case .inlineTable(key: true)? = stack.last { (expectKey, afterSymbol) = (true, true) }
                else if stack.isEmpty && !inValue { (expectKey, afterSymbol) = (true, true) }
            case UInt8(ascii: "="):
                if case .inlineTable(key: true)? = stack.last { stack[stack.count - 1] = .inlineTable(key: false) }
                if stack.isEmpty { inValue = true }
                (expectValue, afterSymbol) = (true, true)
            case UInt8(ascii: "{"):
                stack.append(.inlineTable(key: true))
                (expectKey, afterSymbol) = (true, true)
            case UInt8(ascii: "}"):
                if case .inlineTable? = stack.last { stack.removeLast() }
            case UInt8(ascii: "["):
                stack.append(.array)
                expectValue = true
            case UInt8(ascii: "]"):
                if !stack.isEmpty { stack.removeLast() }
            case UInt8(ascii: ","):
                if case .inlineTable? = stack.last {
                    stack[stack.count - 1] = .inlineTable(key: true)
                    (expectKey, afterSymbol) = (true, true)
                } else if case .array? = stack.last {
                    expectValue = true
                }
            default: break
            }
            i += 1
        }
        return nil
    }
}
