import CKernels
import Rectifier
import Synchronization
import Testing

/// The C fork-join pool runs every part of every region exactly once, also when consecutive
/// regions have different numbers of parts and there are more threads than cores.
@Suite struct ThreadPoolTests {
    final class Tally: Sendable {
        let counts = Mutex<[Int]>([])
        func reset(_ parts: Int) { counts.withLock { $0 = [Int](repeating: 0, count: parts) } }
    }

    @Test func everyPartRunsExactlyOnce() {
        guard let pool = rk_pool_create(5) else {
            Issue.record("no pool")
            return
        }
        defer { rk_pool_destroy(pool) }
        let tally = Tally()
        var rng = RandomSource(seed: 9)
        let context = Unmanaged.passUnretained(tally).toOpaque()
        for region in 0..<4000 {
            let parts = 1 + rng.nextInt(below: 24)
            tally.reset(parts)
            rk_pool_run(pool, parts, { context, part in
                let tally = Unmanaged<Tally>.fromOpaque(context!).takeUnretainedValue()
                tally.counts.withLock { $0[part] += 1 }
            }, context)
            let counts = tally.counts.withLock { $0 }
            if counts != [Int](repeating: 1, count: parts) {
                Issue.record("region \(region) with \(parts) parts ran \(counts)")
                return
            }
        }
    }
}
