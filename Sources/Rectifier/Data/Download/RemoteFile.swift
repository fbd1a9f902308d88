/// One file of a dataset as its publisher distributes it, with what is known about its bytes.
///
/// A downloaded file is accepted when the strongest published checksum of the bytes matches
/// (SHA-256 when recorded, else MD5), or when the SHA-256 of its decompressed content matches
/// `contentSHA256`: a mirror that recompressed the same data still verifies.
public struct RemoteFile: Sendable, Equatable {
    /// The file's name on disk (a plain name: no `/`, not starting with `.`).
    public var name: String
    /// Where the file is, relative to the dataset's base URL (`train-images-idx3-ubyte.gz`).
    public var path: String
    /// Size in bytes of the published file, when known (shown in progress and in errors).
    public var size: Int64?
    /// Published MD5 of the file's bytes, lowercase hex.
    public var md5: String?
    /// Published SHA-256 of the file's bytes, lowercase hex.
    public var sha256: String?
    /// SHA-256 of the file's decompressed content (for gzip files), lowercase hex.
    public var contentSHA256: String?

    /// A file named `name`, at `path` under the base URL (`name` when nil); checksums in hex,
    /// either case.
    public init(name: String, path: String? = nil, size: Int64? = nil, md5: String? = nil,
                sha256: String? = nil, contentSHA256: String? = nil) {
        self.name = name
        self.path = path ?? name
        self.size = size
        self.md5 = md5?.lowercased()
        self.sha256 = sha256?.lowercased()
        self.contentSHA256 = contentSHA256?.lowercased()
    }

    /// The name of the partial download beside the file: hidden, so that neither a person nor
    /// a reader looking for `name` takes an unfinished download for the file.
    public var partName: String { ".\(name).part" }

    /// Why `name` cannot be written into a directory, or nil when it can.
    var nameProblem: String? {
        if name.isEmpty || name == "." || name == ".." { return "is not a file name" }
        if name.contains("/") { return "contains a /; files are written only inside the target directory" }
        if name.hasPrefix(".") { return "starts with a dot, which is kept for partial downloads" }
        return nil
    }
}
