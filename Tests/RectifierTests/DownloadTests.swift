import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Rectifier
import Testing

/// The verified downloader against a real HTTP server on 127.0.0.1
/// (scripts/http-test-server.py): success and no second fetch, every kind of failed transfer,
/// resuming a partial file with a Range request, and a recompressed gzip file accepted through
/// the checksum of its content.
@Suite struct DownloadTests {
    static let serverMissing = TestHTTPServer.python == nil
    static let reason: Comment = "needs python3 on PATH for scripts/http-test-server.py"

    let dir = TestSupport.temporaryDirectory() + "/data"
    let downloader = Downloader(stallTimeout: 1)

    /// `count` seeded bytes that do not compress (as gzip files do not).
    static func noise(_ count: Int, seed: UInt64) -> [UInt8] {
        var rng = RandomSource(seed: seed)
        return (0..<count).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
    }

    static let payload = noise(4096, seed: 1)
    static let file = RemoteFile(name: "payload.bin", size: 4096, sha256: try! Checksum.sha256(payload))

    func contents(_ name: String) -> [UInt8]? {
        FileManager.default.contents(atPath: dir + "/" + name).map { [UInt8]($0) }
    }

    func partSize(_ file: RemoteFile = Self.file) -> Int? {
        contents(file.partName)?.count
    }

    /// The error `body` throws, which must be a DownloadError.
    func downloadError(_ body: () throws -> Void) -> DownloadError? {
        do {
            try body()
            Issue.record("the download succeeded")
        } catch let error as DownloadError {
            return error
        } catch {
            Issue.record("unexpected error \(error)")
        }
        return nil
    }

