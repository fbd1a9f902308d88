import CZlib
import Foundation

/// An array from NumPy's `.npy` format (what `numpy.save` writes), or one of the arrays of an
/// `.npz` archive (`numpy.savez`, `savez_compressed`).
///
/// Read: format versions 1, 2 and 3; C order; shapes of any rank; booleans, signed and unsigned
/// integers of 1 to 8 bytes, float16/32/64, little- or big-endian, and fixed-width Unicode
/// strings (`<U`, for class names). Refused with a `FileError`: Fortran order, object arrays
/// (pickled Python objects, which reading would run), structured dtypes, and a header whose
/// shape does not match the bytes that follow.
public struct NumPyArray: Sendable, Equatable {
    /// The dimensions, outermost first.
    public var shape: [Int]
    /// The values, in C order.
    public var values: Values

    /// The values of an array, by kind.
    public enum Values: Sendable, Equatable {
        /// Numbers (integers, booleans and floats alike, as Float32).
        case numbers([Float])
        /// Strings (`<U` arrays).
        case strings([String])
    }

    /// Number of elements.
    public var count: Int { shape.reduce(1, *) }

    /// Reads a `.npy` file, or the array `key` (`x`, or `x.npy` in the archive) of a `.npz`.
    public static func read(_ path: String, key: String? = nil, limits: Limits = Limits()) throws -> NumPyArray {
        try parse(try FileIO.read(path, limit: limits.fileBytes), path: path, key: key, limits: limits)
    }

    /// Parses the bytes of a `.npy` file, or of an `.npz` archive and its array `key`.
    public static func parse(_ bytes: [UInt8], path: String, key: String?, limits: Limits = Limits()) throws -> NumPyArray {
        if bytes.starts(with: [0x50, 0x4B, 0x03, 0x04]) || bytes.starts(with: [0x50, 0x4B, 0x05, 0x06]) {
            guard let key else { throw FileError(path, "is an .npz archive: say which array (--x-key, --y-key)") }
            let archive = try ZipArchive(bytes, path: path)
            let name = archive.names.contains(key + ".npy") ? key + ".npy" : key
            guard archive.names.contains(name) else {
                throw FileError(path, "no array \"\(NumericTable.excerpt(key))\" (arrays: "
                    + archive.names.prefix(20).map { "\"\(NumericTable.excerpt(String($0.hasSuffix(".npy") ? $0.dropLast(4) : $0[...])))\"" }
                        .joined(separator: ", ") + ")")
            }
            return try parse(try archive.extract(name, limit: limits.fileBytes), path: "\(path)(\(name))", limits: limits)
        }
        return try parse(bytes, path: path, limits: limits)
    }

    /// Parses the bytes of a `.npy` file; `path` names it in errors.
    public static func parse(_ bytes: [UInt8], path: String, limits: Limits = Limits()) throws -> NumPyArray {
        guard bytes.count >= 10, bytes.starts(with: [0x93] + Array("NUMPY".utf8)) else {
            throw FileError(path, "not a NumPy .npy file (no \\x93NUMPY magic)")
        }
        let major = bytes[6]
        let (lengthBytes, headerStart): (Int, Int)
        switch major {
        case 1: (lengthBytes, headerStart) = (2, 10)
        case 2, 3: (lengthBytes, headerStart) = (4, 12)
        default: throw FileError(path, ".npy format version \(major).\(bytes[7]): this reads versions 1 to 3")
        }
        guard bytes.count >= headerStart else { throw FileError(path, "truncated .npy header") }
        let headerLength = (0..<lengthBytes).reduce(0) { $0 | Int(bytes[8 + $1]) << (8 * $1) }
        guard headerLength <= 1 << 20, headerStart + headerLength <= bytes.count else {
            throw FileError(path, "the header announces \(headerLength) bytes; the file has \(bytes.count - headerStart) after it")
        }
        let header = String(decoding: bytes[headerStart..<(headerStart + headerLength)], as: major == 3 ? UTF8.self : UTF8.self)
        let (descr, fortran, shape) = try Self.header(header, path: path)
        guard !fortran else {
            throw FileError(path, "is in Fortran order; save it in C order (numpy.ascontiguousarray(x) before numpy.save)")
        }
        let count = try shape.reduce(1) { total, d in
            let (product, overflow) = total.multipliedReportingOverflow(by: d)
            guard !overflow, product <= Int(Int32.max) * 16 else { throw FileError(path, "shape \(shape) is too large") }
            return product
        }
        let dtype = try DType(descr, path: path)
        let dataStart = headerStart + headerLength
        let (dataBytes, overflow) = count.multipliedReportingOverflow(by: dtype.size)
        guard !overflow, dataBytes == bytes.count - dataStart else {
            throw FileError(path, "shape \(shape) of \(descr) needs \(overflow ? "more than \(Int.max)" : String(dataBytes)) bytes of data; "
                + "the file has \(bytes.count - dataStart)")
        }
        try limits.checkMemory(count * (dtype.isString ? 16 + dtype.size : 4), for: "\(path) (\(shape.map(String.init).joined(separator: "x")) \(descr))")
        return NumPyArray(shape: shape, values: try bytes.withUnsafeBufferPointer {
            try dtype.decode(UnsafeBufferPointer(rebasing: $0[dataStart...]), count: count, path: path)
        })
    }

