/// A JSON value read by `StrictJSON`. Numbers keep their text, so that whole numbers of any
/// size are read exactly (or refused), never through a Double.
enum JSONValue: Equatable {
    case object([String: JSONValue])
    case array([JSONValue])
    case string(String)
    case number(String)
    case bool(Bool)
    case null

    /// A whole number from 0 to `Int.max` written without sign, fraction or exponent, or nil.
    var wholeNumber: Int? {
        guard case .number(let text) = self, text.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        return Int(text)
    }
}

/// A JSON reader (RFC 8259) for headers of untrusted files, stricter than Foundation's: a key
/// that appears twice in one object is an error (JSONSerialization keeps one of the two
/// silently, so two readers could see two different files), and so is nesting deeper than
/// `maximumDepth` (which would otherwise exhaust the stack).
struct StrictJSON {
    /// What is wrong, and at which byte of the text.
    struct Problem: Error {
        let offset: Int
        let message: String
    }

    static let maximumDepth = 64

    private let bytes: [UInt8]
    private var position = 0

    private init(_ bytes: [UInt8]) { self.bytes = bytes }

    /// The one value `bytes` holds (white space around it allowed).
    static func parse(_ bytes: [UInt8]) throws(Problem) -> JSONValue {
        guard String(validating: bytes, as: UTF8.self) != nil else { throw Problem(offset: 0, message: "not valid UTF-8") }
        var parser = StrictJSON(bytes)
        parser.skipWhitespace()
        let value = try parser.value(depth: 0)
        parser.skipWhitespace()
        guard parser.position == bytes.count else { throw parser.problem("text after the value") }
        return value
    }

    private func problem(_ message: String) -> Problem { Problem(offset: position, message: message) }

    private var next: UInt8? { position < bytes.count ? bytes[position] : nil }

    private mutating func skipWhitespace() {
        while let b = next, b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D { position += 1 }
    }

    private mutating func expect(_ byte: UInt8, _ what: String) throws(Problem) {
        guard next == byte else { throw problem("expected \(what)") }
        position += 1
    }

    private mutating func value(depth: Int) throws(Problem) -> JSONValue {
        guard depth < Self.maximumDepth else { throw problem("nested deeper than \(Self.maximumDepth) levels") }
        switch next {
        case UInt8(ascii: "{"):
            position += 1
            var members: [String: JSONValue] = [:]
            skipWhitespace()
            if next == UInt8(ascii: "}") {
                position += 1
                return .object(members)
            }
            while true {
                skipWhitespace()
                let keyOffset = position
                guard next == UInt8(ascii: "\"") else { throw problem("expected a key in quotes") }
                let key = try string()
                skipWhitespace()
                try expect(UInt8(ascii: ":"), "':' after a key")
                skipWhitespace()
                let member = try value(depth: depth + 1)
                guard members.updateValue(member, forKey: key) == nil else {
                    throw Problem(offset: keyOffset, message: "the key \(ErrorText.quoted(key)) appears twice in one object")
                }
                skipWhitespace()
                if next == UInt8(ascii: ",") {
                    position += 1
                    continue
                }
                try expect(UInt8(ascii: "}"), "',' or '}' in an object")
                return .object(members)
            }
        case UInt8(ascii: "["):
            position += 1
            var elements: [JSONValue] = []
            skipWhitespace()
            if next == UInt8(ascii: "]") {
                position += 1
                return .array(elements)
            }
            while true {
                skipWhitespace()
                elements.append(try value(depth: depth + 1))
                skipWhitespace()
                if next == UInt8(ascii: ",") {
                    position += 1
                    continue
                }
                try expect(UInt8(ascii: "]"), "',' or ']' in an array")
                return .array(elements)
            }
        case UInt8(ascii: "\""):
            return .string(try string())
        case UInt8(ascii: "t"):
            try literal("true")
            return .bool(true)
        case UInt8(ascii: "f"):
            try literal("false")
            return .bool(false)
        case UInt8(ascii: "n"):
            try literal("null")
            return .null
        case .some(let b) where b == UInt8(ascii: "-") || (0x30...0x39).contains(b):
            return .number(try number())
        default:
            throw problem("expected a value")
        }
    }

