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
    /// length against the file; that the header is JSON of the expected form, with no key twice
    /// (which other readers would resolve differently); that every tensor is float32 with a
    /// shape matching its byte range; and, as the format requires, that the ranges tile the data
    /// exactly: from its first byte to its last, without gaps, overlaps or bytes after them.
    public static func parse(_ file: [UInt8], path: String) throws -> SafeTensors {
        guard file.count >= 8 else { throw FileError(path, "truncated: \(file.count) bytes, too short for a safetensors header") }
        var n: UInt64 = 0
        for i in 0..<8 { n |= UInt64(file[i]) << (8 * UInt64(i)) }
        guard n <= UInt64(headerLimit) else { throw FileError(path, "not a safetensors file (declares a header of \(n) bytes)") }
        guard Int(n) <= file.count - 8 else {
            throw FileError(path, "truncated: header declares \(n) bytes, file has \(file.count - 8) after the length")
        }
        let headerEnd = 8 + Int(n)
        let json: JSONValue
        do {
            json = try StrictJSON.parse(Array(file[8..<headerEnd]))
        } catch {
            throw FileError(path, "not a safetensors file (header is not valid JSON: \(error.message) at byte \(8 + error.offset))")
        }
        guard case .object(let header) = json else { throw FileError(path, "safetensors header is not a JSON object") }
        let dataSize = file.count - headerEnd
        var result = SafeTensors()
        var ranges: [(name: String, range: Range<Int>)] = []
        for (name, value) in header {
            let tensor = "tensor \(ErrorText.quoted(name))"
            if name == "__metadata__" {
                guard case .object(let entries) = value else { throw FileError(path, "__metadata__ must map strings to strings") }
                result.metadata = try entries.mapValues { entry in
                    guard case .string(let text) = entry else { throw FileError(path, "__metadata__ must map strings to strings") }
                    return text
                }
                continue
            }
            guard case .object(let entry) = value, case .string(let dtype)? = entry["dtype"],
                  case .array(let shapeValues)? = entry["shape"], case .array(let offsetValues)? = entry["data_offsets"] else {
                throw FileError(path, "\(tensor): header entry lacks dtype, shape or data_offsets")
            }
            guard dtype == "F32" else { throw FileError(path, "\(tensor) has dtype \(ErrorText.quoted(dtype)); only F32 is supported") }
            let shape = shapeValues.compactMap { $0.wholeNumber.flatMap { $0 <= 1 << 40 ? $0 : nil } }
            guard shape.count == shapeValues.count else {
                throw FileError(path, "\(tensor) has an invalid shape (dimensions must be whole numbers from 0 to 2^40)")
            }
            let offsets = offsetValues.compactMap(\.wholeNumber)
            guard offsets.count == 2, offsetValues.count == 2 else {
                throw FileError(path, "\(tensor) has invalid data_offsets (two whole numbers, begin and end)")
            }
            var count = 1
            for d in shape {
                let (p, o) = count.multipliedReportingOverflow(by: d)
                guard !o, p <= dataSize else {
                    throw FileError(path, "\(tensor) shape \(ErrorText.list(shape.lazy.map(String.init), limit: 8)) exceeds the file's data")
                }
                count = p
            }
            guard offsets[0] <= offsets[1], offsets[1] <= dataSize else {
                throw FileError(path, "\(tensor) data_offsets \(offsets) lie outside the \(dataSize) bytes of data")
            }
            guard offsets[1] - offsets[0] == count * 4 else {
                throw FileError(path, "\(tensor): shape \(shape) needs \(count * 4) bytes, data_offsets give \(offsets[1] - offsets[0])")
            }
            var values = [Float](repeating: 0, count: count)
            let base = headerEnd + offsets[0]
            for i in 0..<count {
                let o = base + 4 * i
                let bits = UInt32(file[o]) | UInt32(file[o + 1]) << 8 | UInt32(file[o + 2]) << 16 | UInt32(file[o + 3]) << 24
                values[i] = Float(bitPattern: bits)
            }
            result.tensors[name] = Tensor(shape: shape, values: values)
            ranges.append((name, offsets[0]..<offsets[1]))
        }
        // In offset order, each range starts where the one before ends; the last ends with the file.
        var end = 0
        var previous: String?
        for (name, range) in ranges.sorted(by: { ($0.range.lowerBound, $0.range.upperBound) < ($1.range.lowerBound, $1.range.upperBound) }) {
            if range.lowerBound < end {
                throw FileError(path, "the data of tensor \(ErrorText.quoted(name)) (bytes \(range.lowerBound)-\(range.upperBound)) overlaps "
                                + "that of tensor \(ErrorText.quoted(previous ?? "")) (up to byte \(end))")
            }
            if range.lowerBound > end {
                throw FileError(path, "bytes \(end)-\(range.lowerBound) of the data belong to no tensor (a gap before tensor \(ErrorText.quoted(name)))")
            }
            end = range.upperBound
            previous = name
        }
        guard end == dataSize else {
            throw FileError(path, "\(dataSize - end) byte\(dataSize - end == 1 ? "" : "s") after the last tensor's data "
                            + "(the header's data_offsets end at byte \(end) of \(dataSize))")
        }
        return result
    }
}
