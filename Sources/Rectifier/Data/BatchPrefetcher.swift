import Dispatch

/// Gathers the next minibatch on a worker thread while the current step runs. Perturbed
/// images (NISTP) cost about as much to make as a minibatch-10 step costs to train; made ahead,
/// on the core the step leaves idle, they cost the step little. Which batch comes out does not
/// depend on it: a batch is fixed by its rows, epoch and seed.
public final class BatchPrefetcher: @unchecked Sendable {
    private let buffers: [Minibatch]
    private var current = 0
    private var pending: (rows: [Int], epoch: Int)?
    private let queue = DispatchQueue(label: "rectifier.prefetch")
    private let group = DispatchGroup()

    /// Two buffers of `capacity` examples of `data`.
    public init(capacity: Int, for data: Dataset) {
        buffers = [Minibatch(capacity: capacity, for: data), Minibatch(capacity: capacity, for: data)]
    }

    /// The batch of `rows` of `data` in `epoch`: the one made ahead when it is that one, else
    /// made now. Valid until the next call.
    public func take(_ data: Dataset, rows: some Collection<Int>, epoch: Int, seed: PerturbationSeed?) -> Minibatch {
        group.wait()
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
        group.wait()
        let buffer = buffers[1 - current]
        let rows = Array(rows)
        pending = (rows, epoch)
        queue.async(group: group) { buffer.gather(data, rows: rows, epoch: epoch, seed: seed) }
    }

    deinit { group.wait() }
}