    private mutating func literal(_ word: String) throws(Problem) {
        let end = position + word.utf8.count
        guard end <= bytes.count, bytes[position..<end].elementsEqual(word.utf8) else { throw problem("expected a value") }
        position = end
    }

    /// `-? (0 | [1-9][0-9]*) (.[0-9]+)? ([eE][+-]?[0-9]+)?`, as written.
    private mutating func number() throws(Problem) -> String {
        let start = position
        func digits(_ parser: inout StrictJSON) -> Int {
            let from = parser.position
            while let b = parser.next, (0x30...0x39).contains(b) { parser.position += 1 }
            return parser.position - from
        }
        if next == UInt8(ascii: "-") { position += 1 }
        let leadingZero = next == UInt8(ascii: "0")
        let whole = digits(&self)
        guard whole > 0, !(leadingZero && whole > 1) else { throw problem("malformed number") }
        if next == UInt8(ascii: ".") {
            position += 1
            guard digits(&self) > 0 else { throw problem("malformed number") }
        }
        if next == UInt8(ascii: "e") || next == UInt8(ascii: "E") {
            position += 1
            if next == UInt8(ascii: "+") || next == UInt8(ascii: "-") { position += 1 }
            guard digits(&self) > 0 else { throw problem("malformed number") }
        }
        return String(decoding: bytes[start..<position], as: UTF8.self)
    }

    /// A string from its opening quote through the closing one, escapes decoded.
    private mutating func string() throws(Problem) -> String {
        position += 1
        var scalars = String.UnicodeScalarView()
        var run = position
        func flush(_ parser: StrictJSON, _ scalars: inout String.UnicodeScalarView) {
            scalars.append(contentsOf: String(decoding: parser.bytes[run..<parser.position], as: UTF8.self).unicodeScalars)
        }
        while true {
            guard let b = next else { throw problem("a string is not closed") }
            switch b {
            case UInt8(ascii: "\""):
                flush(self, &scalars)
                position += 1
                return String(scalars)
            case UInt8(ascii: "\\"):
                flush(self, &scalars)
                position += 1
                scalars.append(try escape())
                run = position
            case 0..<0x20:
                throw problem("a control character inside a string")
            default:
                position += 1
            }
        }
    }

    /// The character of the escape after a backslash.
    private mutating func escape() throws(Problem) -> Unicode.Scalar {
        guard let b = next else { throw problem("a string is not closed") }
        position += 1
        switch b {
        case UInt8(ascii: "\""): return "\""
        case UInt8(ascii: "\\"): return "\\"
        case UInt8(ascii: "/"): return "/"
        case UInt8(ascii: "b"): return "\u{08}"
        case UInt8(ascii: "f"): return "\u{0C}"
        case UInt8(ascii: "n"): return "\n"
        case UInt8(ascii: "r"): return "\r"
        case UInt8(ascii: "t"): return "\t"
        case UInt8(ascii: "u"):
            let unit = try hex4()
            if (0xD800..<0xDC00).contains(unit) {
                // A high surrogate must be followed by an escaped low one.
                guard next == UInt8(ascii: "\\"), position + 1 < bytes.count, bytes[position + 1] == UInt8(ascii: "u") else {
                    throw problem("an unpaired surrogate escape")
                }
                position += 2
                let low = try hex4()
                guard (0xDC00..<0xE000).contains(low) else { throw problem("an unpaired surrogate escape") }
                return Unicode.Scalar(0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00))!
            }
            guard let scalar = Unicode.Scalar(unit) else { throw problem("an unpaired surrogate escape") }
            return scalar
        default:
            throw problem("an unknown escape in a string")
        }
    }

    private mutating func hex4() throws(Problem) -> UInt32 {
        guard position + 4 <= bytes.count,
              let unit = UInt32(String(decoding: bytes[position..<(position + 4)], as: UTF8.self), radix: 16),
              bytes[position..<(position + 4)].allSatisfy({ $0 != UInt8(ascii: "+") && $0 != UInt8(ascii: "-") }) else {
            throw problem("a \\u escape needs four hexadecimal digits")
        }
        position += 4
        return unit
    }
}
