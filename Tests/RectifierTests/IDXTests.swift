import Foundation
import Rectifier
import Testing

/// The IDX reader on files written here in the real format: valid raw and gzip files, and
/// every kind of broken file, each refused with a message naming the file and the problem.
@Suite struct IDXTests {
    let dir = TestSupport.temporaryDirectory()

    func write(_ bytes: [UInt8], _ name: String) -> String {
        let path = dir + "/" + name
        _ = FileManager.default.createFile(atPath: path, contents: Data(bytes))
        return path
    }

    static let images = IDXArray(shape: [3, 2, 2], bytes: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 255])

    @Test func rawRoundTrip() throws {
        let path = write(Self.images.encoded(), "images-idx3-ubyte")
        let read = try IDXArray.read(path)
        #expect(read == Self.images)
        #expect(read.count == 3 && read.itemSize == 4)
    }

    @Test func headerBytesAreBigEndian() {
        let bytes = IDXArray(shape: [258], bytes: [UInt8](repeating: 7, count: 258)).encoded()
        #expect(Array(bytes.prefix(8)) == [0, 0, 8, 1, 0, 0, 1, 2])
    }

    @Test func gzipRoundTrip() throws {
        let path = write(Gzip.compress(Self.images.encoded()), "images-idx3-ubyte.gz")
        #expect(try IDXArray.read(path) == Self.images)
    }

    func expectError(_ bytes: [UInt8], _ name: String, containing fragment: String) {
        let path = write(bytes, name)
        do {
            _ = try IDXArray.read(path)
            Issue.record("\(name) was accepted")
        } catch let error as FileError {
            #expect(error.path == path)
            #expect(error.description.hasPrefix(path))
            #expect(error.problem.contains(fragment), "\(error.problem)")
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }

    @Test func truncatedData() {
        expectError(Array(Self.images.encoded().dropLast(3)), "truncated", containing: "truncated")
    }

    @Test func truncatedHeader() {
        expectError([0, 0, 8, 3, 0, 0], "short-header", containing: "truncated")
        expectError([0, 0], "tiny", containing: "truncated")
        expectError([], "empty", containing: "truncated")
    }

    @Test func wrongMagic() {
        expectError([0x50, 0x4B, 3, 4] + [UInt8](repeating: 0, count: 20), "zip", containing: "not an IDX file")
    }

    @Test func unsupportedElementType() {
        var bytes = Self.images.encoded()
        bytes[2] = 0x0D
        expectError(bytes, "floats", containing: "element type 0xd")
    }

    @Test func absurdDimensionsAreRefusedBeforeAllocating() {
        // 4 dimensions of 2^32-1: the product overflows any sane size; must not try to allocate.
        expectError([0, 0, 8, 4] + [UInt8](repeating: 0xFF, count: 16) + [1, 2, 3], "absurd", containing: "absurd")
        expectError([0, 0, 8, 2, 0, 0, 0, 0, 0, 0, 0, 5], "zero-dim", containing: "zero")
        expectError([0, 0, 8, 9] + [UInt8](repeating: 1, count: 40), "rank9", containing: "dimensions")
    }

    @Test func trailingGarbage() {
        expectError(Self.images.encoded() + [1, 2], "trailing", containing: "unexpected bytes")
    }

    @Test func truncatedGzip() {
        let gz = Gzip.compress(IDXArray(shape: [500], bytes: (0..<500).map { UInt8($0 % 251) }).encoded())
        expectError(Array(gz.prefix(gz.count / 2)), "cut.gz", containing: "truncated gzip")
    }

    @Test func corruptGzip() {
        var gz = Gzip.compress(Self.images.encoded())
        for i in 12..<min(gz.count - 8, 20) { gz[i] ^= 0xA5 }
        expectError(gz, "corrupt.gz", containing: "gzip")
    }

    @Test func gzipBombIsCapped() throws {
        let bomb = Gzip.compress([UInt8](repeating: 0, count: 5_000_000))
        let path = write(bomb, "bomb.gz")
        #expect(throws: FileError.self) { try IDXArray.read(path, limit: 1_000_000) }
    }

    /// A tiny gzip file whose trailer claims 4 GiB is inflated to its real size, not allocated for 4 GiB.
    @Test func forgedGzipSizeIsNotTrusted() throws {
        var gz = Gzip.compress(Self.images.encoded())
        for i in (gz.count - 4)..<gz.count { gz[i] = 0xFF }
        // zlib checks ISIZE against the data, so the file is refused; the point is that this is
        // decided after inflating the few real bytes, with a small buffer.
        #expect(throws: FileError.self) { try IDXArray.read(write(gz, "forged.gz")) }
    }

    @Test func missingFileAndDirectory() {
        #expect(throws: FileError.self) { try IDXArray.read(dir + "/nope") }
        #expect(throws: FileError.self) { try IDXArray.read(dir) }
    }

    /// MNIST's training-images header declares 60000x28x28 = 47,040,000 bytes.
    static let mnistHeader = IDXArray(shape: [60000, 28, 28], bytes: [UInt8](repeating: 0, count: 47_040_000)).encoded().prefix(16)

    /// The known bomb: a 2 MB train-images-idx3-ubyte.gz holding MNIST's header and then 2 GiB
    /// of zeros. It is refused once the stream goes past the declared 47 MB.
    @Test func bombIsRefusedOnceItPassesTheDeclaredSize() throws {
        let bomb = FormatTestSupport.gzipBomb(head: Array(Self.mnistHeader), zeros: 2 << 30)
        #expect(bomb.count < 3_000_000)
        expectError(bomb, "train-images-idx3-ubyte.gz",
                    containing: "unexpected bytes after the 47040000 bytes of data declared by the header (60000x28x28)")
    }

    /// Reads that return a few bytes at a time (a pipe, a slow inflater) give the same array.
    @Test func streamedReadOfShortPieces() throws {
        var stream = TricklingStream(Self.images.encoded(), path: "trickle", piece: 3)
        #expect(try IDXArray.read(from: &stream) == Self.images)
    }

    /// A raw file declaring more than it holds is refused after reading only what is there.
    @Test func forgedHeaderInASmallRawFile() {
        // 4 x 2^24 x 64 bytes declared (4 GiB, at the default limit), 3 bytes present
        expectError([0, 0, 8, 3, 0, 0, 0, 4, 1, 0, 0, 0, 0, 0, 0, 64, 1, 2, 3], "forged", containing: "file has 3")
    }
}

