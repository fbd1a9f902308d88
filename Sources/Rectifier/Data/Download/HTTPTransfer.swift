import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// One HTTP GET of a file into its partial file, through the system's URLSession, resuming
/// after the bytes already there when the server honours a byte range.
struct HTTPTransfer: Sendable {
    /// Where the file is.
    let url: URL
    /// The partial file the bytes go to.
    let partPath: String
    /// How long the transfer may go without receiving a byte.
    let stallTimeout: TimeInterval
    /// The largest file accepted.
    let sizeLimit: Int64
    /// Told the bytes in the partial file and the file's full size (when known) as bytes arrive.
    let progress: @Sendable (_ done: Int64, _ total: Int64?) -> Void

    /// The stall timeout in whole seconds, at least 1: FoundationNetworking truncates its timeout
    /// to whole seconds (0.5 s would time out at once, 1.5 s after 1 s), so round up instead.
    var effectiveStallTimeout: TimeInterval { max(1, stallTimeout.rounded(.up)) }

    /// How a transfer that did not fail ended.
    enum Outcome: Equatable {
        /// The partial file holds the whole body; `resumedFrom` bytes of it were there before.
        case complete(resumedFrom: Int64)
        /// The server says the partial file already reaches (or passes) the end of the file.
        case rangeNotSatisfiable
    }

    /// Fetches the file, asking for the bytes after the first `offset` of the partial file when
    /// `offset` > 0; a server that answers 200 instead of 206 sends it all, and the partial file
    /// starts over. Blocks the calling thread until the transfer ends.
    func run(resumingAfter offset: Int64) throws -> Outcome {
        // URLSession's request timeout restarts at each piece received, so it is a stall timeout.
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = effectiveStallTimeout
        configuration.urlCache = nil
        configuration.requestCachePolicy = .reloadIgnoringLocalCacheData
        var request = URLRequest(url: url, cachePolicy: .reloadIgnoringLocalCacheData, timeoutInterval: effectiveStallTimeout)
        // The checksums are of the bytes as published: no transfer encoding may change them, and
        // a byte range must count bytes of the file itself.
        request.setValue("identity", forHTTPHeaderField: "Accept-Encoding")
        if offset > 0 { request.setValue("bytes=\(offset)-", forHTTPHeaderField: "Range") }

        let delegate = TransferDelegate(self, offset: offset)
        let queue = OperationQueue()
        queue.maxConcurrentOperationCount = 1
        let session = URLSession(configuration: configuration, delegate: delegate, delegateQueue: queue)
        session.dataTask(with: request).resume()
        delegate.done.wait()
        session.finishTasksAndInvalidate()
        if let failure = delegate.failure { throw failure }
        guard let outcome = delegate.outcome else {
            throw DownloadError(url.absoluteString, .transport, "the transfer ended without an answer")
        }
        return outcome
    }
}

/// The session's delegate for one transfer: checks the response, appends the body to the
/// partial file, and records how the transfer ended.
///
/// Unchecked Sendable: its state is touched only on the session's serial delegate queue, and
/// read by `HTTPTransfer.run` only after `done` is signalled.
private final class TransferDelegate: NSObject, URLSessionDataDelegate, @unchecked Sendable {
    let transfer: HTTPTransfer
    let offset: Int64
    let done = DispatchSemaphore(value: 0)
    var file: PartialFile?
    /// Size of the whole file, when the server said.
    var total: Int64?
    /// Bytes of the partial file kept from before (0 unless the server answered 206).
    var resumedFrom: Int64 = 0
    var failure: DownloadError?
    var outcome: HTTPTransfer.Outcome?

    init(_ transfer: HTTPTransfer, offset: Int64) {
        self.transfer = transfer
        self.offset = offset
    }