    /// `descr`, `fortran_order` and `shape` of a header: a Python dict literal such as
    /// `{'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }`.
    static func header(_ text: String, path: String) throws -> (String, Bool, [Int]) {
        func value(_ key: String) throws -> Substring {
            guard let k = text.range(of: "'\(key)':") ?? text.range(of: "\"\(key)\":") else {
                throw FileError(path, ".npy header has no '\(key)' (\(NumericTable.excerpt(text)))")
            }
            return text[k.upperBound...].drop { $0 == " " }
        }
        let descrValue = try value("descr")
        guard let quote = descrValue.first, quote == "'" || quote == "\"",
              let close = descrValue.dropFirst().firstIndex(of: quote) else {
            throw FileError(path, "a structured dtype (\(NumericTable.excerpt(String(descrValue.prefix(40))))): save one plain array per file")
        }
        let descr = String(descrValue[descrValue.index(after: descrValue.startIndex)..<close])
        let fortran = try value("fortran_order").hasPrefix("True")
        let shapeValue = try value("shape")
        guard shapeValue.first == "(", let end = shapeValue.firstIndex(of: ")") else {
            throw FileError(path, ".npy header's shape is not a tuple")
        }
        let parts = shapeValue[shapeValue.index(after: shapeValue.startIndex)..<end].split(separator: ",")
            .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        let shape = try parts.map { part -> Int in
            guard let d = Int(part), d >= 0 else { throw FileError(path, ".npy header's shape has '\(NumericTable.excerpt(part))'") }
            return d
        }
        return (descr, fortran, shape)
    }

    /// An element type: byte order, kind and size.
    struct DType {
        enum Kind { case bool, signed, unsigned, float, unicode }
        let kind: Kind
        let size: Int
        let bigEndian: Bool
        var isString: Bool { kind == .unicode }

        init(_ descr: String, path: String) throws {
            var d = Substring(descr)
            bigEndian = d.first == ">"
            if let first = d.first, "<>|=".contains(first) { d = d.dropFirst() }
            if d.first == "O" {
                throw FileError(path, "holds Python objects (dtype '\(descr)'), which cannot be read without running them; "
                    + "save numbers or strings (numpy.asarray(x, dtype=float) or dtype=str)")
            }
            guard let code = d.first, let n = Int(d.dropFirst()), n > 0 else {
                throw FileError(path, "dtype '\(NumericTable.excerpt(descr))' is not one this reads")
            }
            switch (code, n) {
            case ("b", 1): kind = .bool
            case ("i", 1), ("i", 2), ("i", 4), ("i", 8): kind = .signed
            case ("u", 1), ("u", 2), ("u", 4), ("u", 8): kind = .unsigned
            case ("f", 2), ("f", 4), ("f", 8): kind = .float
            case ("U", _) where n <= 1 << 16: kind = .unicode
            default: throw FileError(path, "dtype '\(NumericTable.excerpt(descr))' is not read (booleans, integers, floats and <U strings are)")
            }
            size = kind == .unicode ? 4 * n : n
        }

        func decode(_ data: UnsafeBufferPointer<UInt8>, count: Int, path: String) throws -> Values {
            func word(_ offset: Int, _ bytes: Int) -> UInt64 {
                var v: UInt64 = 0
                for b in 0..<bytes { v |= UInt64(data[offset + (bigEndian ? bytes - 1 - b : b)]) << (8 * UInt64(b)) }
                return v
            }
            if kind == .unicode {
                let characters = size / 4
                return .strings((0..<count).map { i in
                    var scalars = String.UnicodeScalarView()
                    for c in 0..<characters {
                        let code = UInt32(truncatingIfNeeded: word(i * size + 4 * c, 4))
                        if code == 0 { break }
                        scalars.append(Unicode.Scalar(code) ?? "\u{FFFD}")
                    }
                    return String(scalars)
                })
            }
            var out = [Float](repeating: 0, count: count)
            for i in 0..<count {
                let w = word(i * size, size)
                let x: Float
                switch kind {
                case .bool: x = w == 0 ? 0 : 1
                case .unsigned: x = Float(w)
                case .signed: x = Float(Int64(bitPattern: size == 8 ? w : (w ^ (1 << (8 * UInt64(size) - 1))) &- (1 << (8 * UInt64(size) - 1))))
                case .float: x = size == 2 ? Float(Float16(bitPattern: UInt16(w))) : size == 4 ? Float(bitPattern: UInt32(w)) : Float(Double(bitPattern: w))
                case .unicode: x = 0
                }
                guard x.isFinite else {
                    throw FileError(path, "element \(i) is \(x) (not finite)" + (kind == .float && size == 8 ? " or beyond Float32's range" : ""))
                }
                out[i] = x
            }
            return .numbers(out)
        }
    }
}

