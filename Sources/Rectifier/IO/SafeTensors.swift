import Foundation

/// The safetensors format (Hugging Face): an 8-byte little-endian header length, a JSON header
/// mapping each tensor name to its dtype, shape and byte range, then the raw little-endian data.
/// Readable by PyTorch (`safetensors.torch.load_file`) and numpy (`safetensors.numpy`).
/// Rectifier writes and reads float32 tensors.
public struct SafeTensors: Equatable, Sendable {
    /// A float32 tensor.
    public struct Tensor: Equatable, Sendable {
        public var shape: [Int]
        public var values: [Float]
        public init(shape: [Int], values: [Float]) {
            precondition(shape.reduce(1, *) == values.count, "tensor shape does not match its values")
            self.shape = shape
            self.values = values
        }
    }

    /// Tensors by name.
    public var tensors: [String: Tensor]
    /// Free-form string metadata (`__metadata__`).
    public var metadata: [String: String]

    public init(tensors: [String: Tensor] = [:], metadata: [String: String] = [:]) {
        self.tensors = tensors
        self.metadata = metadata
    }

    /// Largest JSON header accepted (the reference implementation's limit).
    public static let headerLimit = 100_000_000

    /// The file's bytes. Tensors are laid out in name order; the header is padded with spaces
    /// to a multiple of 8 bytes so the data is aligned.
    public func encoded() -> [UInt8] {
        var header = "{"
        var entries: [String] = []
        if !metadata.isEmpty {
            let pairs = metadata.keys.sorted().map { "\(FileIO.quoted($0)):\(FileIO.quoted(metadata[$0]!))" }
            entries.append("\"__metadata__\":{\(pairs.joined(separator: ","))}")
        }
        var offset = 0
        let names = tensors.keys.sorted()
        for name in names {
            let t = tensors[name]!
            let end = offset + t.values.count * 4
            entries.append("\(FileIO.quoted(name)):{\"dtype\":\"F32\",\"shape\":[\(t.shape.map(String.init).joined(separator: ","))],\"data_offsets\":[\(offset),\(end)]}")
            offset = end
        }
        header += entries.joined(separator: ",") + "}"
        var headerBytes = Array(header.utf8)
        while headerBytes.count % 8 != 0 { headerBytes.append(0x20) }
        var out = [UInt8]()
        out.reserveCapacity(8 + headerBytes.count + offset)
        withUnsafeBytes(of: UInt64(headerBytes.count).littleEndian) { out += $0 }
        out += headerBytes
        for name in names {
            tensors[name]!.values.withUnsafeBufferPointer { v in
                for x in v { withUnsafeBytes(of: x.bitPattern.littleEndian) { out += $0 } }
            }
        }
        return out
    }

    /// Writes the file atomically.
    public func write(to path: String) throws {
        try FileIO.writeAtomically(encoded(), to: path)
    }

    /// Reads and validates a safetensors file.
    public static func read(_ path: String, limit: Int = FileIO.defaultSizeLimit) throws -> SafeTensors {
        try parse(try FileIO.read(path, limit: limit), path: path)
    }

    /// Parses the bytes of a safetensors file; `path` names it in errors. Checks the header
    /// length against the file, that the header is JSON of the expected form, that every tensor
    /// is float32 with a shape matching its byte range, and that ranges lie inside the data.
    public static func parse(_ file: [UInt8], path: String) throws -> SafeTensors {
        guard file.count >= 8 else { throw FileError(path, "truncated: \(file.count) bytes, too short for a safetensors header") }
        var n: UInt64 = 0
        for i in 0..<8 { n |= UInt64(file[i]) << (8 * UInt64(i)) }
        guard n <= UInt64(headerLimit) else { throw FileError(path, "not a safetensors file (declares a header of \(n) bytes)") }
        guard Int(n) <= file.count - 8 else {
            throw FileError(path, "truncated: header declares \(n) bytes, file has \(file.count - 8) after the length")
        }
        let headerEnd = 8 + Int(n)
        let json: Any
        do {
            json = try JSONSerialization.jsonObject(with: Data(file[8..<headerEnd]))
        } catch {
            throw FileError(path, "not a safetensors file (header is not valid JSON)")
        }
        guard let header = json as? [String: Any] else { throw FileError(path, "safetensors header is not a JSON object") }
        let dataSize = file.count - headerEnd
        var result = SafeTensors()
        for (name, value) in header {
            if name == "__metadata__" {
                guard let meta = value as? [String: String] else { throw FileError(path, "__metadata__ must map strings to strings") }
                result.metadata = meta
                continue
            }
            guard let entry = value as? [String: Any], let dtype = entry["dtype"] as? String,
                  let shapeAny = entry["shape"] as? [Any], let offsetsAny = entry["data_offsets"] as? [Any],
                  offsetsAny.count == 2 else {
                throw FileError(path, "tensor '\(name)': header entry lacks dtype, shape or data_offsets")
            }
            guard dtype == "F32" else { throw FileError(path, "tensor '\(name)' has dtype \(dtype); only F32 is supported") }
            let shape = try shapeAny.map { v -> Int in
                guard let d = (v as? NSNumber)?.intValue, d >= 0, d <= 1 << 40 else {
                    throw FileError(path, "tensor '\(name)' has an invalid shape \(shapeAny)")
                }
                return d
            }
            let offsets = try offsetsAny.map { v -> Int in
                guard let o = (v as? NSNumber)?.intValue, o >= 0 else {
                    throw FileError(path, "tensor '\(name)' has invalid data_offsets \(offsetsAny)")
                }
                return o
            }
            var count = 1
            for d in shape {
                let (p, o) = count.multipliedReportingOverflow(by: d)
                guard !o, p <= dataSize else { throw FileError(path, "tensor '\(name)' shape \(shape) exceeds the file's data") }
                count = p
            }
            guard offsets[0] <= offsets[1], offsets[1] <= dataSize else {
                throw FileError(path, "tensor '\(name)' data_offsets \(offsets) lie outside the \(dataSize) bytes of data")
            }
            guard offsets[1] - offsets[0] == count * 4 else {
                throw FileError(path, "tensor '\(name)': shape \(shape) needs \(count * 4) bytes, data_offsets give \(offsets[1] - offsets[0])")
            }
            var values = [Float](repeating: 0, count: count)
            let base = headerEnd + offsets[0]
            for i in 0..<count {
                let o = base + 4 * i
                let bits = UInt32(file[o]) | UInt32(file[o + 1]) << 8 | UInt32(file[o + 2]) << 16 | UInt32(file[o + 3]) << 24
                values[i] = Float(bitPattern: bits)
            }
            result.tensors[name] = Tensor(shape: shape, values: values)
        }
        return result
    }
}
