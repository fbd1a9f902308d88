/// Dropout on the input features during supervised training: each input value of a training
/// batch is zeroed with probability `rate` and the kept ones are scaled by 1 / (1 - `rate`), so
/// that evaluation and prediction read the clean inputs at the same expected scale. For a bag
/// of words it acts as an adaptive regulariser of the first layer (Wager, Wang & Liang 2013,
/// "Dropout training as adaptive regularization"): a review must be classified from a random
/// part of its terms.
///
/// The draws for an example depend only on the run's seed, the epoch and the example, never on
/// the batch it lands in or the thread, so a resumed run sees the same noise. A sparse (CSR)
/// batch stays sparse: dropped entries are removed, nothing is densified.
public struct InputDropout: Sendable, Equatable {
    /// Probability of dropping each input value, in [0, 1).
    public let rate: Float
    /// The word every per-example generator is mixed from.
    let key: UInt64

    /// Dropout at `rate` for the run seeded with `runSeed` (its own stream: turning dropout on
    /// shifts no other random choice of the run).
    public init(rate: Float, runSeed: UInt64) {
        precondition(rate >= 0 && rate < 1, "input dropout rate must be in [0, 1)")
        self.rate = rate
        var stream = RandomSource(seed: runSeed).derived("input-dropout")
        key = stream.next()
    }

    /// The generator of `example`'s draws in `epoch`.
    func generator(epoch: Int, example: Int) -> RandomSource {
        PerturbationSeed(key: key).generator(epoch: epoch, example: example)
    }

    /// Applies the dropout to the batch `minibatch` holds, whose row r is example `examples[r]`.
    public func apply(to minibatch: Minibatch, examples: some Collection<Int>, epoch: Int) {
        precondition(examples.count == minibatch.count, "one example index per row")
        let scale = 1 / (1 - rate)
        for (row, example) in examples.enumerated() {
            var rng = generator(epoch: epoch, example: example)
            // Dense rows draw once per value, sparse rows once per stored entry (zeros stay zeros).
            minibatch.rewriteRow(row) { values, columns in
                var kept = 0
                for i in 0..<values.count {
                    let dropped = rng.nextUnitFloat() < rate
                    if let columns {
                        guard !dropped else { continue }
                        values[kept] = values[i] * scale
                        columns[kept] = columns[i]
                        kept += 1
                    } else {
                        values[i] = dropped ? 0 : values[i] * scale
                    }
                }
                return kept
            }
        }
        minibatch.compactRows()
    }
}
