/// Chooses, by measurement, whether the steps of small-batch training run on all threads or on one.
///
/// A step at minibatch 1 or 10 is a dozen parallel regions of a few microseconds each. On a quiet
/// machine two threads beat one by 1.3-1.6×. On a shared VM whose two vCPUs are slowed together
/// (a busy neighbour, or no cache shared between them) the synchronisation costs more than the
/// split saves, and one thread is then up to twice as fast as two, for minutes at a time
/// (README, Performance). So every `period` steps both are timed over `probe` steps each, and
/// the next steps run on the faster.
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
    private var rateAll = 0.0
    /// Whether the last round found one thread faster.
    public private(set) var prefersOne = false
    /// Rounds in which one thread was faster, and rounds in all (for reports and tests).
    public private(set) var roundsOne = 0, rounds = 0

    /// Largest batch whose steps are tuned: beyond it products are long enough to split well,
    /// and may go to BLAS, whose results depend on its thread count.
    public static let maximumBatch = 32

    /// A chooser for `batch`-sized steps on `la`, or nil when there is nothing to choose (one
    /// thread, or a batch above `maximumBatch` or `la`'s BLAS threshold).
    public init?(_ la: LinearAlgebra, batch: Int, warmUpSteps: Int = 8, probe: Duration = .milliseconds(25),
                 exploit: Duration = .seconds(2)) {
        guard la.threads > 1, batch <= Self.maximumBatch, batch < la.blasMinimumDimension || la.backend == .builtin
        else { return nil }
        all = la
        one = la.with(threads: 1)
        self.warmUpSteps = warmUpSteps
        self.probe = probe
        self.exploit = exploit
        phase = .warmUp(onOne: false, left: warmUpSteps)
        phaseStart = ContinuousClock.now
    }

    /// Runs one step with the `LinearAlgebra` its place in the round calls for.
    public mutating func run<R>(_ step: (LinearAlgebra) -> R) -> R {
        let onOne: Bool
        switch phase {
        case .warmUp(let o, _), .timing(let o): onOne = o
        case .exploiting: onOne = prefersOne
        }
        let result = step(onOne ? one : all)
        advance()
        return result
    }

    private mutating func advance() {
        let now = ContinuousClock.now
        phaseSteps += 1
        switch phase {
        case .warmUp(let onOne, let left):
            if left <= 1 { enter(.timing(onOne: onOne), now) } else { phase = .warmUp(onOne: onOne, left: left - 1) }
        case .timing(let onOne):
            let elapsed = now - phaseStart
            guard elapsed >= probe else { return }
            let rate = Double(phaseSteps) / elapsed.seconds
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
    }
}

extension Optional where Wrapped == ThreadChoice {
    /// The step on the chooser when there is one, else directly on `la`.
    mutating func runOrDirect<R>(_ la: LinearAlgebra, _ step: (LinearAlgebra) -> R) -> R {
        if self == nil { return step(la) }
        return self!.run(step)
    }
}
