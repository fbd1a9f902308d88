/// How a denoising auto-encoder corrupts its input before encoding it.
public enum Corruption: Equatable, Hashable, Sendable {
    /// No corruption (a plain auto-encoder).
    case none
    /// Masking noise: each input is set to 0 with probability p (the paper's images: p = 0.25).
    case masking(Float)
    /// Salt-and-pepper noise: each input, with probability p, is replaced by 0 or by 1 (equally
    /// likely): the extremes of inputs in [0, 1].
    case saltAndPepper(Float)

    /// `none`, `masking:P` or `salt-and-pepper:P`.
    public var name: String {
        switch self {
        case .none: "none"
        case .masking(let p): "masking:\(p)"
        case .saltAndPepper(let p): "salt-and-pepper:\(p)"
        }
    }

    /// Parses `name`; nil when unknown or when the level is outside [0, 1).
    public init?(name: String) {
        let parts = name.lowercased().split(separator: ":", maxSplits: 1).map(String.init)
        if parts == ["none"] { self = .none; return }
        guard parts.count == 2, let p = Float(parts[1]), p >= 0, p < 1 else { return nil }
        switch parts[0] {
        case "masking", "mask": self = .masking(p)
        case "salt-and-pepper", "saltpepper": self = .saltAndPepper(p)
        default: return nil
        }
    }

    /// Writes a corrupted copy of `count` values of `input` into `output`.
    public func apply(_ input: UnsafePointer<Float>, into output: UnsafeMutablePointer<Float>, count: Int,
                      rng: inout RandomSource) {
        switch self {
        case .none:
            output.update(from: input, count: count)
        case .masking(let p):
            for i in 0..<count { output[i] = rng.nextUnitFloat() < p ? 0 : input[i] }
        case .saltAndPepper(let p):
            for i in 0..<count {
                if rng.nextUnitFloat() < p {
                    output[i] = rng.nextUnitFloat() < 0.5 ? 0 : 1
                } else {
                    output[i] = input[i]
                }
            }
        }
    }
}

extension Corruption {
    /// Corrupts one row of `count` values and hands its non-zero results to `emit`, in column
    /// order: the same draws, and so the same values, as `apply` on the row.
    func applySparse(row: UnsafePointer<Float>, count: Int, rng: inout RandomSource, emit: (Int, Float) -> Void) {
        switch self {
        case .none:
            for i in 0..<count where row[i] != 0 { emit(i, row[i]) }
        case .masking(let p):
            for i in 0..<count {
                let dropped = rng.nextUnitFloat() < p
                if !dropped && row[i] != 0 { emit(i, row[i]) }
            }
        case .saltAndPepper(let p):
            for i in 0..<count {
                if rng.nextUnitFloat() < p {
                    if rng.nextUnitFloat() >= 0.5 { emit(i, 1) }
                } else if row[i] != 0 {
                    emit(i, row[i])
                }
            }
        }
    }
}

/// A batch of sparse rows built entry by entry (the corrupted inputs of a sparse
/// auto-encoder step); its buffers grow with the largest batch and are then reused.
public final class SparseRowsBuffer: @unchecked Sendable {
    private let rowStart: AlignedBuffer<Int32>
    private var columns: AlignedBuffer<Int32>
    private var values: FloatBuffer
    private var rows = 0, entries = 0

    /// Room for `rows` rows.
    public init(rows: Int) {
        rowStart = AlignedBuffer(count: rows + 1)
        columns = AlignedBuffer(count: 1024)
        values = FloatBuffer(count: 1024)
    }

    func clear() {
        rows = 0
        entries = 0
        rowStart.pointer[0] = 0
    }

    func append(column: Int, value: Float) {
        if entries == columns.count {
            let (c, v) = (AlignedBuffer<Int32>(count: entries * 2), FloatBuffer(count: entries * 2))
            c.pointer.update(from: columns.pointer, count: entries)
            v.pointer.update(from: values.pointer, count: entries)
            (columns, values) = (c, v)
        }
        columns.pointer[entries] = Int32(column)
        values.pointer[entries] = value
        entries += 1
    }

    func endRow() {
        rows += 1
        rowStart.pointer[rows] = Int32(entries)
    }

    /// The rows appended since `clear`.
    var batch: SparseBatch { SparseBatch(rowStart: rowStart.pointer, columns: columns.pointer, values: values.pointer, rows: rows) }
}

extension Corruption: Codable {
    public init(from decoder: any Decoder) throws {
        let s = try decoder.singleValueContainer().decode(String.self)
        guard let c = Corruption(name: s) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "unknown corruption '\(s)'"))
        }
        self = c
    }
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(name)
    }
}
