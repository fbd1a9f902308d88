/// One 512-byte tar header block (POSIX ustar, GNU, or pre-POSIX v7), decoded and checked.
///
/// Layout (byte offsets): name 0-99, mode 100, uid 108, gid 116, size 124-135, mtime 136,
/// checksum 148-155, type flag 156, link name 157-256, magic 257-262 ("ustar\0" POSIX,
/// "ustar  \0" GNU), version 263, user/group names, device numbers, prefix 345-499 (POSIX only:
/// the directory part of a name longer than 100 bytes). Numbers are octal text; GNU writes
/// sizes of 8 GiB and more in base 256 (first byte with its high bit set).
struct TarHeader {
    static let blockSize = 512

    /// The name, with the POSIX prefix joined on when there is one.
    var name: String
    var size: Int
    var typeFlag: UInt8

    /// Decodes `block`; nil when it is all zeros (the end-of-archive marker). `path` and
    /// `offset` (of the block in the archive) name it in errors; entries larger than `limit`
    /// bytes are refused.
    static func decode(_ block: [UInt8], path: String, offset: Int, limit: Int) throws -> TarHeader? {
        precondition(block.count == blockSize)
        if block.allSatisfy({ $0 == 0 }) { return nil }
        let at = "tar header at byte \(offset)"
        guard let stored = octal(block[148..<156]) else {
            throw FileError(path, "\(at): checksum field is not an octal number (not a tar archive, or corrupt)")
        }
        // The checksum is the sum of the header's bytes with its own field read as spaces;
        // some old tars summed signed bytes, so either sum is accepted.
        var unsigned = 0, signed = 0
        for (i, byte) in block.enumerated() {
            let b = (148..<156).contains(i) ? 0x20 : byte
            unsigned += Int(b)
            signed += Int(Int8(bitPattern: b))
        }
        guard stored == unsigned || stored == signed else {
            throw FileError(path, "\(at): bad checksum (stored \(stored), computed \(unsigned)): not a tar archive, or corrupt")
        }
        let name = text(block[0..<100])
        guard let size = number(block[124..<136]) else {
            throw FileError(path, "\(at) (\(ErrorText.quoted(name))): size field is not a number")
        }
        guard size <= limit else {
            throw FileError(path, "\(at) (\(ErrorText.quoted(name))): declares an absurd size of \(size) bytes, over the limit of \(limit)")
        }
        let posix = block[257..<263].elementsEqual("ustar\0".utf8)
        let prefix = posix ? text(block[345..<500]) : ""
        return TarHeader(name: prefix.isEmpty ? name : prefix + "/" + name, size: size, typeFlag: block[156])
    }

    /// The text of a NUL-padded field.
    static func text(_ field: ArraySlice<UInt8>) -> String {
        String(decoding: field.prefix { $0 != 0 }, as: UTF8.self)
    }

    /// A numeric field: octal digits (leading spaces, then digits up to a NUL or space), or
    /// GNU's base 256. Nil for anything else, and for values that do not fit an Int.
    static func number(_ field: ArraySlice<UInt8>) -> Int? {
        guard let first = field.first, first & 0x80 != 0 else { return octal(field) }
        // Base 256, big-endian, in the remaining bits; 0xFF marks a negative number.
        guard first == 0x80 else { return nil }
        var value = 0
        for byte in field.dropFirst() {
            guard value <= (Int.max >> 8) else { return nil }
            value = value << 8 | Int(byte)
        }
        return value
    }

    static func octal(_ field: ArraySlice<UInt8>) -> Int? {
        let digits = field.drop { $0 == 0x20 }.prefix { $0 != 0 && $0 != 0x20 }
        guard !digits.isEmpty else { return nil }
        var value = 0
        for d in digits {
            guard (0x30...0x37).contains(d), value <= (Int.max >> 3) else { return nil }
            value = value << 3 | Int(d - 0x30)
        }
        return value
    }
}
