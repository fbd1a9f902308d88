import Foundation

/// How far the download of one file is.
public struct DownloadProgress: Sendable, Equatable {
    /// The file's name.
    public let file: String
    /// Bytes on disk so far, including those kept from an earlier partial download.
    public let bytesDone: Int64
    /// The file's full size, when the server or the manifest says.
    public let totalBytes: Int64?
}

/// What a download did for one file.
public struct DownloadOutcome: Sendable, Equatable {
    /// The file's name.
    public let name: String
    /// Where it is now.
    public let path: String
    /// What showed it is the published file.
    public let evidence: Evidence
    /// False when a verified copy was already there and nothing was fetched.
    public let downloaded: Bool
    /// Bytes kept from an earlier partial download (0 when the file was fetched from its first byte).
    public let resumedFrom: Int64
}

/// Fetches the files of a manifest over HTTP(S) and keeps only those that verify.
///
/// Each file is written to `.NAME.part` beside its final name, verified, then renamed, so an
/// interrupted download never leaves a file that looks complete. What happens to a file that
/// does not arrive whole:
/// - connection closed early, stall, disk full: the `.part` stays; the next run resumes it
///   with a Range request (or starts over if the server ignores ranges);
/// - all bytes arrived but the checksum is wrong: the `.part` is removed, so no later run
///   builds on it; when it had been resumed, the file is fetched once more from its first byte
///   before giving up, since the kept bytes may have come from another version of the file.
/// A file already present that does not verify is replaced only once its new copy verifies.
public struct Downloader: Sendable {
    /// How long a transfer may go without receiving a byte before it is abandoned, in seconds;
    /// rounded up to whole seconds, at least 1 (FoundationNetworking counts whole seconds).
    public var stallTimeout: TimeInterval
    /// The largest file accepted, in bytes (also bounds decompression while verifying).
    public var sizeLimit: Int

    /// A downloader giving up after `stallTimeout` seconds without data, refusing files over
    /// `sizeLimit` bytes.
    public init(stallTimeout: TimeInterval = 30, sizeLimit: Int = FileIO.defaultSizeLimit) {
        self.stallTimeout = stallTimeout
        self.sizeLimit = sizeLimit
    }

    /// Makes every file of `manifest` present and verified in `directory` (created if needed),
    /// fetching from `mirror` instead of the manifest's base URL when given. Stops at the first
    /// file that fails; files already done stay done, so running again continues. Blocks the
    /// calling thread; `progress` is called from another thread, at each piece received.
    public func download(_ manifest: DownloadManifest, into directory: String, mirror: URL? = nil,
                         progress: @escaping @Sendable (DownloadProgress) -> Void = { _ in }) throws -> [DownloadOutcome] {
        try manifest.files.map { file in
            try download(file, from: manifest.url(of: file, mirror: mirror), into: directory, progress: progress)
        }
    }

    /// Makes `file` present and verified in `directory`, fetching it from `url` unless a
    /// verified copy is already there. The directory is owned meanwhile (`DirectoryLock`): a
    /// second download into it is refused with `DirectoryInUse` rather than appending to the
    /// same partial file.
    public func download(_ file: RemoteFile, from url: URL, into directory: String,
                         progress: @escaping @Sendable (DownloadProgress) -> Void = { _ in }) throws -> DownloadOutcome {
        if let problem = file.nameProblem { throw UsageError("manifest file name \"\(file.name)\" \(problem)") }
        let path = directory + "/" + file.name
        let partPath = directory + "/" + file.partName
        if FileManager.default.fileExists(atPath: path),
           case .verified(let evidence) = FileVerification.check(path, against: file, limit: sizeLimit) {
            return DownloadOutcome(name: file.name, path: path, evidence: evidence, downloaded: false, resumedFrom: 0)
        }
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw DownloadError(directory, .writeFailed, "cannot create the directory: \(FileIO.reason(error))")
        }
        return try DirectoryLock.holding(directory) {
            try fetch(file, from: url, to: path, partPath: partPath, progress: progress)
        }
    }

    /// The transfer half of `download`, holding the directory's lock.
    private func fetch(_ file: RemoteFile, from url: URL, to path: String, partPath: String,
                       progress: @escaping @Sendable (DownloadProgress) -> Void) throws -> DownloadOutcome {
        let transfer = HTTPTransfer(url: url, partPath: partPath, stallTimeout: stallTimeout, sizeLimit: Int64(sizeLimit)) {
            progress(DownloadProgress(file: file.name, bytesDone: $0, totalBytes: $1 ?? file.size))
        }
        var problem = ""
        for resume in [true, false] {
            let offset = resume ? PartialFile.size(of: partPath) ?? 0 : 0
            let resumedFrom: Int64
            switch try transfer.run(resumingAfter: offset) {
            case .complete(let kept): resumedFrom = kept
            // The partial file reaches the end already (a run stopped between transfer and rename).
            case .rangeNotSatisfiable: resumedFrom = offset
            }
            let verdict = FileVerification.check(partPath, against: file, limit: sizeLimit)
            if case .verified(let evidence) = verdict {
                try PartialFile.promote(partPath, to: path)
                return DownloadOutcome(name: file.name, path: path, evidence: evidence, downloaded: true, resumedFrom: resumedFrom)
            }
            try? FileManager.default.removeItem(atPath: partPath)
            if case .rejected(let reason) = verdict { problem = reason }
            if resumedFrom == 0 { break }
        }
        throw DownloadError(url.absoluteString, .checksumMismatch,
                            "the downloaded file is not the published one (\(problem)); removed \(partPath)")
    }

    /// The state of every file of `manifest` in `directory`: verified, missing, partly
    /// downloaded, or present but rejected (with the checksums found and expected).
    public func verify(directory: String, manifest: DownloadManifest) -> [FileReport] {
        FileVerification.verify(directory: directory, manifest: manifest, limit: sizeLimit)
    }
}