/// The bomb read by the `rectifier` executable in a child process whose address space is
/// capped at 400 MB (`ulimit -v`): inflating the bomb whole (2 GiB) cannot fit, reading only
/// the declared 47 MB does. Skipped when the executable was not built next to the tests.
@Suite struct IDXMemoryBoundTests {
    static let shell = "/bin/sh"
    static let limitKB = 400_000

    static func runCapped(_ script: String, _ arguments: [String]) throws -> (status: Int32, reason: Process.TerminationReason, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: shell)
        process.arguments = ["-c", "ulimit -v \(limitKB) && " + script, "sh"] + arguments
        // One malloc arena per thread reserves 64 MB of address space; the cap is about data.
        process.environment = ProcessInfo.processInfo.environment.merging(["MALLOC_ARENA_MAX": "2"]) { $1 }
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, process.terminationReason, String(decoding: output, as: UTF8.self))
    }

    @Test(.enabled(if: CommandLineTests.executable != nil && FileManager.default.isExecutableFile(atPath: shell),
                   "needs the rectifier executable beside the tests and /bin/sh"))
    func bombIsRefusedWithinAFewTimesTheDeclaredSize() throws {
        // The cap really applies in the child.
        let check = try Self.runCapped("ulimit -v", [])
        #expect(check.output.trimmingCharacters(in: .whitespacesAndNewlines) == "\(Self.limitKB)")

        let dir = TestSupport.temporaryDirectory()
        let bomb = FormatTestSupport.gzipBomb(head: Array(IDXTests.mnistHeader), zeros: 2 << 30)
        let images = FormatTestSupport.write(bomb, "train-images-idx3-ubyte.gz", in: dir)
        FormatTestSupport.write(IDXArray(shape: [3], bytes: [1, 2, 3]).encoded(), "train-labels-idx1-ubyte", in: dir)
        let run = try Self.runCapped("exec \"$1\" train --dataset idx --data-dir \"$2\" --threads 1 --backend builtin",
                                     [CommandLineTests.executable!, dir])
        // A clean refusal (exit status 1 with the reader's message), not a crash on a failed allocation.
        #expect(run.reason == .exit && run.status == 1, "\(run.output)")
        #expect(run.output.contains(images) && run.output.contains("unexpected bytes after the 47040000 bytes"), "\(run.output)")
    }
}