    var subject: String { transfer.url.absoluteString }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive response: URLResponse,
                    completionHandler: @escaping (URLSession.ResponseDisposition) -> Void) {
        do {
            completionHandler(try accept(response) ? .allow : .cancel)
        } catch {
            failure = error as? DownloadError ?? DownloadError(subject, .transport, "\(error)")
            completionHandler(.cancel)
        }
    }

    /// Prepares the partial file for the body of `response`; false when there is no body to take.
    func accept(_ response: URLResponse) throws -> Bool {
        guard let http = response as? HTTPURLResponse else {
            throw DownloadError(subject, .protocolViolation, "the answer is not an HTTP response")
        }
        let length = response.expectedContentLength >= 0 ? response.expectedContentLength : nil
        switch http.statusCode {
        case 200:
            total = length
            file = try PartialFile(transfer.partPath, keeping: 0)
        case 206:
            let range = http.value(forHTTPHeaderField: "Content-Range") ?? ""
            guard let (start, size) = Self.parseContentRange(range), start == offset else {
                throw DownloadError(subject, .protocolViolation,
                                    "asked for the bytes from \(offset) on, got a partial answer with Content-Range \"\(range)\"")
            }
            total = size ?? length.map { $0 + offset }
            file = try PartialFile(transfer.partPath, keeping: offset)
            resumedFrom = offset
        case 416 where offset > 0:
            outcome = .rangeNotSatisfiable
            return false
        default:
            let reason = HTTPURLResponse.localizedString(forStatusCode: http.statusCode)
            throw DownloadError(subject, .httpStatus(http.statusCode), "HTTP \(http.statusCode) (\(reason))")
        }
        if let total, total > transfer.sizeLimit {
            throw DownloadError(subject, .tooLarge, "the file is \(total) bytes, over the limit of \(transfer.sizeLimit) bytes")
        }
        transfer.progress(resumedFrom, total)
        return true
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive data: Data) {
        guard let file, failure == nil else { return }
        do {
            try data.withUnsafeBytes { try file.append($0) }
            guard file.length <= transfer.sizeLimit else {
                throw DownloadError(subject, .tooLarge, "more than the limit of \(transfer.sizeLimit) bytes arrived")
            }
            transfer.progress(file.length, total)
        } catch {
            failure = error as? DownloadError ?? DownloadError(file.path, .writeFailed, "\(error)")
            dataTask.cancel()
        }
    }

    func urlSession(_ session: URLSession, task: URLSessionTask, didCompleteWithError error: Error?) {
        defer { done.signal() }
        guard failure == nil, outcome == nil else { return }
        let received = file?.length ?? 0
        if let error = error as? URLError, error.code == .timedOut {
            let after = received > 0 ? " after \(received) bytes; run again to resume" : ""
            failure = DownloadError(subject, .stalled, "no data for \(Int(transfer.effectiveStallTimeout)) s\(after)")
        } else if let total, received < total {
            failure = DownloadError(subject, .truncated, "the connection closed after \(received) of \(total) bytes; run again to resume")
        } else if let error {
            failure = DownloadError(subject, .transport, error.localizedDescription)
        } else if let file {
            do {
                try file.finish()
                outcome = .complete(resumedFrom: resumedFrom)
            } catch {
                failure = error as? DownloadError ?? DownloadError(file.path, .writeFailed, "\(error)")
            }
        } else {
            failure = DownloadError(subject, .protocolViolation, "the server sent no body")
        }
    }

    /// (first byte, full size or nil for `*`) of a `bytes FIRST-LAST/SIZE` Content-Range.
    static func parseContentRange(_ header: String) -> (Int64, Int64?)? {
        guard header.hasPrefix("bytes ") else { return nil }
        let parts = header.dropFirst("bytes ".count).split(separator: "/", maxSplits: 1)
        guard parts.count == 2, let dash = parts[0].firstIndex(of: "-"), let first = Int64(parts[0][..<dash]) else { return nil }
        return (first, parts[1] == "*" ? nil : Int64(parts[1]))
    }
}
