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
}
