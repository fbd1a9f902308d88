/// Writes POSIX ustar archives of regular files: the inverse of `TarReader`, for test data
/// and fuzzing seeds.
public enum TarWriter {
    /// The bytes of an archive holding `files` in order. A name longer than 100 bytes is split
    /// into the ustar prefix and name fields at a `/` when it can be, and is otherwise written
    /// in a GNU 'L' entry before the member.
    public static func archive(_ files: [(name: String, contents: [UInt8])]) -> [UInt8] {
        var out: [UInt8] = []
        for file in files {
            precondition(file.contents.count < 1 << 33, "ustar sizes are 11 octal digits")
            let name = Array(file.name.utf8)
            var header = [UInt8](repeating: 0, count: TarHeader.blockSize)
            if name.count <= 100 {
                header.replaceSubrange(0..<name.count, with: name)
            } else if let cut = prefixSplit(name) {
                header.replaceSubrange(0..<(name.count - cut - 1), with: name[(cut + 1)...])
                header.replaceSubrange(345..<(345 + cut), with: name[..<cut])
            } else {
                out += block(name: Array("././@LongLink".utf8), size: name.count + 1, typeFlag: "L")
                out += padded(name + [0])
                header.replaceSubrange(0..<100, with: name.prefix(100))
            }
            out += fill(header, size: file.contents.count, typeFlag: "0")
            out += padded(file.contents)
        }
        return out + [UInt8](repeating: 0, count: 2 * TarHeader.blockSize)
    }

    /// Where to cut `name` into a prefix of at most 155 bytes and a name of at most 100.
    static func prefixSplit(_ name: [UInt8]) -> Int? {
        name.indices.last { name[$0] == UInt8(ascii: "/") && $0 <= 155 && name.count - $0 - 1 <= 100 && $0 > 0 }
    }

    static func block(name: [UInt8], size: Int, typeFlag: Character) -> [UInt8] {
        var header = [UInt8](repeating: 0, count: TarHeader.blockSize)
        header.replaceSubrange(0..<name.count, with: name)
        return fill(header, size: size, typeFlag: typeFlag)
    }

    /// Completes a header whose name fields are set: mode, owner, size, type, magic, checksum.
    static func fill(_ header: [UInt8], size: Int, typeFlag: Character) -> [UInt8] {
        var h = header
        func put(_ text: String, at offset: Int) { h.replaceSubrange(offset..<(offset + text.utf8.count), with: text.utf8) }
        put("0000644", at: 100)
        put("0000000", at: 108)
        put("0000000", at: 116)
        put(octal(size, digits: 11), at: 124)
        put("00000000000", at: 136)
        h[156] = typeFlag.asciiValue!
        put("ustar\u{0}00", at: 257)
        put("        ", at: 148)
        put(octal(h.reduce(0) { $0 + Int($1) }, digits: 6), at: 148)
        h[154] = 0
        return h
    }

    static func octal(_ value: Int, digits: Int) -> String {
        let text = String(value, radix: 8)
        return String(repeating: "0", count: max(0, digits - text.count)) + text
    }

    /// `bytes` followed by zeros up to a whole number of blocks.
    static func padded(_ bytes: [UInt8]) -> [UInt8] {
        bytes + [UInt8](repeating: 0, count: (TarHeader.blockSize - bytes.count % TarHeader.blockSize) % TarHeader.blockSize)
    }
}
