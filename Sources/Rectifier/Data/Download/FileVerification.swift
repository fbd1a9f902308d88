import Foundation

/// What made a file good.
public enum Evidence: String, Sendable, Equatable, CustomStringConvertible {
    /// The file's bytes have the published SHA-256.
    case publishedSHA256 = "published SHA-256"
    /// The file's bytes have the published MD5.
    case publishedMD5 = "published MD5"
    /// The file's decompressed content has the recorded SHA-256.
    case contentSHA256 = "SHA-256 of the decompressed content"

    /// The evidence in words (`published MD5`).
    public var description: String { rawValue }
}

/// The state of one file of a manifest in a directory.
public enum FileVerdict: Sendable, Equatable {
    /// Present and good.
    case verified(Evidence)
    /// Neither the file nor a partial download of it is there.
    case missing
    /// Not there, but a partial download of this many bytes is, which a download resumes.
    case partial(Int64)
    /// Present but not the published file; the text says why (the checksums found and expected).
    case rejected(String)
}

/// The verdict on one file of a manifest.
public struct FileReport: Sendable, Equatable {
    /// The file's name.
    public let name: String
    /// Where it is (or would be).
    public let path: String
    /// Its state.
    public let verdict: FileVerdict
}

/// Checks of a file's bytes against what its manifest records.
enum FileVerification {
    /// Whether the file at `path` is `file`. Reading and decompression are bounded by `limit`.
    static func check(_ path: String, against file: RemoteFile, limit: Int) -> FileVerdict {
        let bytes: [UInt8]
        do { bytes = try FileIO.read(path, limit: limit) } catch { return .rejected("\(error)") }
        return check(bytes, path: path, against: file, limit: limit)
    }

    /// Whether `bytes` (read from `path`, which names them in messages) are `file`.
    static func check(_ bytes: [UInt8], path: String, against file: RemoteFile, limit: Int) -> FileVerdict {
        var found: [String] = []
        // The strongest published checksum alone decides for the bytes: MD5 cannot overrule a
        // SHA-256 mismatch, since MD5 collisions can be made.
        if let expected = file.sha256 {
            let actual: String
            do { actual = try Checksum.sha256(bytes) } catch { return .rejected("\(error)") }
            if actual == expected { return .verified(.publishedSHA256) }
            found.append("SHA-256 is \(actual), published \(expected)")
        } else if let expected = file.md5 {
            let actual: String
            do { actual = try Checksum.md5(bytes) } catch { return .rejected("\(error)") }
            if actual == expected { return .verified(.publishedMD5) }
            found.append("MD5 is \(actual), published \(expected)")
        }
        if let expected = file.contentSHA256 {
            if Gzip.isCompressed(bytes) {
                do {
                    let actual = try Checksum.sha256(try Gzip.decompress(bytes, path: path, limit: limit))
                    if actual == expected { return .verified(.contentSHA256) }
                    found.append("decompressed content SHA-256 is \(actual), recorded \(expected)")
                } catch {
                    found.append("content cannot be decompressed (\(error))")
                }
            } else {
                found.append("not gzip-compressed, so its content checksum cannot be checked")
            }
        }
        if found.isEmpty { return .rejected("the manifest records no checksum for \(file.name)") }
        if let size = file.size, size != Int64(bytes.count) {
            found.append("\(bytes.count) bytes, published \(size)")
        }
        return .rejected(found.joined(separator: "; "))
    }

    /// The state of every file of `manifest` in `directory`.
    static func verify(directory: String, manifest: DownloadManifest, limit: Int) -> [FileReport] {
        manifest.files.map { file in
            let path = directory + "/" + file.name
            if FileManager.default.fileExists(atPath: path) {
                return FileReport(name: file.name, path: path, verdict: check(path, against: file, limit: limit))
            }
            let part = PartialFile.size(of: directory + "/" + file.partName)
            return FileReport(name: file.name, path: path, verdict: part.map(FileVerdict.partial) ?? .missing)
        }
    }
}
