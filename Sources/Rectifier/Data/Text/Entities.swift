/// Decoding of the character references found in the reviews' pseudo-XML: the five predefined
/// entities `&amp; &lt; &gt; &quot; &apos;` and numeric references `&#NN;` / `&#xHH;`.
///
/// The files are not well-formed XML: a stray `&` (`Q&A`, `&nbsp`, an unknown name, a reference
/// to code point 0, a surrogate or beyond U+10FFFF) is kept as written instead of refused.
enum Entities {
    /// `bytes` with every recognised reference replaced by the UTF-8 of its character.
    static func decode(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(range.count)
        var i = range.lowerBound
        let end = range.upperBound
        while i < end {
            let b = bytes[i]
            guard b == UInt8(ascii: "&"), let (scalar, length) = reference(bytes, at: i, end: end) else {
                out.append(b)
                i += 1
                continue
            }
            UTF8.encode(scalar) { out.append($0) }
            i += length
        }
        return out
    }

    /// The character of the reference starting with the `&` at `start`, and the reference's
    /// length through its `;`, or nil when it is not a reference this decoder knows.
    static func reference(_ bytes: UnsafeBufferPointer<UInt8>, at start: Int, end: Int) -> (Unicode.Scalar, Int)? {
        // The longest reference accepted is `&#x10FFFF;` (10 bytes) or `&#1114111;`; search a
        // little further for the `;` so that leading zeros still work.
        let limit = min(end, start + 16)
        var semicolon = start + 1
        while semicolon < limit, bytes[semicolon] != UInt8(ascii: ";") { semicolon += 1 }
        guard semicolon < limit else { return nil }
        let name = (start + 1)..<semicolon
        let length = semicolon + 1 - start
        guard !name.isEmpty else { return nil }
        if bytes[name.lowerBound] == UInt8(ascii: "#") {
            return numeric(bytes, (name.lowerBound + 1)..<name.upperBound).map { ($0, length) }
        }
        let named: [(StaticString, Unicode.Scalar)] = [("amp", "&"), ("lt", "<"), ("gt", ">"), ("quot", "\""), ("apos", "'")]
        for (entity, scalar) in named where ByteScanning.equals(bytes, name, entity) { return (scalar, length) }
        return nil
    }

    /// The code point of `NN` (decimal) or `xHH` (hexadecimal), if it is a character XML allows.
    static func numeric(_ bytes: UnsafeBufferPointer<UInt8>, _ digits: Range<Int>) -> Unicode.Scalar? {
        guard !digits.isEmpty else { return nil }
        var k = digits.lowerBound
        var radix: UInt32 = 10
        if bytes[k] | 0x20 == UInt8(ascii: "x") {
            radix = 16
            k += 1
        }
        guard k < digits.upperBound else { return nil }
        var value: UInt32 = 0
        for p in k..<digits.upperBound {
            let b = bytes[p]
            let d: UInt32
            if ByteScanning.isDigit(b) {
                d = UInt32(b - 0x30)
            } else if radix == 16, (b | 0x20) &- 0x61 < 6 {
                d = UInt32((b | 0x20) - 0x61 + 10)
            } else {
                return nil
            }
            value = value * radix + d
            guard value <= 0x10FFFF else { return nil }
        }
        guard value != 0 else { return nil }
        return Unicode.Scalar(value)
    }
}
