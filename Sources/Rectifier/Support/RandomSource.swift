/// Rectifier's own pseudo-random generator: xoshiro256** (Blackman & Vigna), seeded through
/// SplitMix64. Every random choice in a run (initial weights, sign masks, data order, noise)
/// comes from one of these, so a seed gives the same run on every machine and Swift version.
///
/// Its whole state is four words (`state`), which checkpoints save and restore.
public struct RandomSource: RandomNumberGenerator, Sendable, Codable, Equatable {
    /// The generator state.
    @usableFromInline var state: (UInt64, UInt64, UInt64, UInt64)

    /// A generator whose stream is fixed by `seed`.
    public init(seed: UInt64) {
        var sm = seed
        func splitMix() -> UInt64 {
            sm &+= 0x9E37_79B9_7F4A_7C15
            var z = sm
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        state = (splitMix(), splitMix(), splitMix(), splitMix())
    }

    /// A generator with exactly this state (not all zero).
    public init(state: (UInt64, UInt64, UInt64, UInt64)) {
        precondition(state != (0, 0, 0, 0), "xoshiro state must not be all zero")
        self.state = state
    }

    /// An independent generator for a named purpose, so that adding a random draw in one place
    /// does not shift the stream of another (e.g. `derived("init")`, `derived("order")`).
    public func derived(_ purpose: String) -> RandomSource {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325  // FNV-1a over the purpose, mixed with the state
        for byte in purpose.utf8 {
            h = (h ^ UInt64(byte)) &* 0x0000_0100_0000_01B3
        }
        return RandomSource(seed: h ^ state.0 ^ (state.2 &* 31))
    }

    @inlinable
    public mutating func next() -> UInt64 {
        let result = rotl(state.1 &* 5, 7) &* 9
        let t = state.1 << 17
        state.2 ^= state.0
        state.3 ^= state.1
        state.1 ^= state.2
        state.0 ^= state.3
        state.2 ^= t
        state.3 = rotl(state.3, 45)
        return result
    }

    @inlinable
    func rotl(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }

    /// A float uniform in [0, 1), from the top 24 bits.
    @inlinable
    public mutating func nextUnitFloat() -> Float {
        Float(next() >> 40) * (1.0 / 16_777_216.0)
    }

    /// A float uniform in [-limit, limit).
    @inlinable
    public mutating func nextFloat(symmetric limit: Float) -> Float {
        (2 * nextUnitFloat() - 1) * limit
    }

    /// An integer uniform in 0..<bound, without modulo bias (Lemire's method).
    public mutating func nextInt(below bound: Int) -> Int {
        precondition(bound > 0)
        let b = UInt64(bound)
        var product = next().multipliedFullWidth(by: b)
        if product.low < b {
            let threshold = (0 &- b) % b
            while product.low < threshold { product = next().multipliedFullWidth(by: b) }
        }
        return Int(product.high)
    }

    /// Shuffles `array` in place (Fisher-Yates), using only this generator.
    public mutating func shuffle<T>(_ array: inout [T]) {
        guard array.count > 1 else { return }
        for i in stride(from: array.count - 1, to: 0, by: -1) {
            array.swapAt(i, nextInt(below: i + 1))
        }
    }

    public static func == (l: RandomSource, r: RandomSource) -> Bool { l.state == r.state }

    enum CodingKeys: CodingKey { case state }
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let s = try c.decode([UInt64].self, forKey: .state)
        guard s.count == 4, s != [0, 0, 0, 0] else {
            throw DecodingError.dataCorruptedError(forKey: .state, in: c, debugDescription: "bad generator state")
        }
        state = (s[0], s[1], s[2], s[3])
    }
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode([state.0, state.1, state.2, state.3], forKey: .state)
    }
}
