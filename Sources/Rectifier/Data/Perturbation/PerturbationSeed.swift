/// Where the randomness of each perturbed example comes from: one generator per (epoch,
/// example), derived from the run's seed alone. The perturbation of example i in epoch e is
/// therefore the same whatever the batch size, the batch it falls in, or the thread that
/// computes it, and a resumed run perturbs exactly as an uninterrupted one.
public struct PerturbationSeed: Sendable, Equatable, Codable {
    /// The word every per-example generator is mixed from.
    public let key: UInt64

    /// The seed of a run whose generators come from `RandomSource(seed: runSeed)`: its
    /// `derived("perturb")` stream, so that perturbing shifts no other stream of the run.
    public init(runSeed: UInt64) {
        var stream = RandomSource(seed: runSeed).derived("perturb")
        key = stream.next()
    }

    /// Generators mixed from `key` (other per-example noise, such as `InputDropout`, uses the same scheme).
    init(key: UInt64) { self.key = key }

    /// The generator that perturbs `example` in `epoch`.
    public func generator(epoch: Int, example: Int) -> RandomSource {
        RandomSource(seed: Self.mix(Self.mix(key &+ UInt64(truncatingIfNeeded: epoch)) ^ UInt64(truncatingIfNeeded: example)))
    }

    /// The example whose image occludes `example` in `epoch` (the occlusion step pastes a piece
    /// of another character): uniform over the `examples` others, fixed by the same seed.
    /// `example` itself only when it is the only one.
    public func occluder(epoch: Int, example: Int, examples: Int) -> Int {
        precondition(examples > 0 && (0..<examples).contains(example))
        guard examples > 1 else { return example }
        var rng = generator(epoch: epoch, example: example).derived("occluder")
        let other = rng.nextInt(below: examples - 1)
        return other < example ? other : other + 1
    }

    /// SplitMix64's finaliser: a bijection on 64-bit words that spreads every input bit.
    static func mix(_ word: UInt64) -> UInt64 {
        var z = word &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