/// The members of a zip archive (what `.npz` files are): names from the central directory,
/// contents stored or deflated, each checked against its CRC-32.
struct ZipArchive {
    struct Entry {
        var name: String
        var method: Int
        var compressedSize: Int
        var size: Int
        var crc: UInt32
        var localHeader: Int
    }
    let bytes: [UInt8]
    let path: String
    let entries: [Entry]
    var names: [String] { entries.map(\.name) }

    init(_ bytes: [UInt8], path: String) throws {
        self.bytes = bytes
        self.path = path
        func u16(_ o: Int) -> Int { Int(bytes[o]) | Int(bytes[o + 1]) << 8 }
        func u32(_ o: Int) -> Int { u16(o) | u16(o + 2) << 16 }
        // The end-of-central-directory record: the last 22 bytes, or before a comment of up to 64 KB.
        guard bytes.count >= 22, let end = stride(from: bytes.count - 22, through: max(0, bytes.count - 22 - 65_535), by: -1)
            .first(where: { u32($0) == 0x0605_4B50 }) else { throw FileError(path, "not a zip archive (no end of central directory)") }
        let count = u16(end + 10), directorySize = u32(end + 12), directoryStart = u32(end + 16)
        guard count != 0xFFFF, directoryStart != 0xFFFF_FFFF else {
            throw FileError(path, "is a ZIP64 archive (an array over 4 GB): save the arrays as .npy files")
        }
        guard directoryStart + directorySize <= end else { throw FileError(path, "central directory out of the file") }
        var entries: [Entry] = []
        var o = directoryStart
        for _ in 0..<count {
            guard o + 46 <= end, u32(o) == 0x0201_4B50 else { throw FileError(path, "damaged central directory") }
            let nameLength = u16(o + 28), extra = u16(o + 30), comment = u16(o + 32)
            guard o + 46 + nameLength <= end else { throw FileError(path, "damaged central directory") }
            let entry = Entry(name: String(decoding: bytes[(o + 46)..<(o + 46 + nameLength)], as: UTF8.self), method: u16(o + 10),
                              compressedSize: u32(o + 20), size: u32(o + 24), crc: UInt32(u32(o + 16)), localHeader: u32(o + 42))
            entries.append(entry)
            o += 46 + nameLength + extra + comment
        }
        self.entries = entries
    }

    /// The contents of member `name`.
    func extract(_ name: String, limit: Int) throws -> [UInt8] {
        guard let e = entries.first(where: { $0.name == name }) else { throw FileError(path, "no member \(name)") }
        let where_ = "\(path)(\(name))"
        func u16(_ o: Int) -> Int { Int(bytes[o]) | Int(bytes[o + 1]) << 8 }
        guard e.localHeader + 30 <= bytes.count, u16(e.localHeader) | u16(e.localHeader + 2) << 16 == 0x0403_4B50 else {
            throw FileError(where_, "damaged local header")
        }
        let start = e.localHeader + 30 + u16(e.localHeader + 26) + u16(e.localHeader + 28)
        guard e.size <= limit, start + e.compressedSize <= bytes.count else {
            throw FileError(where_, "member of \(e.size) bytes (\(e.compressedSize) stored) does not fit the file or the limit of \(limit)")
        }
        let stored = Array(bytes[start..<(start + e.compressedSize)])
        let content: [UInt8]
        switch e.method {
        case 0: content = stored
        case 8: content = try Self.inflateRaw(stored, size: e.size, path: where_)
        default: throw FileError(where_, "compression method \(e.method) (stored and deflate are read)")
        }
        guard content.count == e.size else { throw FileError(where_, "\(content.count) bytes, the directory says \(e.size)") }
        let crc = content.withUnsafeBufferPointer { UInt32(truncatingIfNeeded: CZlib.crc32(0, $0.baseAddress, uInt($0.count))) }
        guard crc == e.crc else { throw FileError(where_, "CRC-32 mismatch: the archive is damaged") }
        return content
    }

    /// Raw deflate data (no zlib or gzip wrapper) of `size` bytes when inflated.
    static func inflateRaw(_ data: [UInt8], size: Int, path: String) throws -> [UInt8] {
        var out = [UInt8](repeating: 0, count: size)
        var stream = z_stream()
        guard inflateInit2_(&stream, -MAX_WBITS, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw FileError(path, "cannot start inflating")
        }
        defer { inflateEnd(&stream) }
        let status = data.withUnsafeBufferPointer { input in
            out.withUnsafeMutableBufferPointer { output -> Int32 in
                stream.next_in = UnsafeMutablePointer(mutating: input.baseAddress)
                stream.avail_in = uInt(input.count)
                stream.next_out = output.baseAddress
                stream.avail_out = uInt(output.count)
                return inflate(&stream, Z_FINISH)
            }
        }
        guard status == Z_STREAM_END, Int(stream.total_out) == size else {
            throw FileError(path, "corrupt or truncated deflate data")
        }
        return out
    }
}
