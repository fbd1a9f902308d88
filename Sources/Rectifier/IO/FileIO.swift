import Foundation

/// Reading whole files with a size bound, and writing them atomically.
public enum FileIO {
    /// Default bound on any file a reader loads (and on what a gzip stream may inflate to):
    /// 4 GiB. Readers take a `limit` to change it (the command-line tool passes
    /// `RECTIFIER_MAX_FILE_BYTES`).
    public static let defaultSizeLimit = 4 << 30

    /// The bytes of `path`, refusing files larger than `limit` before reading them.
    public static func read(_ path: String, limit: Int = defaultSizeLimit) throws -> [UInt8] {
        var info = stat()
        guard stat(path, &info) == 0 else {
            throw FileError(path, errno == ENOENT ? "no such file" : "cannot be read: \(String(cString: strerror(errno)))")
        }
        guard (info.st_mode & S_IFMT) != S_IFDIR else { throw FileError(path, "is a directory, expected a file") }
        let size = Int(info.st_size)
        guard size <= limit else { throw FileError(path, "file of \(size) bytes exceeds the limit of \(limit) bytes") }
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw FileError(path, "cannot be opened: \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        // Read straight into the array: no intermediate copy of large data files.
        var failure: String?
        let bytes = [UInt8](unsafeUninitializedCapacity: size) { buffer, count in
            count = 0
            while count < size {
                let n = Foundation.read(fd, buffer.baseAddress! + count, size - count)
                if n > 0 { count += n } else if n == 0 { break } else if errno != EINTR {
                    failure = String(cString: strerror(errno))
                    break
                }
            }
        }
        if let failure { throw FileError(path, "read failed: \(failure)") }
        guard bytes.count == size else { throw FileError(path, "changed while being read (expected \(size) bytes, got \(bytes.count))") }
        return bytes
    }

    /// Writes `bytes` to `path` so that readers see either the old file or the complete new one:
    /// write a temporary file in the same directory, flush it to disk, rename it over `path`.
    public static func writeAtomically(_ bytes: some Sequence<UInt8>, to path: String) throws {
        let dir = URL(fileURLWithPath: path).deletingLastPathComponent().path
        let tmp = temporaryPath(for: path)
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
            throw FileError(path, "write failed: \(reason(error))")
        }
        guard rename(tmp, path) == 0 else {
            let reason = String(cString: strerror(errno))
            try? FileManager.default.removeItem(atPath: tmp)
            throw FileError(path, "rename failed: \(reason)")
        }
        // Make the rename itself durable.
        let directory = open(dir.isEmpty ? "." : dir, O_RDONLY)
        if directory >= 0 {
            fsync(directory)
            close(directory)
        }
    }

    /// The temporary file `writeAtomically` fills before renaming it to `path`: hidden, beside
    /// it, named for the file and the writing process (`.NAME.tmp-PID`).
    static func temporaryPath(for path: String) -> String {
        let url = URL(fileURLWithPath: path)
        return url.deletingLastPathComponent().path + "/.\(url.lastPathComponent).tmp-\(getpid())"
    }

    /// Removes the temporary files that `writeAtomically` left in `directory` when its process
    /// was killed before the rename: every one, or those of the files named `names`. Only for
    /// files no other process is writing (those of a directory whose `DirectoryLock` the caller
    /// holds, or files only the caller writes): another writer's temporary may be half-written.
    public static func removeTemporaries(in directory: String, of names: Set<String>? = nil) throws {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return }
        for entry in entries where entry.hasPrefix(".") {
            guard let marker = entry.range(of: ".tmp-", options: .backwards) else { continue }
            let pid = entry[marker.upperBound...]
            guard !pid.isEmpty, pid.allSatisfy({ $0.isASCII && $0.isNumber }) else { continue }
            let name = String(entry[entry.index(after: entry.startIndex)..<marker.lowerBound])
            if let names, !names.contains(name) { continue }
            try remove(directory + "/" + entry)
        }
    }

    /// Creates the directory `path` and its missing parents (nothing when it exists); a
    /// `FileError` naming it, what it is for (`what`) and the system's reason otherwise.
    public static func createDirectory(_ path: String, what: String = "directory") throws {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else { throw FileError(path, "exists and is not a directory (the \(what))") }
            return
        }
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        } catch {
            throw FileError(path, "cannot create the \(what): \(reason(error))")
        }
    }

    /// Removes the file or directory tree `path`; a `FileError` naming it and the reason otherwise.
    public static func remove(_ path: String) throws {
        do {
            try FileManager.default.removeItem(atPath: path)
        } catch {
            throw FileError(path, "cannot be removed: \(reason(error))")
        }
    }

    /// The system's reason for a failed FileManager call, as one line (`Permission denied`,
    /// `Not a directory`) rather than the NSError's dump of its user info.
    static func reason(_ error: any Error) -> String {
        let error = error as NSError
        let underlying = (error.userInfo[NSUnderlyingErrorKey] as? any Error).map { $0 as NSError }
        for candidate in [error, underlying].compactMap({ $0 }) where candidate.domain == NSPOSIXErrorDomain {
            return String(cString: strerror(Int32(candidate.code)))
        }
        return ErrorText.escaped(error.localizedDescription)
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
        d.keyDecodingStrategy = .custom { path in JSONKey(camelCase(path.last!.stringValue)) }
        d.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return d
    }

    /// A one-line JSON encoding of `value` (for JSON Lines files).
    public static func jsonLine<T: Encodable>(_ value: T) throws -> String {
        String(decoding: try jsonEncoder().encode(value), as: UTF8.self)
    }
}

extension FileIO {
    /// `s` as a double-quoted string that both JSON and TOML read back unchanged: quote,
    /// backslash and every control character (DEL included, which TOML requires) escaped.
    static func quoted(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20 || scalar.value == 0x7F: out += String(format: "\\u%04x", scalar.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }

    /// Words our property names write in capitals (`testRMSE`, `trainNLL`, `jobID`, ...).
    static let acronyms: Set<String> = ["rmse", "nll", "sd", "id", "url", "gflops"]

    /// `test_rmse` → `testRMSE`: Foundation's `convertFromSnakeCase` (which would give
    /// `testRmse`, a key no property has, so such fields were lost on reading), with the
    /// acronyms of `acronyms` in capitals.
    static func camelCase(_ key: String) -> String {
        guard key.contains("_") else { return key }
        let leading = key.prefix { $0 == "_" }
        let rest = key.dropFirst(leading.count)
        let trailing = String(rest.reversed().prefix { $0 == "_" })
        let core = rest.dropLast(trailing.count)
        let parts = core.split(separator: "_", omittingEmptySubsequences: true)
        guard let first = parts.first else { return key }
        let words = parts.dropFirst().map { acronyms.contains($0.lowercased()) ? $0.uppercased() : $0.capitalized }
        return String(leading) + String(first) + words.joined() + trailing
    }

    struct JSONKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(_ string: String) { stringValue = string }
        init?(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }
}
