/// The order in which epochs visit a dataset's examples: at the start of each epoch, a shuffle
/// of `0..<examples` drawn from the run's own generator; then consecutive minibatches of it.
///
/// The whole state is two generator states and a position, so a checkpoint taken mid-epoch
/// restores the exact order (`restore`), and going back to the start of an epoch (after a
/// divergence) replays the same shuffle.
public struct DataOrder: Sendable, Equatable {
    /// The generator as it is after the current epoch's shuffle.
    public private(set) var generator: RandomSource
    /// The generator before the current epoch's shuffle (equal to `generator` between epochs).
    public private(set) var epochStartGenerator: RandomSource
    /// This epoch's order (empty between epochs and after decoding a checkpoint, until `restore`).
    public private(set) var indices: [Int] = []
    /// Examples of this epoch already handed out.
    public private(set) var position = 0

    /// An order drawn from `generator`, before its first epoch.
    public init(generator: RandomSource) {
        self.generator = generator
        epochStartGenerator = generator
    }

    /// A mid-run order as a checkpoint records it; call `restore` before using it.
    public init(generator: RandomSource, epochStartGenerator: RandomSource, position: Int) {
        self.generator = generator
        self.epochStartGenerator = epochStartGenerator
        self.position = position
    }

    /// Whether no epoch is under way.
    public var isBetweenEpochs: Bool { position == 0 && indices.isEmpty }

    /// Shuffles `0..<examples` for a new epoch.
    public mutating func beginEpoch(examples: Int) {
        epochStartGenerator = generator
        var order = Array(0..<examples)
        generator.shuffle(&order)
        indices = order
        position = 0
    }

    /// The next at most `size` examples of this epoch, or nil when the epoch has none left
    /// (the last batch of an epoch may be smaller).
    public mutating func nextBatch(size: Int) -> ArraySlice<Int>? {
        guard position < indices.count else { return nil }
        let batch = indices[position..<min(position + size, indices.count)]
        position += batch.count
        return batch
    }

    /// The batch `nextBatch(size:)` would give next, without taking it.
    public func peekBatch(size: Int) -> ArraySlice<Int>? {
        guard position < indices.count else { return nil }
        return indices[position..<min(position + size, indices.count)]
    }

    /// Whether this epoch has handed out every example.
    public var epochIsComplete: Bool { !indices.isEmpty && position >= indices.count }

    /// Ends the epoch: the next one draws its shuffle from where this one left the generator.
    public mutating func endEpoch() {
        indices = []
        position = 0
        epochStartGenerator = generator
    }

    /// Goes back to the start of the current epoch: the same shuffle will be drawn again.
    public mutating func rewindEpoch() {
        generator = epochStartGenerator
        indices = []
        position = 0
    }

    /// Rebuilds this epoch's order from `epochStartGenerator` (after loading a checkpoint);
    /// false when the recorded state is inconsistent (the generators disagree, or the position
    /// is beyond `examples`).
    public mutating func restore(examples: Int) -> Bool {
        guard position > 0 else {
            indices = []
            return generator == epochStartGenerator
        }
        guard position <= examples else { return false }
        var rng = epochStartGenerator
        var order = Array(0..<examples)
        rng.shuffle(&order)
        indices = order
        return rng == generator
    }
}
