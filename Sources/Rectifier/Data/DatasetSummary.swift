/// What a loaded dataset holds: per split, the examples, the examples of each class, the range
/// of the input values and the memory the inputs take (`rectifier datasets info`).
public struct DatasetSummary: Codable, Equatable, Sendable {
    public struct Split: Codable, Equatable, Sendable {
        public var name: String
        public var examples: Int
        public var classCounts: [Int]
        public var minimum: Float
        public var maximum: Float
        /// Bytes of input storage (Float32, bytes or CSR).
        public var inputBytes: Int
        /// Fraction of input values that are zero.
        public var zeros: Double
    }

    public var width: Int
    public var classes: Int
    public var classNames: [String]
    public var splits: [Split]

    /// The summary of `data`.
    public init(_ data: DataSplits) {
        width = data.train.featureCount
        classes = data.train.classes
        classNames = data.train.classNames
        splits = [data.train, data.validation, data.test].map { d in
            var (lo, hi) = (Float.infinity, -Float.infinity)
            let bytes: Int
            switch d.inputs {
            case .dense(let m):
                for v in m.storage {
                    lo = min(lo, v); hi = max(hi, v)
                }
                bytes = m.storage.count * 4
            case .bytes(let b):
                var seen = [Bool](repeating: false, count: 256)
                for v in b.bytes { seen[Int(v)] = true }
                let present = seen.indices.filter { seen[$0] }.map { b.offset + b.scale * Float($0) }
                (lo, hi) = (present.min() ?? .infinity, present.max() ?? -.infinity)
                bytes = b.bytes.count
            case .sparse(let s):
                for v in s.values { lo = min(lo, v); hi = max(hi, v) }
                if s.nonZeros < s.rows * s.columns { lo = min(lo, 0); hi = max(hi, 0) }
                bytes = s.nonZeros * 8 + s.rowStart.count * 8
            }
            return Split(name: d.name, examples: d.count, classCounts: d.classCounts, minimum: lo, maximum: hi,
                         inputBytes: bytes, zeros: d.inputs.zeroFraction)
        }
    }
}
