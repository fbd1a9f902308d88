import Foundation
import Rectifier
import Testing

/// The tar reader on archives written here (ustar, with prefix-split and GNU 'L' long names),
/// on headers edited into GNU, v7 and directory forms, and on every kind of broken archive.
@Suite struct TarTests {
    let dir = TestSupport.temporaryDirectory()

    static let prefixed = String(repeating: "d", count: 60) + "/" + String(repeating: "e", count: 40) + "/file-with-a-long-name.bin"
    static let gnuLong = "top/" + String(repeating: "n", count: 180)
    static let files: [(name: String, contents: [UInt8])] = [
        ("a.txt", Array("hello\n".utf8)),
        ("empty", []),
        ("dir/block-and-one.bin", (0..<513).map { UInt8($0 % 256) }),
        (prefixed, [1, 2, 3]),
        (gnuLong, [9]),
    ]

    /// Reads every member of `tar`, with its data.
    static func members(_ tar: inout TarReader) throws -> [(entry: TarEntry, contents: [UInt8])] {
        var out: [(TarEntry, [UInt8])] = []
        while let entry = try tar.next() { out.append((entry, try tar.readAll(limit: 1 << 20))) }
        return out
    }

    @Test func readsWhatTheWriterWrote() throws {
        let archive = TarWriter.archive(Self.files)
        #expect(archive.count % 512 == 0)
        var tar = TarReader(MemoryStream(archive, path: "t.tar"))
        let read = try Self.members(&tar)
        #expect(read.map(\.entry.name) == Self.files.map(\.name))
        #expect(read.map(\.entry.size) == Self.files.map(\.contents.count))
        #expect(read.map(\.contents) == Self.files.map(\.contents))
        #expect(read.allSatisfy { $0.entry.kind == .regularFile })
        #expect(try tar.next() == nil, "stays at the end")
    }

    /// The writer takes both long-name routes: the 128-byte name goes to prefix + name, the
    /// 184-byte one (no '/' leaving at most 100 bytes) to a GNU 'L' entry.
    @Test func longNamesUseThePrefixAndGNULongNameEntries() {
        let archive = TarWriter.archive([(Self.prefixed, []), (Self.gnuLong, [])])
        let prefix = String(decoding: archive[345..<(345 + 101)], as: UTF8.self)
        #expect(prefix == String(Self.prefixed.prefix(101)))
        #expect(archive[512 + 156] == UInt8(ascii: "L"))
        #expect(String(decoding: archive[1024..<(1024 + Self.gnuLong.utf8.count)], as: UTF8.self) == Self.gnuLong)
    }

    @Test func gzipArchiveFromAFile() throws {
        let path = FormatTestSupport.write(Gzip.compress(TarWriter.archive(Self.files)), "t.tar.gz", in: dir)
        var tar = try TarReader.open(path)
        #expect(try Self.members(&tar).map(\.contents) == Self.files.map(\.contents))
    }

    @Test func unreadDataIsSkippedAndMembersAreNamed() throws {
        var tar = TarReader(TricklingStream(TarWriter.archive(Self.files), path: "t.tar", piece: 100))
        #expect(tar.path == "t.tar")
        _ = try tar.next()
        _ = try tar.next()
        let third = try #require(try tar.next())
        #expect(tar.path == "t.tar(dir/block-and-one.bin)")
        var firstTen = [UInt8](repeating: 0, count: 10)
        #expect(try firstTen.withUnsafeMutableBytes { try tar.readFully(into: $0) } == 10)
        #expect(firstTen == Array(0..<10))
        #expect(tar.maximumRemaining == third.size - 10)
        #expect(try tar.next()?.name == Self.prefixed)
    }

    /// Rewrites the checksum of the header at `offset` after an edit.
    static func resum(_ archive: inout [UInt8], at offset: Int) {
        for i in 148..<156 { archive[offset + i] = 0x20 }
        let sum = String(archive[offset..<(offset + 512)].reduce(0) { $0 + Int($1) }, radix: 8)
        let field = Array((String(repeating: "0", count: 6 - sum.count) + sum).utf8) + [0, 0x20]
        archive.replaceSubrange((offset + 148)..<(offset + 156), with: field)
    }