    @Test func checksumsOfKnownInputs() throws {
        // FIPS 180-2 and RFC 1321 test vectors: one block, two blocks, empty, a million bytes.
        #expect(try Checksum.sha256(Array("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(try Checksum.sha256(Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8))
                == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        #expect(try Checksum.sha256([UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000))
                == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
        #expect(try Checksum.md5(Array("abc".utf8)) == "900150983cd24fb0d6963f7d28e17f72")
        #expect(try Checksum.md5([]) == "d41d8cd98f00b204e9800998ecf8427e")
        #expect(try Checksum.md5(Array("12345678901234567890123456789012345678901234567890123456789012345678901234567890".utf8))
                == "57edf4a22be3c955ac49da2e2107b67a")
    }

    @Test func mirrorReplacesTheBase() {
        let file = DownloadManifest.mnist.files[3]
        #expect(DownloadManifest.mnist.url(of: file).absoluteString
                == "https://ossci-datasets.s3.amazonaws.com/mnist/t10k-labels-idx1-ubyte.gz")
        #expect(DownloadManifest.mnist.url(of: file, mirror: URL(string: "http://example.org/data")).absoluteString
                == "http://example.org/data/t10k-labels-idx1-ubyte.gz")
    }

    @Test(.enabled(if: !serverMissing, reason))
    func downloadsOnceThenKeepsTheVerifiedFile() throws {
        let md5Only = RemoteFile(name: "other.bin", md5: try Checksum.md5(Self.noise(3000, seed: 2)))
        try TestHTTPServer.with { server in
            server.serve("payload.bin", Self.payload)
            server.serve("other.bin", Self.noise(3000, seed: 2))
            let manifest = DownloadManifest(dataset: "test", baseURL: server.base, files: [Self.file, md5Only])
            let seen = Progress()
            let first = try downloader.download(manifest, into: dir) { seen.record($0) }
            #expect(first.map(\.downloaded) == [true, true])
            #expect(first.map(\.evidence) == [.publishedSHA256, .publishedMD5])
            #expect(first.map(\.resumedFrom) == [0, 0])
            #expect(contents("payload.bin") == Self.payload)
            #expect(contents("other.bin") == Self.noise(3000, seed: 2))
            #expect(partSize() == nil && partSize(md5Only) == nil)
            let last = try #require(seen.last["payload.bin"])
            #expect(last.bytesDone == 4096 && last.totalBytes == 4096)
            #expect(server.requests.count == 2)
            // The published checksums are of the bytes as sent: no transfer encoding may apply.
            #expect(server.requests.allSatisfy { $0.contains("encoding=identity") }, "\(server.requests)")

            let second = try downloader.download(manifest, into: dir)
            #expect(second.map(\.downloaded) == [false, false])
            #expect(server.requests.count == 2)
            #expect(downloader.verify(directory: dir, manifest: manifest).map(\.verdict)
                    == [.verified(.publishedSHA256), .verified(.publishedMD5)])
        }
    }

    @Test(.enabled(if: !serverMissing, reason))
    func wrongChecksumIsRefusedAndRemoved() throws {
        try TestHTTPServer.with { server in
            server.serve("payload.bin", Self.noise(4096, seed: 9))
            let url = server.url("payload.bin")
            let error = try #require(downloadError { _ = try downloader.download(Self.file, from: url, into: dir) })
            #expect(error.kind == .checksumMismatch)
            #expect(error.description.hasPrefix(url.absoluteString + ": "))
            #expect(error.problem.contains("SHA-256 is ") && error.problem.contains(Self.file.sha256!))
            #expect(contents("payload.bin") == nil && partSize() == nil)
        }
    }

    @Test(.enabled(if: !serverMissing, reason))
    func httpErrorStatusesNameTheURL() throws {
        try TestHTTPServer.with { server in
            let missing = server.url("payload.bin")
            let notFound = try #require(downloadError { _ = try downloader.download(Self.file, from: missing, into: dir) })
            #expect(notFound.kind == .httpStatus(404))
            #expect(notFound.description.hasPrefix(missing.absoluteString + ": HTTP 404"), "\(notFound)")
            server.serve("payload.bin", Self.payload)
            let busy = server.url("status/503/payload.bin")
            let unavailable = try #require(downloadError { _ = try downloader.download(Self.file, from: busy, into: dir) })
            #expect(unavailable.kind == .httpStatus(503))
            #expect(contents("payload.bin") == nil && partSize() == nil)
        }
    }

    @Test(.enabled(if: !serverMissing, reason))
    func truncatedBodyKeepsThePartThenResumes() throws {
        try TestHTTPServer.with { server in
            server.serve("payload.bin", Self.payload)
            let cut = server.url("truncate/payload.bin")
            let error = try #require(downloadError { _ = try downloader.download(Self.file, from: cut, into: dir) })
            #expect(error.kind == .truncated)
            #expect(error.description.hasPrefix(cut.absoluteString + ": "))
            #expect(error.problem.contains("2048 of 4096 bytes"), "\(error)")
            #expect(contents("payload.bin") == nil)
            #expect(partSize() == 2048)

            let outcome = try downloader.download(Self.file, from: server.url("payload.bin"), into: dir)
            #expect(outcome.resumedFrom == 2048)
            #expect(contents("payload.bin") == Self.payload)
            #expect(server.requests.last?.contains("range=bytes=2048- ") == true, "\(server.requests)")
            #expect(server.requests.last?.hasSuffix("status=206") == true)
        }
    }

    @Test(.enabled(if: !serverMissing, reason))
    func resumesAHalfWrittenPartWithARange() throws {
        try TestHTTPServer.with { server in
            server.serve("payload.bin", Self.payload)
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            _ = FileManager.default.createFile(atPath: dir + "/" + Self.file.partName, contents: Data(Self.payload[..<1500]))
            let seen = Progress()
            let outcome = try downloader.download(Self.file, from: server.url("payload.bin"), into: dir) { seen.record($0) }
            #expect(outcome.downloaded && outcome.resumedFrom == 1500)
            #expect(contents("payload.bin") == Self.payload)
            #expect(partSize() == nil)
            #expect(server.requests == ["GET /payload.bin range=bytes=1500- encoding=identity status=206"])
            #expect(seen.first["payload.bin"]?.bytesDone == 1500)
        }
    }

    @Test(.enabled(if: !serverMissing, reason))
    func serverIgnoringRangeStartsOver() throws {
        try TestHTTPServer.with { server in
            server.serve("payload.bin", Self.payload)
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            // A part that would corrupt the file if the full body were appended to it.
            _ = FileManager.default.createFile(atPath: dir + "/" + Self.file.partName, contents: Data(Self.payload[..<1000]))
            let outcome = try downloader.download(Self.file, from: server.url("norange/payload.bin"), into: dir)
            #expect(outcome.resumedFrom == 0)
            #expect(contents("payload.bin") == Self.payload)
            #expect(server.requests.count == 1 && server.requests[0].contains("range=bytes=1000- "))
            #expect(server.requests[0].hasSuffix("status=200"))
        }
    }

    @Test(.enabled(if: !serverMissing, reason))
    func completePartLeftBeforeRenameIsVerifiedAndKept() throws {
        try TestHTTPServer.with { server in
            server.serve("payload.bin", Self.payload)
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            _ = FileManager.default.createFile(atPath: dir + "/" + Self.file.partName, contents: Data(Self.payload))
            let outcome = try downloader.download(Self.file, from: server.url("payload.bin"), into: dir)
            #expect(outcome.downloaded && outcome.resumedFrom == 4096)
            #expect(contents("payload.bin") == Self.payload)
            #expect(server.requests.map { $0.hasSuffix("status=416") } == [true])
        }
    }

    @Test(.enabled(if: !serverMissing, reason))
    func badResumedPartIsFetchedAgainFromTheStart() throws {
        try TestHTTPServer.with { server in
            server.serve("payload.bin", Self.payload)
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            // Left by a download of another version of the file.
            _ = FileManager.default.createFile(atPath: dir + "/" + Self.file.partName, contents: Data(Self.noise(2000, seed: 5)))
            let outcome = try downloader.download(Self.file, from: server.url("payload.bin"), into: dir)
            #expect(outcome.resumedFrom == 0)
            #expect(contents("payload.bin") == Self.payload)
            #expect(server.requests.count == 2)
            #expect(server.requests.first?.contains("range=bytes=2000- ") == true)
            #expect(server.requests.last?.contains("range=- ") == true)
        }
    }

    @Test(.enabled(if: !serverMissing, reason))
    func stalledTransferTimesOutAndKeepsThePart() throws {
        try TestHTTPServer.with { server in
            server.serve("payload.bin", Self.payload)
            let stalled = server.url("stall/payload.bin")
            let error = try #require(downloadError { _ = try downloader.download(Self.file, from: stalled, into: dir) })
            #expect(error.kind == .stalled)
            #expect(error.description.hasPrefix(stalled.absoluteString + ": no data for 1 s"), "\(error)")
            #expect(contents("payload.bin") == nil)
            #expect(partSize() == 2048)
        }
    }

    @Test(.enabled(if: !serverMissing, reason))
    func slowButSteadyTransferIsNotAStall() throws {
        // Eight pieces 0.2 s apart: longer in all than the 1 s stall timeout, never idle for it.
        try TestHTTPServer.with { server in
            server.serve("payload.bin", Self.payload)
            let outcome = try downloader.download(Self.file, from: server.url("slow/payload.bin"), into: dir)
            #expect(outcome.downloaded)
            #expect(contents("payload.bin") == Self.payload)
        }
    }

    @Test(.enabled(if: !serverMissing, reason))
    func recompressedGzipIsAcceptedByItsContent() throws {
        let content = Array((0..<400).map { "line \($0 % 37) of a text that compresses\n" }.joined().utf8)
        let published = Gzip.compress(content, level: 9)
        let mirrored = Gzip.compress(content, level: 1)
        #expect(published != mirrored)
        let file = RemoteFile(name: "data.gz", size: Int64(published.count), md5: try Checksum.md5(published),
                              contentSHA256: try Checksum.sha256(content))
        try TestHTTPServer.with { server in
            server.serve("data.gz", mirrored)
            let outcome = try downloader.download(file, from: server.url("data.gz"), into: dir)
            #expect(outcome.evidence == .contentSHA256)
            #expect(contents("data.gz") == mirrored)

            // Other content, even well compressed, is refused.
            server.serve("other.gz", Gzip.compress(Array(content.dropLast()), level: 9))
            let other = RemoteFile(name: "other.gz", md5: file.md5, contentSHA256: file.contentSHA256)
            let error = try #require(downloadError { _ = try downloader.download(other, from: server.url("other.gz"), into: dir) })
            #expect(error.kind == .checksumMismatch)
            #expect(error.problem.contains("decompressed content SHA-256 is"), "\(error)")
        }
    }

    @Test(.enabled(if: !serverMissing && FileManager.default.fileExists(atPath: "/dev/full"), "needs python3 and /dev/full"))
    func writeFailureNamesThePartFile() throws {
        try TestHTTPServer.with { server in
            server.serve("payload.bin", Self.payload)
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            // Every write to /dev/full fails as on a full disk.
            let part = dir + "/" + Self.file.partName
            try FileManager.default.createSymbolicLink(atPath: part, withDestinationPath: "/dev/full")
            let error = try #require(downloadError { _ = try downloader.download(Self.file, from: server.url("payload.bin"), into: dir) })
            #expect(error.kind == .writeFailed)
            #expect(error.description.hasPrefix(part + ": write failed"), "\(error)")
            #expect(error.problem.contains("No space left on device"))
            #expect(contents("payload.bin") == nil)
        }
    }

    @Test(.enabled(if: !serverMissing, reason))
    func fileOverTheSizeLimitIsRefused() throws {
        try TestHTTPServer.with { server in
            server.serve("payload.bin", Self.payload)
            let small = Downloader(stallTimeout: 1, sizeLimit: 1000)
            let error = try #require(downloadError { _ = try small.download(Self.file, from: server.url("payload.bin"), into: dir) })
            #expect(error.kind == .tooLarge)
            #expect(error.problem.contains("4096 bytes"), "\(error)")
            #expect(contents("payload.bin") == nil)
        }
    }

    @Test func refusedConnectionIsATransportError() throws {
        // A port bound but not listening refuses connections, and no other test can take it meanwhile.
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        try #require(socket >= 0)
        defer { close(socket) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(socket, $0, length) == 0 && getsockname(socket, $0, &length) == 0
            }
        }
        try #require(bound)
        let url = URL(string: "http://127.0.0.1:\(UInt16(bigEndian: address.sin_port))/payload.bin")!
        let error = try #require(downloadError { _ = try downloader.download(Self.file, from: url, into: dir) })
        #expect(error.kind == .transport)
        #expect(error.description.hasPrefix(url.absoluteString + ": "), "\(error)")
        #expect(partSize() == nil)
    }

    @Test func fileNameOutsideTheDirectoryIsRefused() throws {
        let evil = RemoteFile(name: "../escape", sha256: try Checksum.sha256([]))
        #expect(throws: UsageError.self) {
            _ = try downloader.download(evil, from: URL(string: "http://127.0.0.1:9/escape")!, into: dir)
        }
    }

    @Test func verifyReportsEachState() throws {
        let good = Self.file
        let bad = RemoteFile(name: "bad.bin", size: 10, md5: try Checksum.md5(Self.payload))
        let partial = RemoteFile(name: "partial.bin", sha256: try Checksum.sha256(Self.payload))
        let missing = RemoteFile(name: "missing.bin", sha256: try Checksum.sha256(Self.payload))
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        _ = FileManager.default.createFile(atPath: dir + "/payload.bin", contents: Data(Self.payload))
        _ = FileManager.default.createFile(atPath: dir + "/bad.bin", contents: Data(Self.payload[..<100]))
        _ = FileManager.default.createFile(atPath: dir + "/" + partial.partName, contents: Data(Self.payload[..<700]))
        let manifest = DownloadManifest(dataset: "test", baseURL: URL(string: "http://127.0.0.1:9/")!,
                                        files: [good, bad, partial, missing])
        let reports = downloader.verify(directory: dir, manifest: manifest)
        #expect(reports.map(\.name) == ["payload.bin", "bad.bin", "partial.bin", "missing.bin"])
        #expect(reports[0].verdict == .verified(.publishedSHA256))
        let (found, published) = (try Checksum.md5(Array(Self.payload[..<100])), try Checksum.md5(Self.payload))
        #expect(reports[1].verdict == .rejected("MD5 is \(found), published \(published); 100 bytes, published 10"))
        #expect(reports[2].verdict == .partial(700))
        #expect(reports[3].verdict == .missing)
        #expect(reports[1].path == dir + "/bad.bin")
    }

    /// MNIST's manifest against the real files: the recorded content checksums are those of the
    /// uncompressed IDX files, and a gzip file made here from one of them verifies by content.
    @Test(.enabled(if: TestSupport.sharedMNIST != nil, "needs ../shared/data/mnist"))
    func mnistManifestMatchesTheRealFiles() throws {
        let source = try #require(TestSupport.sharedMNIST)
        for file in DownloadManifest.mnist.files {
            let raw = try FileIO.read(source + "/" + String(file.name.dropLast(3)))
            #expect(try Checksum.sha256(raw) == file.contentSHA256, "\(file.name)")
        }
        let labels = try #require(DownloadManifest.mnist.files.first { $0.name == "t10k-labels-idx1-ubyte.gz" })
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let gzip = Gzip.compress(try FileIO.read(source + "/t10k-labels-idx1-ubyte"))
        _ = FileManager.default.createFile(atPath: dir + "/" + labels.name, contents: Data(gzip))
        let reports = downloader.verify(directory: dir, manifest: DownloadManifest.mnist)
        #expect(reports.map(\.verdict) == [.missing, .missing, .missing, .verified(.contentSHA256)])
    }
}

/// The progress reports of a download, per file (reports come from the session's thread).
private final class Progress: @unchecked Sendable {
    private let lock = NSLock()
    private var firsts: [String: DownloadProgress] = [:]
    private var lasts: [String: DownloadProgress] = [:]

    func record(_ p: DownloadProgress) {
        lock.withLock {
            if firsts[p.file] == nil { firsts[p.file] = p }
            lasts[p.file] = p
        }
    }

    var first: [String: DownloadProgress] { lock.withLock { firsts } }
    var last: [String: DownloadProgress] { lock.withLock { lasts } }
}
