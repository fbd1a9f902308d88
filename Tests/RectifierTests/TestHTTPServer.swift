import Foundation

/// scripts/http-test-server.py, started for one test on 127.0.0.1 (a port the system picks),
/// serving a fresh directory; its request log is read back to see what the client asked for.
final class TestHTTPServer {
    /// python3 from PATH, or nil when there is none (the tests that need the server are skipped).
    static let python: String? = {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        return path.split(separator: ":").map { "\($0)/python3" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }()

    static let script = TestSupport.projectRoot.appendingPathComponent("scripts/http-test-server.py").path

    /// The directory served.
    let root = TestSupport.temporaryDirectory()
    /// The port the server listens on.
    private(set) var port = 0
    private let process = Process()
    /// The server's stdin: it stops when this closes, so it cannot outlive the tests.
    private let input = Pipe()
    private let logPath = TestSupport.temporaryDirectory() + "/requests.log"

    /// Starts a server and runs `body` with it, stopping the server however `body` ends.
    static func with<T>(_ body: (TestHTTPServer) throws -> T) throws -> T {
        let server = try TestHTTPServer()
        defer { server.stop() }
        return try body(server)
    }

    private init() throws {
        guard let python = Self.python else { throw ServerError(message: "python3 is not on PATH") }
        _ = FileManager.default.createFile(atPath: logPath, contents: nil)
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [Self.script, root]
        let out = Pipe()
        process.standardInput = input
        process.standardOutput = out
        process.standardError = FileHandle(forWritingAtPath: logPath)
        try process.run()
        // The first stdout line is the port; reading blocks until the server is listening.
        var text = ""
        while !text.contains("\n") {
            let chunk = out.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            text += String(decoding: chunk, as: UTF8.self)
        }
        guard let port = Int(text.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            stop()
            throw ServerError(message: "the test server did not print its port: \(text) \(log)")
        }
        self.port = port
    }

    private func stop() {
        if process.isRunning { process.terminate() }
        try? input.fileHandleForWriting.close()
        process.waitUntilExit()
    }

    /// Puts `bytes` in the served directory as `name`.
    func serve(_ name: String, _ bytes: [UInt8]) {
        _ = FileManager.default.createFile(atPath: root + "/" + name, contents: Data(bytes))
    }

    /// The URL of `path` on this server.
    func url(_ path: String) -> URL {
        URL(string: "http://127.0.0.1:\(port)/\(path)")!
    }

    /// The server's base URL, as a mirror for a manifest.
    var base: URL { url("") }

    /// Everything the server wrote on stderr.
    var log: String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }

    /// One line per request received: `GET PATH range=RANGE encoding=ENCODING status=STATUS`.
    var requests: [String] {
        log.split(separator: "\n").map(String.init).filter { $0.hasPrefix("GET ") }
    }

    struct ServerError: Error, CustomStringConvertible {
        let message: String
        var description: String { message }
    }
}