    @Test func gnuV7AndDirectoryHeaders() throws {
        var archive = TarWriter.archive([("dir", []), ("x/y", [7])])
        archive[156] = UInt8(ascii: "5")
        Self.resum(&archive, at: 0)
        // GNU magic: bytes 345... are not a prefix there.
        archive.replaceSubrange((512 + 257)..<(512 + 265), with: Array("ustar  \0".utf8))
        archive.replaceSubrange((512 + 345)..<(512 + 349), with: Array("junk".utf8))
        Self.resum(&archive, at: 512)
        var tar = TarReader(MemoryStream(archive, path: "t.tar"))
        #expect(try tar.next() == TarEntry(name: "dir", size: 0, kind: .directory))
        #expect(try tar.next() == TarEntry(name: "x/y", size: 1, kind: .regularFile))
        // v7: no magic at all
        var v7 = TarWriter.archive([("old", [1, 2])])
        v7.replaceSubrange(257..<265, with: [UInt8](repeating: 0, count: 8))
        v7[156] = 0
        Self.resum(&v7, at: 0)
        var old = TarReader(MemoryStream(v7, path: "v7.tar"))
        #expect(try Self.members(&old).map(\.contents) == [[1, 2]])
        // a symbolic link is listed with its type flag
        var link = TarWriter.archive([("l", [])])
        link[156] = UInt8(ascii: "2")
        Self.resum(&link, at: 0)
        var links = TarReader(MemoryStream(link, path: "l.tar"))
        #expect(try links.next()?.kind == .other(typeFlag: "2"))
    }

    @Test func badChecksumIsRefused() {
        var archive = TarWriter.archive(Self.files)
        archive[3] ^= 1
        FormatTestSupport.expectError(path: "t.tar", containing: "tar header at byte 0: bad checksum") {
            var tar = TarReader(MemoryStream(archive, path: "t.tar"))
            _ = try tar.next()
        }
        FormatTestSupport.expectError(path: "zip", containing: "checksum field is not an octal number") {
            var tar = TarReader(MemoryStream([0x50, 0x4B, 3, 4] + [UInt8](repeating: 0x41, count: 600), path: "zip"))
            _ = try tar.next()
        }
    }

    @Test func absurdSizesAreRefusedBeforeReading() {
        var octal = TarWriter.archive([("big", [1])])
        octal.replaceSubrange(124..<136, with: Array("77777777777\0".utf8))  // 8 GiB - 1
        Self.resum(&octal, at: 0)
        FormatTestSupport.expectError(path: "o.tar", containing: "absurd size of 8589934591 bytes, over the limit of 1000") {
            var tar = TarReader(MemoryStream(octal, path: "o.tar"), limit: 1000)
            _ = try tar.next()
        }
        FormatTestSupport.expectError(path: "o.tar", containing: "declares 8589934591 bytes, the archive holds at most 1536 more") {
            var tar = TarReader(MemoryStream(octal, path: "o.tar"), limit: 1 << 40)
            _ = try tar.next()
        }
        var base256 = TarWriter.archive([("huge", [1])])
        base256.replaceSubrange(124..<136, with: [0x80, 0, 0, 0, 0, 0x1F, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF])
        Self.resum(&base256, at: 0)
        FormatTestSupport.expectError(path: "b.tar", containing: "absurd size of 9007199254740991 bytes") {
            var tar = TarReader(MemoryStream(base256, path: "b.tar"))
            _ = try tar.next()
        }
        var negative = base256
        negative[124] = 0xFF
        Self.resum(&negative, at: 0)
        FormatTestSupport.expectError(path: "n.tar", containing: "size field is not a number") {
            var tar = TarReader(MemoryStream(negative, path: "n.tar"))
            _ = try tar.next()
        }
    }

    @Test func truncatedArchivesAreRefused() {
        let archive = TarWriter.archive(Self.files)
        // Members: a.txt (header at 0, data at 512), empty (header at 1024), the 513-byte one
        // (header at 1536, data at 2048). A plain file cut 100 bytes into that data is refused
        // at its header, since the file's size is known ...
        let cut = Array(archive.prefix(2048 + 100))
        FormatTestSupport.expectError(path: "cut.tar", containing: "member \"dir/block-and-one.bin\" (header at byte 1536) declares 513 bytes, the archive holds at most 100 more") {
            var tar = TarReader(MemoryStream(cut, path: "cut.tar"))
            _ = try Self.members(&tar)
        }
        // ... a gzip stream only when the data runs out.
        FormatTestSupport.expectError(path: "cut.tar.gz(dir/block-and-one.bin)", containing: "truncated archive: the member ends 413 bytes short") {
            var tar = TarReader(try Gzip.stream(Gzip.compress(cut), path: "cut.tar.gz"))
            _ = try Self.members(&tar)
        }
        // at a header boundary: no end-of-archive block
        FormatTestSupport.expectError(path: "cut.tar", containing: "ends at byte 1024 without its end-of-archive block") {
            var tar = TarReader(MemoryStream(Array(archive.prefix(1024)), path: "cut.tar"))
            _ = try Self.members(&tar)
        }
        FormatTestSupport.expectError(path: "cut.tar", containing: "a tar header at byte 1024 is cut after 12 bytes") {
            var tar = TarReader(MemoryStream(Array(archive.prefix(1036)), path: "cut.tar"))
            _ = try Self.members(&tar)
        }
        FormatTestSupport.expectError(path: "empty.tar", containing: "ends at byte 0") {
            var tar = TarReader(MemoryStream([], path: "empty.tar"))
            _ = try tar.next()
        }
    }
}
