import CZlib

/// PNG encoding of grey images (PNG specification, ISO/IEC 15948): the signature, then chunks
/// of a big-endian length, a four-letter type, the data and the CRC-32 of type and data. An
/// 8-bit greyscale image needs three: IHDR (size and format), IDAT (the rows, each led by
/// filter byte 0, compressed as one zlib stream) and IEND.
extension GreyImage {
    /// The image as a PNG file.
    public func png() -> [UInt8] {
        var rows = [UInt8]()
        rows.reserveCapacity(height * (width + 1))
        for y in 0..<height {
            rows.append(0)
            rows += pixels[(y * width)..<((y + 1) * width)]
        }
        var header = PNG.bigEndian(UInt32(width)) + PNG.bigEndian(UInt32(height))
        header += [8, 0, 0, 0, 0]  // bit depth 8, greyscale, deflate, adaptive filtering, no interlace
        return PNG.signature + PNG.chunk("IHDR", header) + PNG.chunk("IDAT", PNG.zlib(rows)) + PNG.chunk("IEND", [])
    }
}

/// The pieces of the PNG format that `GreyImage.png` assembles.
public enum PNG {
    /// The eight bytes every PNG file starts with.
    public static let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

    /// One chunk: length, type, data, CRC-32 of type and data.
    static func chunk(_ type: String, _ data: [UInt8]) -> [UInt8] {
        let typed = Array(type.utf8) + data
        return bigEndian(UInt32(data.count)) + typed + bigEndian(crc32(typed))
    }

    static func bigEndian(_ v: UInt32) -> [UInt8] {
        [UInt8(v >> 24), UInt8(v >> 16 & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v & 0xFF)]
    }

    /// CRC-32 as PNG and zlib define it (polynomial 0xEDB88320, reflected, initial and final
    /// value all ones).
    public static func crc32(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes { crc = table[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8) }
        return crc ^ 0xFFFF_FFFF
    }

    private static let table: [UInt32] = (0..<256).map { n in
        var c = UInt32(n)
        for _ in 0..<8 { c = c & 1 == 1 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
        return c
    }

    /// `bytes` as a zlib stream (the wrapper PNG requires; `Gzip.compress` writes gzip's).
    static func zlib(_ bytes: [UInt8]) -> [UInt8] {
        var length = compressBound(UInt(bytes.count))
        var out = [UInt8](repeating: 0, count: Int(length))
        let status = out.withUnsafeMutableBufferPointer { o in
            bytes.withUnsafeBufferPointer { i in compress2(o.baseAddress, &length, i.baseAddress, UInt(i.count), 9) }
        }
        precondition(status == Z_OK, "zlib compress2 failed (\(status)) with a buffer of compressBound bytes")
        return Array(out.prefix(Int(length)))
    }
}
