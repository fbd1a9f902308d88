/// Buffers for the examples of one SGD step, gathered from a dataset in the order of a
/// `DataOrder`: dense rows are copied into one contiguous block, sparse rows into CSR arrays
/// (never densified). Labels come along. Made once per run and reused for every step, so
/// gathering allocates nothing (sparse buffers grow only when a batch has more non-zeros than
/// any before it).
public final class Minibatch: @unchecked Sendable {
    /// Most examples a batch holds.
    public let capacity: Int
    /// Values per example.
    public let width: Int
    /// Examples in the current batch.
    public private(set) var count = 0
    /// Labels of the current batch.
    public let labels: AlignedBuffer<Int32>
    private let dense: FloatBuffer?
    private let rowStart: AlignedBuffer<Int32>
    private var columns: AlignedBuffer<Int32>
    private var values: FloatBuffer

    /// Buffers for batches of up to `capacity` examples of `data` (dense or sparse, as `data` is).
    public convenience init(capacity: Int, for data: Dataset) {
        self.init(capacity: capacity, for: data.inputs)
    }

    /// Buffers for batches of up to `capacity` rows of `inputs`.
    public init(capacity: Int, for inputs: Inputs) {
        precondition(capacity > 0)
        self.capacity = capacity
        width = inputs.width
        labels = AlignedBuffer(count: capacity)
        rowStart = AlignedBuffer(count: capacity + 1)
        if case .sparse(let s) = inputs {
            dense = nil
            // Room for batches of average density; more is added when needed.
            let guess = max(64, s.nonZeros / max(1, s.rows) * capacity * 2)
            columns = AlignedBuffer(count: guess)
            values = FloatBuffer(count: guess)
        } else {
            dense = FloatBuffer(count: capacity * width)
            columns = AlignedBuffer(count: 0)
            values = FloatBuffer(count: 0)
        }
    }

    /// Copies the examples `rows` of `data` (at most `capacity`), and their labels, into the
    /// batch. When `data` is perturbed (NISTP), each example is perturbed as drawn for it in
    /// `epoch` by `seed`, with another example as its occluder; the result depends on neither
    /// the batch nor the thread.
    public func gather(_ data: Dataset, rows: some Collection<Int>, epoch: Int = 0, seed: PerturbationSeed? = nil) {
        guard gatherUnperturbed(data, rows: rows, epoch: epoch, seed: seed), let seed else { return }
        for (row, example) in rows.enumerated() {
            perturb(row: row, example: example, data, epoch: epoch, seed: seed, scratch: perturbationScratch!)
        }
    }

    /// `gather` without the perturbations: copies the examples, their labels and (for
    /// perturbed data) their occluders. True when each row must still go through `perturb`
    /// (with `seed`, `data` being perturbed), so that the rows can be shared out.
    func gatherUnperturbed(_ data: Dataset, rows: some Collection<Int>, epoch: Int, seed: PerturbationSeed?) -> Bool {
        gather(data.inputs, rows: rows)
        for (r, i) in rows.enumerated() { labels.pointer[r] = data.labels[i] }
        guard let (_, size) = data.perturbation, let seed, dense != nil else { return false }
        if perturbationScratch == nil {
            perturbationScratch = PerturbationScratch(size: size)
            occluders = Minibatch(capacity: capacity, for: data.inputs)
        }
        occluders!.gather(data.inputs, rows: rows.map { seed.occluder(epoch: epoch, example: $0, examples: data.count) })
        return true
    }

    /// Perturbs row `row` (holding `example`, gathered by `gatherUnperturbed`) as drawn for it
    /// in `epoch` by `seed`. Rows are independent: any thread may perturb any row, each with
    /// its own `scratch`.
    func perturb(row: Int, example: Int, _ data: Dataset, epoch: Int, seed: PerturbationSeed, scratch: PerturbationScratch) {
        guard let (perturbation, _) = data.perturbation, let images = dense, case .dense(let o) = occluders!.input else { return }
        var rng = seed.generator(epoch: epoch, example: example)
        perturbation.apply(to: images.pointer + row * width, occluder: o + row * width, rng: &rng, scratch: scratch)
    }

    private var perturbationScratch: PerturbationScratch?
    private var occluders: Minibatch?

    /// Copies the rows `rows` of `inputs` (at most `capacity`) into the batch; labels are left
    /// as they are (unsupervised pre-training has none).
    public func gather(_ inputs: Inputs, rows: some Collection<Int>) {
        precondition(rows.count <= capacity && inputs.width == width, "batch does not fit its buffers")
        count = rows.count
        switch inputs {
        case .dense(let m):
            let out = dense!.pointer
            m.storage.withUnsafeBufferPointer { x in
                for (r, i) in rows.enumerated() {
                    (out + r * width).update(from: x.baseAddress! + i * width, count: width)
                }
            }
        case .bytes(let b):
            let out = dense!.pointer
            for (r, i) in rows.enumerated() { b.convert(from: i * width, count: width, into: out + r * width) }
        case .sparse(let s):
            let needed = rows.reduce(0) { $0 + s.rowStart[$1 + 1] - s.rowStart[$1] }
            if needed > columns.count {
                columns = AlignedBuffer(count: needed * 2)
                values = FloatBuffer(count: needed * 2)
            }
            s.columnIndices.withUnsafeBufferPointer { c in
                s.values.withUnsafeBufferPointer { v in
                    var p = 0
                    rowStart.pointer[0] = 0
                    for (r, i) in rows.enumerated() {
                        let (start, n) = (s.rowStart[i], s.rowStart[i + 1] - s.rowStart[i])
                        if n > 0 {
                            (columns.pointer + p).update(from: c.baseAddress! + start, count: n)
                            (values.pointer + p).update(from: v.baseAddress! + start, count: n)
                        }
                        p += n
                        rowStart.pointer[r + 1] = Int32(p)
                    }
                }
            }
        }
    }

