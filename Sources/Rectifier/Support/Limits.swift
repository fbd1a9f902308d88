import Foundation

/// How much a run may read and hold. Every reader checks the sizes a file declares against
/// these before it allocates, and a run estimates what its data and network need before it
/// builds them, so that absurd input is one clear error instead of a process the system kills.
public struct Limits: Sendable, Equatable {
    /// No file larger than this is read, compressed or not (`RECTIFIER_MAX_FILE_BYTES`).
    public var fileBytes: Int
    /// Memory the data, the network and its copies may take (`--max-memory`).
    public var memoryBytes: Int
    /// Most classes a label column may name (`--max-classes`): more is almost always the wrong
    /// column (a text or an identifier), and each costs a row of output weights.
    public var classes: Int

    public init(fileBytes: Int = FileIO.defaultSizeLimit, memoryBytes: Int = Limits.physicalMemory, classes: Int = 1000) {
        self.fileBytes = fileBytes
        self.memoryBytes = memoryBytes
        self.classes = classes
    }

    /// This machine's physical memory in bytes (the default memory budget).
    public static let physicalMemory: Int = {
        let pages = sysconf(Int32(_SC_PHYS_PAGES)), size = sysconf(Int32(_SC_PAGESIZE))
        return pages > 0 && size > 0 ? pages * size : 8 << 30
    }()

    /// A `UsageError` with the figure and the way out unless `bytes` fit the memory budget.
    public func checkMemory(_ bytes: Int, for what: String) throws {
        guard bytes > memoryBytes else { return }
        let machine = memoryBytes == Self.physicalMemory ? "this machine has \(Self.format(memoryBytes))"
            : "the budget is \(Self.format(memoryBytes))"
        throw UsageError("\(what) needs about \(Self.format(bytes)); \(machine) (--max-memory to raise the budget)")
    }

    /// A `FileError` naming `source` unless `count` classes are within the bound.
    public func checkClasses(_ count: Int, source: String, column: String = "label") throws {
        guard count > classes else { return }
        throw FileError(source, "\(count) distinct \(column) values: more than the \(classes) classes allowed "
            + "(is it the label column? --label-column names it; --max-classes raises the bound)")
    }

    /// Bytes as `1.5 GB`, `310 MB` or `12 KB` (powers of 1000, as memory is usually quoted).
    public static func format(_ bytes: Int) -> String {
        let units: [(Double, String)] = [(1e12, "TB"), (1e9, "GB"), (1e6, "MB"), (1e3, "KB")]
        let b = Double(bytes)
        for (size, name) in units where b >= size {
            let value = b / size >= 10 ? (b / size).rounded() : (b / size * 10).rounded() / 10
            return (value == value.rounded() ? String(Int(value)) : String(value)) + " " + name
        }
        return "\(bytes) bytes"
    }

    /// Parses a size such as `8G`, `512M`, `2048` (bytes), `1.5T`; nil when it is not one.
    public static func parseSize(_ text: String) -> Int? {
        var t = text.trimmingCharacters(in: .whitespaces).uppercased()
        if t.hasSuffix("B") { t.removeLast() }
        let scales: [Character: Double] = ["K": 1e3, "M": 1e6, "G": 1e9, "T": 1e12]
        let scale = t.last.flatMap { scales[$0] } ?? 1
        if scale != 1 { t.removeLast() }
        guard let x = Double(t), x > 0, x * scale < 9e18 else { return nil }
        return Int(x * scale)
    }
}
