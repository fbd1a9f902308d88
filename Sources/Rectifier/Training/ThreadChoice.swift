/// Chooses, by measurement, whether the steps of small-batch training run on all threads or on one.
///
/// A step at minibatch 1 or 10 is a dozen parallel regions of a few microseconds each. On a quiet
/// machine two threads beat one by 1.3-1.6×. On a shared VM whose two vCPUs are slowed together
/// (a busy neighbour, or no cache shared between them) the synchronisation costs more than the
/// split saves, and one thread is then up to twice as fast as two, for minutes at a time
/// (docs/performance.md). So in each round both are timed for `probe` (after a few untimed
/// warm-up steps each), and the steps of the next `exploit` run on the faster.
///
/// This changes only the speed: for the batches it applies to, every product runs on the
/// built-in or sparse kernels, which give the same bits for any thread count (tested).
public struct ThreadChoice {
    /// All threads.
    public let all: LinearAlgebra
    /// One thread, same kernels.
    public let one: LinearAlgebra
    /// Untimed steps after each switch: the weights' cache lines move to the other core first.
    let warmUpSteps: Int
    /// How long each side is timed per round.
    let probe: Duration
    /// How long the faster side then runs before the next round.
    let exploit: Duration

    private enum Phase { case warmUp(onOne: Bool, left: Int), timing(onOne: Bool), exploiting }
    private var phase: Phase
    private var phaseStart: ContinuousClock.Instant
    private var phaseSteps = 0
    private var timedDuration = Duration.zero
    private var rateAll = 0.0
    /// Whether the last round found one thread faster.
    public private(set) var prefersOne = false
    /// Rounds in which one thread was faster, and rounds in all (for reports and tests).
    public private(set) var roundsOne = 0, rounds = 0

    /// Largest batch whose steps are tuned: beyond it products are long enough to split well,
    /// and may go to BLAS, whose results depend on its thread count.
    public static let maximumBatch = 32

    /// A chooser for `batch`-sized steps on `la`, or nil when there is nothing to choose (one
    /// thread, or a batch above `maximumBatch` or `la`'s BLAS threshold) or when `la.threadChoice`
    /// is off (all threads on every step).
    public init?(_ la: LinearAlgebra, batch: Int, warmUpSteps: Int = 8, probe: Duration = .milliseconds(25),
                 exploit: Duration = .seconds(2)) {
        guard la.threadChoice, la.threads > 1,
              batch <= Self.maximumBatch, batch < la.blasMinimumDimension || la.backend == .builtin
        else { return nil }
        all = la
        one = la.with(threads: 1)
        self.warmUpSteps = warmUpSteps
        self.probe = probe
        self.exploit = exploit
        phase = .warmUp(onOne: false, left: warmUpSteps)
        phaseStart = ContinuousClock.now
    }

    /// Runs one step with the `LinearAlgebra` its place in the round calls for. `waited` is
    /// time spent before the step waiting for its batch (see `BatchPrefetcher.lastWait`),
    /// counted against the side being timed.
    public mutating func run<R>(waited: Duration = .zero, _ step: (LinearAlgebra) -> R) -> R {
        let onOne: Bool
        var timed = false
        switch phase {
        case .warmUp(let o, _): onOne = o
        case .timing(let o): onOne = o; timed = true
        case .exploiting: onOne = prefersOne
        }
        // Only the step itself is timed: data gathering, reports and checkpoints between steps
        // must not count against the side that happens to be probed then.
        let start = ContinuousClock.now
        let result = step(onOne ? one : all)
        let end = ContinuousClock.now
        if timed { timedDuration += end - start + waited }
        advance(now: end)
        return result
    }

    private mutating func advance(now: ContinuousClock.Instant) {
        phaseSteps += 1
        switch phase {
        case .warmUp(let onOne, let left):
            if left <= 1 { enter(.timing(onOne: onOne), now) } else { phase = .warmUp(onOne: onOne, left: left - 1) }
        case .timing(let onOne):
            guard timedDuration >= probe else { return }
            let rate = Double(phaseSteps) / max(timedDuration.seconds, 1e-9)
            if !onOne {
                rateAll = rate
                enter(.warmUp(onOne: true, left: warmUpSteps), now)
            } else {
                prefersOne = rate > rateAll
                rounds += 1
                roundsOne += prefersOne ? 1 : 0
                enter(.exploiting, now)
            }
        case .exploiting:
            if now - phaseStart >= exploit { enter(.warmUp(onOne: false, left: warmUpSteps), now) }
        }
    }

    private mutating func enter(_ next: Phase, _ now: ContinuousClock.Instant) {
        phase = next
        phaseStart = now
        phaseSteps = 0
        timedDuration = .zero
    }
}

extension Optional where Wrapped == ThreadChoice {
    /// The step on the chooser when there is one, else directly on `la`.
    mutating func runOrDirect<R>(_ la: LinearAlgebra, waited: Duration = .zero, _ step: (LinearAlgebra) -> R) -> R {
        if self == nil { return step(la) }
        return self!.run(waited: waited, step)
    }
}