    /// Rewrites row `row` of the current batch in place: `body` gets the row's values (dense:
    /// all `width`, `columns` nil; sparse: its stored entries and their columns) and, for a
    /// sparse row, returns how many entries it keeps (moved to the front of the row). Call
    /// `compactRows` after the rows are rewritten.
    func rewriteRow(_ row: Int, _ body: (UnsafeMutableBufferPointer<Float>, UnsafeMutableBufferPointer<Int32>?) -> Int) {
        precondition(row < count)
        if let dense {
            _ = body(UnsafeMutableBufferPointer(start: dense.pointer + row * width, count: width), nil)
            return
        }
        let start = Int(rowStart.pointer[row]), n = Int(rowStart.pointer[row + 1]) - start
        let kept = body(UnsafeMutableBufferPointer(start: values.pointer + start, count: n),
                        UnsafeMutableBufferPointer(start: columns.pointer + start, count: n))
        precondition(kept >= 0 && kept <= n)
        keptEntries[row] = kept
    }

    /// Closes the gaps `rewriteRow` left in a sparse batch (each row's kept entries follow the
    /// previous row's); nothing to do for a dense one.
    func compactRows() {
        guard dense == nil else { return }
        var p = 0
        for r in 0..<count {
            let start = Int(rowStart.pointer[r]), kept = keptEntries[r]
            let n = kept >= 0 ? kept : Int(rowStart.pointer[r + 1]) - start
            // p <= start, so a forward copy never overwrites an entry before it is read.
            for i in 0..<n {
                columns.pointer[p + i] = columns.pointer[start + i]
                values.pointer[p + i] = values.pointer[start + i]
            }
            rowStart.pointer[r] = Int32(p)
            p += n
        }
        rowStart.pointer[count] = Int32(p)
        for r in 0..<count { keptEntries[r] = -1 }
    }

    /// Entries kept per rewritten row (-1: not rewritten), until `compactRows`.
    private lazy var keptEntries = [Int](repeating: -1, count: capacity)

    /// The current batch as the first layer reads it (valid until the next `gather`).
    public var input: BatchInput {
        if let dense { return .dense(UnsafePointer(dense.pointer)) }
        return .sparse(SparseBatch(rowStart: rowStart.pointer, columns: columns.pointer, values: values.pointer, rows: count))
    }
}

extension Inputs {
    /// Calls `body` with consecutive batches of at most `size` rows, in order, without copying
    /// the values (bytes are converted into one batch-sized buffer): for evaluation and other
    /// passes over a whole dataset.
    public func withBatches(size: Int, _ body: (BatchInput, Range<Int>) throws -> Void) rethrows {
        precondition(size > 0)
        switch self {
        case .dense(let m):
            try m.storage.withUnsafeBufferPointer { x in
                for start in stride(from: 0, to: m.rows, by: size) {
                    let range = start..<min(start + size, m.rows)
                    try body(.dense(x.baseAddress! + start * m.columns), range)
                }
            }
        case .bytes(let b):
            let values = FloatBuffer(count: min(size, b.rows) * b.columns)
            for start in stride(from: 0, to: b.rows, by: size) {
                let range = start..<min(start + size, b.rows)
                b.convert(from: start * b.columns, count: range.count * b.columns, into: values.pointer)
                try body(.dense(values.pointer), range)
            }
        case .sparse(let s):
            let rowStart = AlignedBuffer<Int32>(count: size + 1)
            // Arrays without elements have no address; a batch without entries reads none.
            let noColumns = AlignedBuffer<Int32>(count: 1), noValues = FloatBuffer(count: 1)
            try s.columnIndices.withUnsafeBufferPointer { c in
                try s.values.withUnsafeBufferPointer { v in
                    let (columns, values) = (c.baseAddress ?? UnsafePointer(noColumns.pointer),
                                             v.baseAddress ?? UnsafePointer(noValues.pointer))
                    for start in stride(from: 0, to: s.rows, by: size) {
                        let range = start..<min(start + size, s.rows)
                        let first = s.rowStart[start]
                        for (r, i) in range.enumerated() { rowStart.pointer[r] = Int32(s.rowStart[i] - first) }
                        rowStart.pointer[range.count] = Int32(s.rowStart[range.upperBound] - first)
                        try body(.sparse(SparseBatch(rowStart: rowStart.pointer, columns: columns + first,
                                                     values: values + first, rows: range.count)), range)
                    }
                }
            }
        }
    }
}
