import Foundation

/// The files of one dataset and where they are published.
///
/// Each file's URL is the base URL joined with the file's relative path; a mirror replaces the
/// base and keeps the paths, so a mirror must lay the files out as the canonical site does.
public struct DownloadManifest: Sendable, Equatable {
    /// The dataset's name (`mnist`).
    public var dataset: String
    /// The canonical base URL, ending at the folder that holds the files.
    public var baseURL: URL
    /// The files, in the order they are fetched.
    public var files: [RemoteFile]

    /// The manifest of `dataset`: `files`, published under `baseURL`.
    public init(dataset: String, baseURL: URL, files: [RemoteFile]) {
        self.dataset = dataset
        self.baseURL = baseURL
        self.files = files
    }

    /// The URL of `file` under `mirror`, or under the canonical base when `mirror` is nil.
    public func url(of file: RemoteFile, mirror: URL? = nil) -> URL {
        // Joined as text: URL(string:relativeTo:) would drop the base's last component when the
        // base lacks a trailing slash, which a mirror typed by hand often does.
        var base = (mirror ?? baseURL).absoluteString
        while base.hasSuffix("/") { base.removeLast() }
        var path = Substring(file.path)
        while path.hasPrefix("/") { path.removeFirst() }
        return URL(string: base + "/" + path) ?? (mirror ?? baseURL).appendingPathComponent(String(path))
    }
}
