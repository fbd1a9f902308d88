import Foundation

/// Reading whole files with a size bound, and writing them atomically.
public enum FileIO {
    /// Default bound on any file a reader loads: 4 GiB.
    public static let defaultSizeLimit = 4 << 30

    /// The bytes of `path`, refusing files larger than `limit` before reading them.
    public static func read(_ path: String, limit: Int = defaultSizeLimit) throws -> [UInt8] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw FileError(path, "no such file")
        }
        guard !isDirectory.boolValue else { throw FileError(path, "is a directory, expected a file") }
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
        guard size <= limit else {
            throw FileError(path, "file of \(size) bytes exceeds the limit of \(limit) bytes")
        }
        guard let handle = FileHandle(forReadingAtPath: path) else { throw FileError(path, "cannot be opened for reading") }
        defer { try? handle.close() }
        let data: Data
        do { data = try handle.readToEnd() ?? Data() } catch { throw FileError(path, "read failed: \(error.localizedDescription)") }
        guard data.count <= limit else {
            throw FileError(path, "file of \(data.count)+ bytes exceeds the limit of \(limit) bytes")
        }
        return [UInt8](data)
    }

    /// Writes `bytes` to `path` so that readers see either the old file or the complete new one:
    /// write a temporary file in the same directory, flush it to disk, rename it over `path`.
    public static func writeAtomically(_ bytes: some Sequence<UInt8>, to path: String) throws {
        let url = URL(fileURLWithPath: path)
        let dir = url.deletingLastPathComponent().path
        let tmp = dir + "/.\(url.lastPathComponent).tmp-\(ProcessInfo.processInfo.processIdentifier)"
        let data = Data(bytes)
        guard FileManager.default.createFile(atPath: tmp, contents: nil) else {
            throw FileError(path, "cannot create a temporary file in \(dir)")
        }
        do {
            let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: tmp))
            defer { try? handle.close() }
            try handle.write(contentsOf: data)
            try handle.synchronize()
        } catch {
            try? FileManager.default.removeItem(atPath: tmp)
            throw FileError(path, "write failed: \(error.localizedDescription)")
        }
        guard rename(tmp, path) == 0 else {
            let reason = String(cString: strerror(errno))
            try? FileManager.default.removeItem(atPath: tmp)
            throw FileError(path, "rename failed: \(reason)")
        }
    }

    /// Encodes `value` as pretty, key-sorted JSON and writes it atomically.
    public static func writeJSON<T: Encodable>(_ value: T, to path: String) throws {
        try writeAtomically(Array(try jsonEncoder(pretty: true).encode(value)) + [0x0A], to: path)
    }

    /// The encoder of every JSON file Rectifier writes: snake_case keys, sorted; non-finite
    /// numbers as the strings "inf", "-inf", "nan".
    public static func jsonEncoder(pretty: Bool = false) -> JSONEncoder {
        let e = JSONEncoder()
        e.outputFormatting = pretty ? [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes] : [.sortedKeys, .withoutEscapingSlashes]
        e.keyEncodingStrategy = .convertToSnakeCase
        e.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return e
    }

    /// The decoder matching `jsonEncoder`.
    public static func jsonDecoder() -> JSONDecoder {
        let d = JSONDecoder()
        d.keyDecodingStrategy = .convertFromSnakeCase
        d.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return d
    }

    /// A one-line JSON encoding of `value` (for JSON Lines files).
    public static func jsonLine<T: Encodable>(_ value: T) throws -> String {
        String(decoding: try jsonEncoder().encode(value), as: UTF8.self)
    }

    /// Reads a JSON file written by `writeJSON`.
    public static func readJSON<T: Decodable>(_ type: T.Type, from path: String, limit: Int = 64 << 20) throws -> T {
        let bytes = try read(path, limit: limit)
        do {
            return try jsonDecoder().decode(T.self, from: Data(bytes))
        } catch {
            throw FileError(path, "not a valid \(T.self) JSON file (\(error))")
        }
    }
}
