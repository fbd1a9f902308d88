import Foundation
import Rectifier
import Testing

/// Input dropout during supervised training: what it drops, how it scales, that its draws
/// belong to the example (not the batch), and that it reaches the trainer and its record.
@Suite struct InputDropoutTests {
    /// The batch's rows as dense values, whether it is stored dense or CSR.
    static func denseRows(_ batch: Minibatch) -> [Float] {
        var out = [Float](repeating: 0, count: batch.count * batch.width)
        switch batch.input {
        case .dense(let x): for i in out.indices { out[i] = x[i] }
        case .sparse(let x):
            #expect(x.rowStart[0] == 0)
            for r in 0..<batch.count {
                var previous: Int32 = -1
                for p in Int(x.rowStart[r])..<Int(x.rowStart[r + 1]) {
                    #expect(x.columns[p] > previous, "columns increase within a row")
                    previous = x.columns[p]
                    out[r * batch.width + Int(x.columns[p])] = x.values[p]
                }
            }
        }
        return out
    }

    static func gathered(_ data: Dataset, rows: [Int], dropout: InputDropout?, epoch: Int = 0) -> [Float] {
        let batch = Minibatch(capacity: rows.count, for: data)
        batch.gather(data, rows: rows)
        dropout?.apply(to: batch, examples: rows, epoch: epoch)
        return denseRows(batch)
    }

    /// Every value is either dropped (0) or kept and scaled by exactly 1/(1-p), the kept
    /// fraction is about 1-p, and dense and CSR storage of the same rows drop the same entries
    /// when the rows have no zeros (a CSR row draws once per stored entry).
    @Test func dropsAboutPAndScalesTheRestByOneOverOneMinusP() {
        let r = TestSupport.randomMatrix(40, 50, seed: 3)
        let m = Matrix(rows: 40, columns: 50, storage: r.storage.map { abs($0) + 0.5 })  // no zeros
        let labels = [Int32](repeating: 0, count: 40)
        let dense = Dataset(name: "d", features: m, labels: labels, classes: 1)
        let sparse = Dataset(name: "s", inputs: .sparse(SparseMatrix(m)), labels: labels, classes: 1)
        let dropout = InputDropout(rate: 0.4, runSeed: 7)
        let rows = Array(0..<40)
        let original = m.gatherRows(rows).storage
        let fromDense = Self.gathered(dense, rows: rows, dropout: dropout)
        let fromSparse = Self.gathered(sparse, rows: rows, dropout: dropout)
        #expect(fromDense == fromSparse)
        var kept = 0
        for (x, y) in zip(original, fromDense) where y != 0 {
            #expect(y == x * (1 / (1 - 0.4)))
            kept += 1
        }
        let fraction = Double(kept) / Double(original.count)
        #expect(abs(fraction - 0.6) < 0.03, "kept \(fraction)")
    }

    /// An example's draws depend on the seed, the epoch and the example only: the same rows in
    /// another batch (order, company) lose the same entries; another epoch or seed draws anew.
    @Test func anExamplesDrawsDoNotDependOnItsBatch() {
        let m = BatchPipelineTests.sparseRows(12, 300, density: 0.2, seed: 5)
        let data = Dataset(name: "s", inputs: .sparse(SparseMatrix(m)), labels: [Int32](repeating: 0, count: 12), classes: 1)
        let dropout = InputDropout(rate: 0.5, runSeed: 1)
        let alone = Self.gathered(data, rows: [9], dropout: dropout)
        let inBatch = Self.gathered(data, rows: [4, 9, 0], dropout: dropout)
        #expect(Array(inBatch[300..<600]) == alone)
        #expect(Self.gathered(data, rows: [9], dropout: dropout, epoch: 1) != alone)
        #expect(Self.gathered(data, rows: [9], dropout: InputDropout(rate: 0.5, runSeed: 2)) != alone)
        // Rate 0 keeps everything as it was.
        #expect(Self.gathered(data, rows: [4, 9, 0], dropout: InputDropout(rate: 0, runSeed: 1))
                == m.gatherRows([4, 9, 0]).storage)
    }

    /// A CSR row whose every entry is dropped leaves an empty row, and the rows after it keep
    /// their own entries.
    @Test func aRowCanLoseEveryEntry() {
        let m = Matrix(rows: 3, columns: 4, storage: [0, 1, 0, 0,  1, 1, 1, 1,  0, 0, 2, 0])
        let data = Dataset(name: "s", inputs: .sparse(SparseMatrix(m)), labels: [0, 0, 0], classes: 1)
        // Find a seed whose draws drop row 0's single entry: the rest must still line up.
        for seed in UInt64(0)..<200 {
            let dropout = InputDropout(rate: 0.5, runSeed: seed)
            let out = Self.gathered(data, rows: [0, 1, 2], dropout: dropout)
            guard out[1] == 0 else { continue }
            #expect(Array(out[0..<4]) == [0, 0, 0, 0])
            #expect(out[4..<8].allSatisfy { $0 == 0 || $0 == 2 })
            #expect(Array(out[8..<12]) == Self.gathered(data, rows: [2], dropout: dropout))
            return
        }
        Issue.record("no seed in 0..<200 dropped row 0's entry")
    }

    /// The trainer applies it: a run with dropout differs from one without, repeats exactly
    /// with the same seed, and records the rate (absent when off, so earlier hashes hold).
    @Test func trainingWithInputDropoutIsDeterministicAndRecorded() throws {
        var c = TrainingTests.config(epochs: 2)
        c.hiddenSizes = [32]
        let (plain, _) = try TrainingTests.train(c)
        c.inputDropout = 0.3
        let (a, _) = try TrainingTests.train(c)
        let (b, _) = try TrainingTests.train(c)
        #expect(a.network == b.network)
        #expect(a.history.last!.trainLoss != plain.history.last!.trainLoss)
        let json = String(decoding: try FileIO.jsonEncoder().encode(c), as: UTF8.self)
        #expect(json.contains("\"input_dropout\""), "\(json)")
        #expect(!String(decoding: try FileIO.jsonEncoder().encode(TrainingConfig()), as: UTF8.self).contains("dropout"))
        c.inputDropout = 1
        #expect(throws: UsageError.self) { try c.validate() }
    }
}
