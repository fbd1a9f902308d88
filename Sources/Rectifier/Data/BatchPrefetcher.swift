import CKernels
import Dispatch

/// Gathers the next minibatch while the current step runs. Perturbed images (NISTP) cost about
/// a third of what a minibatch-10 step costs to train; made ahead, they cost the step little.
///
/// With a pool of several threads, the images are perturbed one by one as the pool's
/// background items: its workers take them only while the step has no parallel region for
/// them (its serial parts), so they never compete with the step for a core, and the step's
/// thread perturbs what is left when it takes the batch. Without a pool (one thread), a worker
/// thread makes the whole batch on the core the step leaves idle. Which batch comes out depends
/// on neither: a batch is fixed by its rows, epoch and seed.
public final class BatchPrefetcher: @unchecked Sendable {
    private let buffers: [Minibatch]
    private var current = 0
    private var pending: (rows: [Int], epoch: Int)?
    private let pool: ThreadPool?
    private let queue = DispatchQueue(label: "rectifier.prefetch")
    private let group = DispatchGroup()
    /// The batch being perturbed by the pool, and one scratch per pool thread.
    private var job: Job?
    private var scratches: [PerturbationScratch] = []
    /// How long the last `take` waited for the batch: time the step that follows costs in
    /// truth, which `ThreadChoice` must count.
    public private(set) var lastWait = Duration.zero

    /// Two buffers of `capacity` examples of `data`; the images are perturbed on `pool`'s
    /// workers when it has more than one thread.
    public init(capacity: Int, for data: Dataset, pool: ThreadPool? = nil) {
        buffers = [Minibatch(capacity: capacity, for: data), Minibatch(capacity: capacity, for: data)]
        self.pool = (pool?.threads ?? 1) > 1 ? pool : nil
    }

    /// The batch of `rows` of `data` in `epoch`: the one made ahead when it is that one, else
    /// made now. Valid until the next call.
    public func take(_ data: Dataset, rows: some Collection<Int>, epoch: Int, seed: PerturbationSeed?) -> Minibatch {
        let start = ContinuousClock.now
        finishPending()
        lastWait = ContinuousClock.now - start
        if let p = pending, p.epoch == epoch, p.rows.elementsEqual(rows) {
            current = 1 - current
        } else {
            buffers[current].gather(data, rows: rows, epoch: epoch, seed: seed)
        }
        pending = nil
        return buffers[current]
    }

    /// Starts making the batch of `rows` in `epoch` in the other buffer.
    public func prefetch(_ data: Dataset, rows: some Collection<Int>, epoch: Int, seed: PerturbationSeed?) {
        finishPending()
        let buffer = buffers[1 - current]
        let rows = Array(rows)
        pending = (rows, epoch)
        guard let pool, let seed, let size = data.perturbation?.1 else {
            queue.async(group: group) { buffer.gather(data, rows: rows, epoch: epoch, seed: seed) }
            return
        }
        guard buffer.gatherUnperturbed(data, rows: rows, epoch: epoch, seed: seed) else { return }
        if scratches.isEmpty { scratches = (0..<pool.threads).map { _ in PerturbationScratch(size: size) } }
        let job = Job(buffer: buffer, data: data, examples: rows, epoch: epoch, seed: seed, scratches: scratches)
        let started = rk_pool_background_start(pool.handle, rows.count, { context, item, thread in
            let job = Unmanaged<Job>.fromOpaque(context!).takeUnretainedValue()
            job.buffer.perturb(row: item, example: job.examples[item], job.data, epoch: job.epoch, seed: job.seed,
                               scratch: job.scratches[Int(thread)])
        }, Unmanaged.passUnretained(job).toOpaque())
        if started != 0 { self.job = job }
    }

    /// Waits for the batch being made, helping with its images (the next `take` of it then
    /// returns at once).
    public func finishPending() {
        if job != nil {
            rk_pool_background_finish(pool!.handle)
            job = nil
        }
        group.wait()
    }

    /// What the pool's threads need to perturb the rows of one batch (kept alive by `job`
    /// until the batch is finished).
    private final class Job: @unchecked Sendable {
        let buffer: Minibatch
        let data: Dataset
        let examples: [Int]
        let epoch: Int
        let seed: PerturbationSeed
        let scratches: [PerturbationScratch]

        init(buffer: Minibatch, data: Dataset, examples: [Int], epoch: Int, seed: PerturbationSeed,
             scratches: [PerturbationScratch]) {
            (self.buffer, self.data, self.examples, self.epoch, self.seed, self.scratches) =
                (buffer, data, examples, epoch, seed, scratches)
        }
    }

    deinit { finishPending() }
}
