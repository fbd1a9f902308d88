import Rectifier

/// Tar archives, raw or gzip-compressed: walking the members and reading their data must end
/// in the end of the archive or a FileError, and every member read must hold its declared size.
func fuzzTar(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let bytes = Array(UnsafeRawBufferPointer(start: start, count: count))
    do {
        var tar = TarReader(try Gzip.stream(bytes, path: "fuzz"), limit: 1 << 24)
        var index = 0
        while let entry = try tar.next() {
            // every other member is skipped unread, to fuzz skipping too
            if index % 2 == 0 {
                let data = try tar.readAll(limit: 1 << 24)
                precondition(data.count == entry.size, "member data is not its declared size")
            }
            index += 1
        }
    } catch is FileError {
    } catch {
        preconditionFailure("unexpected error type: \(error)")
    }
    return 0
}
