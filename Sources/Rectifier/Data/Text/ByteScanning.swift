import Foundation

/// What is wrong with one line or record, before the reader attaches the file name (and decides
/// whether to stop or to skip it).
struct ParseProblem: Error {
    let message: String
    init(_ message: String) { self.message = message }
}

/// Byte-level building blocks shared by the text readers. They work on the file's UTF-8 bytes in
/// place: a `String` is made only for the values a reader keeps (terms, labels, cells).
enum ByteScanning {
    static let newline = UInt8(ascii: "\n")
    static let carriageReturn = UInt8(ascii: "\r")
    static let colon = UInt8(ascii: ":")

    /// Space or tab: what separates the fields of one line.
    @inline(__always)
    static func isBlank(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 }

    /// Any ASCII white space (space, tab, LF, VT, FF, CR).
    @inline(__always)
    static func isWhitespace(_ b: UInt8) -> Bool { b == 0x20 || (0x09...0x0D).contains(b) }

    @inline(__always)
    static func isDigit(_ b: UInt8) -> Bool { b &- 0x30 < 10 }

    /// ASCII letter or digit.
    @inline(__always)
    static func isAlphanumeric(_ b: UInt8) -> Bool { isDigit(b) || (b | 0x20) &- 0x61 < 26 }

    /// The bytes of the file at `path` (at most `limit`), inflated when it is gzip-compressed.
    static func readText(_ path: String, limit: Int) throws -> [UInt8] {
        let file = try FileIO.read(path, limit: limit)
        return Gzip.isCompressed(file) ? try Gzip.decompress(file, path: path, limit: limit) : file
    }

    /// Calls `body` with the number (1-based) and byte range of each line of `buffer`, without
    /// its LF and without a CR before the LF. A final line without LF counts; the empty string
    /// after a final LF does not.
    static func forEachLine(_ buffer: UnsafeBufferPointer<UInt8>,
                            _ body: (_ number: Int, _ range: Range<Int>) throws -> Void) rethrows {
        guard let base = buffer.baseAddress else { return }
        var start = 0
        var number = 1
        while start < buffer.count {
            let found = memchr(base + start, Int32(newline), buffer.count - start)
            let next = found.map { UnsafePointer<UInt8>($0.assumingMemoryBound(to: UInt8.self)) - base } ?? buffer.count
            var end = next
            if end > start, buffer[end - 1] == carriageReturn { end -= 1 }
            try body(number, start..<end)
            start = next + 1
            number += 1
        }
    }

    /// `range` without leading and trailing ASCII white space.
    static func trimmed(_ buffer: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Range<Int> {
        var lower = range.lowerBound
        var upper = range.upperBound
        while lower < upper, isWhitespace(buffer[lower]) { lower += 1 }
        while upper > lower, isWhitespace(buffer[upper - 1]) { upper -= 1 }
        return lower..<upper
    }

    /// True when the bytes of `range` are exactly `literal` (ASCII).
    static func equals(_ buffer: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, _ literal: StaticString) -> Bool {
        guard range.count == literal.utf8CodeUnitCount else { return false }
        let l = literal.utf8Start
        for k in 0..<range.count where buffer[range.lowerBound + k] != l[k] { return false }
        return true
    }

    /// The bytes of `range` as a string, or nil when they are not valid UTF-8.
    static func string(_ buffer: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> String? {
        String(validating: UnsafeBufferPointer(rebasing: buffer[range]), as: UTF8.self)
    }

    /// The bytes of `range` as a string, invalid UTF-8 replaced by U+FFFD (for free text).
    static func lenientString(_ buffer: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> String {
        String(decoding: UnsafeBufferPointer(rebasing: buffer[range]), as: UTF8.self)
    }

    /// A short, printable excerpt of `range` for an error message: at most 40 bytes, control
    /// characters escaped as everywhere in error messages (`ErrorText`), invalid UTF-8 shown
    /// as U+FFFD.
    static func excerpt(_ buffer: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> String {
        let shown = range.lowerBound..<min(range.upperBound, range.lowerBound + 40)
        let text = String(decoding: UnsafeBufferPointer(rebasing: buffer[shown]), as: UTF8.self)
        return "«" + ErrorText.escaped(text) + (shown.count < range.count ? "…»" : "»")
    }

    /// A decimal integer without sign (`0` to `Int.max`), or nil.
    static func unsignedInteger(_ buffer: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Int? {
        guard !range.isEmpty else { return nil }
        var value = 0
        for k in range {
            let d = buffer[k] &- 0x30
            guard d < 10 else { return nil }
            let (times, o1) = value.multipliedReportingOverflow(by: 10)
            let (sum, o2) = times.addingReportingOverflow(Int(d))
            guard !o1, !o2 else { return nil }
            value = sum
        }
        return value
    }

    /// A finite decimal number, `[+-]? (digits [. digits?] | . digits) ([eE] [+-]? digits)?`, or
    /// nil. The grammar is checked here because `strtod` would also take "inf", "nan", hex
    /// floats and leading white space.
    static func decimal(_ buffer: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Double? {
        guard !range.isEmpty, range.count <= 400 else { return nil }
        var k = range.lowerBound
        let end = range.upperBound
        if buffer[k] == UInt8(ascii: "+") || buffer[k] == UInt8(ascii: "-") { k += 1 }
        var mantissaDigits = 0
        while k < end, isDigit(buffer[k]) { k += 1; mantissaDigits += 1 }
        if k < end, buffer[k] == UInt8(ascii: ".") {
            k += 1
            while k < end, isDigit(buffer[k]) { k += 1; mantissaDigits += 1 }
        }
        guard mantissaDigits > 0 else { return nil }
        if k < end, buffer[k] | 0x20 == UInt8(ascii: "e") {
            k += 1
            if k < end, buffer[k] == UInt8(ascii: "+") || buffer[k] == UInt8(ascii: "-") { k += 1 }
            let exponentStart = k
            while k < end, isDigit(buffer[k]) { k += 1 }
            guard k > exponentStart else { return nil }
        }
        guard k == end else { return nil }
        // strtod needs a terminated copy; numbers are short, so this stays on the stack.
        let value = withUnsafeTemporaryAllocation(of: CChar.self, capacity: range.count + 1) { text -> Double in
            for (o, i) in range.enumerated() { text[o] = CChar(bitPattern: buffer[i]) }
            text[range.count] = 0
            return strtod(text.baseAddress!, nil)
        }
        return value.isFinite ? value : nil
    }
}
