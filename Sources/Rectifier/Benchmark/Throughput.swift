#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Dispatch

/// Speed of the paper's network (784-1000-1000-1000-10, plain SGD), measured like the PyTorch
/// peer script `torch_mlp.py`: training examples per second over a fixed
/// time from a fresh network (shuffling and batch gathering included), then inference
/// examples per second on the test set, one example at a time and 1000 at a time.
public struct ThroughputBenchmark: Sendable {
    public var hiddenSizes = [1000, 1000, 1000]
    public var activation = Activation.rectifier
    public var learningRate: Float = 0.01
    /// L1 coefficient during the timed training (the peer's throughput runs use 0).
    public var l1: Float = 0
    public var seed: UInt64 = 1234
    /// Seconds of training per batch size.
    public var trainSeconds = 10.0
    /// Test examples timed one at a time (per repetition).
    public var inferenceSingles = 10_000
    /// Repetitions of each inference measurement (the median is reported).
    public var repetitions = 3
    /// The network the timed training starts from (nil: a fresh one of `hiddenSizes`). A
    /// network trained with the paper's recipe times training at the sparsity it has for most
    /// of a real run (80-90% zeros) instead of a fresh network's first seconds.
    public var startingNetwork: Network?

    public init() {}

    /// Training throughput at one batch size.
    public struct Training: Codable, Sendable {
        public var batch: Int
        public var samplesPerSecond: Double
        public var samples: Int
        public var seconds: Double
        /// Mean exact sparsity of the hidden layers on (up to 1000 examples of) the test set
        /// after this training.
        public var hiddenSparsity: Double
        /// Fraction of the `ThreadChoice` rounds that ran on one thread (nil: no choice made).
        public var oneThreadShare: Double?
        /// The level of the NISTP-style perturbations drawn for every example, a batch ahead on a
        /// worker thread as `nistp` trains (nil: none).
        public var perturbationLevel: Float?
        /// With `perturbationLevel`: true when the perturbed images were made before the timing
        /// and stored (`storedPerturbations`), false when made during it, as `nistp` trains.
        public var perturbedBeforehand: Bool?
    }

    /// Inference throughput at one batch size and path.
    public struct Inference: Codable, Sendable {
        public var batch: Int
        /// `dense` (GEMM only) or `sparse` (sparse kernels where the policy picks them).
        public var path: String
        public var samplesPerSecond: Double
        public var repetitions: [Double]
    }

    /// Trains a fresh network at `batch` (at most the training set) for `trainSeconds`; returns the
    /// measurement and the network.
    public func training(batch: Int, data: DataSplits, using la: LinearAlgebra) -> (Training, Network) {
        let run = TrainingRun(self, batch: batch, data: data, using: la)
        run.advance(seconds: trainSeconds)
        return (run.result(), run.net)
    }

    /// Trains a fresh network at `batch` on each of `data` in turn, in slices of `slice` seconds,
    /// until each has trained `trainSeconds`; returns the measurements in the order of `data`
    /// and the network trained on the first. On a shared machine whose speed drifts by tens of
    /// percent within seconds, only such interleaving compares trainings: a drift slows all alike.
    public func interleavedTraining(batch: Int, data: [DataSplits], slice: Double = 0.5,
                                    using la: LinearAlgebra) -> (trainings: [Training], network: Network) {
        precondition(!data.isEmpty)
        let runs = data.map { TrainingRun(self, batch: batch, data: $0, using: la) }
        var done = 0.0
        while done < trainSeconds {
            let length = min(slice, trainSeconds - done)
            for run in runs { run.advance(seconds: length) }
            done += length
        }
        return (runs.map { $0.result() }, runs[0].net)
    }

    /// The training set of `data` with the perturbations that the timed training draws (epoch
    /// 0, this benchmark's seed) applied once and stored: training on it does what training on
    /// `data` does, on the same images, without making them, so the two compare the data
    /// pipeline alone (perturbed images are about 1% zeros, MNIST's 80%, and so cost more to
    /// train on whoever makes them).
    public func storedPerturbations(of data: DataSplits) -> DataSplits {
        let train = data.train
        guard train.perturbation != nil, !train.inputs.isSparse else { return data }  // images only
        let seed = PerturbationSeed(runSeed: self.seed)
        let (width, chunk) = (train.featureCount, 256)
        let chunks = (train.count + chunk - 1) / chunk
        var storage = [Float](repeating: 0, count: train.count * width)
        storage.withUnsafeMutableBufferPointer { out in
            nonisolated(unsafe) let out = out.baseAddress!  // each chunk writes its own rows
            DispatchQueue.concurrentPerform(iterations: chunks) { c in
                let rows = (c * chunk)..<min(train.count, (c + 1) * chunk)
                let batch = Minibatch(capacity: chunk, for: train)
                batch.gather(train, rows: rows, epoch: 0, seed: seed)
                guard case .dense(let x) = batch.input else { return }
                (out + rows.lowerBound * width).update(from: x, count: rows.count * width)
            }
        }
        var stored = data
        stored.train = Dataset(name: train.name, features: Matrix(rows: train.count, columns: width, storage: storage),
                               labels: train.labels, classes: train.classes, classNames: train.classNames)
        return stored
    }

    /// The state of one timed training, so that it can be advanced slice by slice.
    private final class TrainingRun {
        let bench: ThroughputBenchmark
        let data: DataSplits
        let la: LinearAlgebra
        let batch: Int
        var net: Network
        var sgd: SGD
        let ws: Workspace
        let minibatch: Minibatch
        /// Perturbed data is gathered a batch ahead, as the trainer does.
        let prefetcher: BatchPrefetcher?
        let perturbationSeed: PerturbationSeed
        var order: DataOrder
        var threadChoice: ThreadChoice?
        var samples = 0
        var seconds = 0.0

        init(_ bench: ThroughputBenchmark, batch: Int, data: DataSplits, using la: LinearAlgebra) {
            (self.bench, self.data, self.la) = (bench, data, la)
            self.batch = min(batch, data.train.count)
            var rng = RandomSource(seed: bench.seed)
            let arch = Architecture(inputSize: data.train.featureCount, hiddenSizes: bench.hiddenSizes,
                                    classes: data.train.classes, activation: bench.activation)
            net = bench.startingNetwork ?? Network(arch, rng: &rng)
            sgd = SGD(learningRate: bench.learningRate, for: net)
            ws = Workspace(for: net, capacity: self.batch)
            minibatch = Minibatch(capacity: self.batch, for: data.train)
            prefetcher = data.train.perturbation == nil ? nil : BatchPrefetcher(capacity: self.batch, for: data.train, pool: la.pool)
            perturbationSeed = PerturbationSeed(runSeed: bench.seed)
            order = DataOrder(generator: rng.derived("order"))
            threadChoice = ThreadChoice(la, batch: self.batch)  // as the trainer does
        }

        /// Trains for `seconds` more. The batch made ahead is finished inside the slice, so
        /// that its cost is not paid by whatever runs next.
        func advance(seconds length: Double) {
            let clock = ContinuousClock()
            let start = clock.now
            while (clock.now - start).seconds < length {
                guard let rows = order.nextBatch(size: batch) else {
                    order.beginEpoch(examples: data.train.count)
                    continue
                }
                let current: Minibatch
                if let prefetcher {
                    current = prefetcher.take(data.train, rows: rows, epoch: 0, seed: perturbationSeed)
                    if let next = order.peekBatch(size: batch) {
                        prefetcher.prefetch(data.train, rows: next, epoch: 0, seed: perturbationSeed)
                    }
                } else {
                    minibatch.gather(data.train, rows: rows)
                    current = minibatch
                }
                threadChoice.runOrDirect(la, waited: prefetcher?.lastWait ?? .zero) { la in
                    _ = net.trainStep(current, l1: bench.l1, optimizer: &sgd, workspace: ws, using: la)
                }
                samples += current.count
            }
            prefetcher?.finishPending()
            seconds += (clock.now - start).seconds
        }

        func result() -> Training {
            let sparsity = net.measure(data.test.slice(0..<min(1000, data.test.count)), using: la).meanSparsity
            let oneThread = threadChoice.flatMap { $0.rounds > 0 ? Double($0.roundsOne) / Double($0.rounds) : nil }
            return Training(batch: batch, samplesPerSecond: Double(samples) / seconds, samples: samples, seconds: seconds,
                            hiddenSparsity: sparsity, oneThreadShare: oneThread,
                            perturbationLevel: data.train.perturbation?.0.level)
        }
    }

    /// Forward passes over the test set at `batch`, with or without the sparse kernels.
    public func inference(_ net: Network, batch: Int, sparse: Bool, test: Dataset, using la: LinearAlgebra) -> Inference {
        let la = la.with(sparsity: sparse ? .automatic : .never)
        let batch = min(batch, test.count)
        let ws = Workspace(for: net, capacity: batch)
        let n = batch == 1 ? min(inferenceSingles, test.count) : test.count - test.count % batch
        let timed = test.inputs.gatherRows(0..<n)
        let clock = ContinuousClock()
        var rates: [Double] = []
        net.forwardAll(timed.gatherRows(0..<batch), batchSize: batch, workspace: ws, using: la) { _, _ in }  // warm-up
        for _ in 0..<repetitions {
            let start = clock.now
            net.forwardAll(timed, batchSize: batch, workspace: ws, using: la) { _, _ in }
            rates.append(Double(n) / (clock.now - start).seconds)
        }
        return Inference(batch: batch, path: sparse ? "sparse" : "dense", samplesPerSecond: median(rates), repetitions: rates)
    }
}

/// GEMM throughput at the paper's shapes.
public struct GEMMBenchmark: Sendable {
    /// (m, k, n): C[m x n] = A[m x k] B[k x n].
    public static let paperShapes = [(1000, 1000, 1000), (100, 1000, 1000), (10, 784, 1000)]

    /// The products of an SGD step on a 1000x1000 layer at batch 10 and 100 besides the forward
    /// x·W: input gradient δ·Wᵀ and weight gradient xᵀ·δ (as (m, k, n, transA, transB)).
    public static let stepShapes = [(10, 1000, 1000, false, false), (10, 1000, 1000, false, true),
                                    (1000, 10, 1000, true, false), (100, 1000, 1000, false, true),
                                    (1000, 100, 1000, true, false)]

    public struct Result: Codable, Sendable {
        public var backend: String
        public var shape: String
        public var gflops: Double
        public var repetitions: [Double]
        /// `gflops` over the FMA peak of the threads it ran on (`FMAPeak`), when measured.
        public var fractionOfPeak: Double?
    }

    public var repetitions = 5
    /// Each repetition repeats the product until it lasts this long.
    public var minSeconds = 0.3

    public init() {}

    /// GFLOP/s (2mkn per product) of `la` at `m x k x n`, median over repetitions.
    public func measure(_ la: LinearAlgebra, m: Int, k: Int, n: Int, transA: Bool = false, transB: Bool = false) -> Result {
        let a = FloatBuffer(count: m * k), b = FloatBuffer(count: k * n), c = FloatBuffer(count: m * n)
        var rng = RandomSource(seed: 1)
        for i in 0..<(m * k) { a.pointer[i] = rng.nextUnitFloat() }
        for i in 0..<(k * n) { b.pointer[i] = rng.nextUnitFloat() }
        let product = {
            la.gemm(transA: transA, transB: transB, m: m, n: n, k: k, a: a.pointer, lda: transA ? m : k,
                    b: b.pointer, ldb: transB ? k : n, c: c.pointer, ldc: n)
        }
        let rates = secondsPerCall(product, minSeconds: minSeconds, repetitions: repetitions)
            .map { 2 * Double(m * k * n) / $0 / 1e9 }
        let shape = "\(m)x\(k)x\(n)" + (transA ? " Aᵀ" : "") + (transB ? " Bᵀ" : "")
        // A built-in kernel below the CPU's best is named by its instruction set.
        let backend = la.backend == .builtin && la.instructionSet != .best
            ? "builtin \(la.instructionSet)" : la.backend.rawValue
        return Result(backend: backend, shape: shape, gflops: median(rates), repetitions: rates, fractionOfPeak: nil)
    }
}

/// Seconds per call of `body`, once per repetition: after a warm-up call, each repetition
/// repeats it until it lasts about `minSeconds`.
func secondsPerCall(_ body: () -> Void, minSeconds: Double, repetitions: Int) -> [Double] {
    let clock = ContinuousClock()
    body()
    let once = max(clock.measure(body).seconds, 1e-7)
    let inner = max(1, Int(minSeconds / once))
    return (0..<repetitions).map { _ in clock.measure { for _ in 0..<inner { body() } }.seconds / Double(inner) }
}

/// Peak resident memory of this process, in bytes.
public func peakResidentBytes() -> Int {
    var usage = rusage()
    #if os(macOS)
    getrusage(RUSAGE_SELF, &usage)
    return Int(usage.ru_maxrss)
    #else
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Int(usage.ru_maxrss) * 1024  // kilobytes on Linux
    #endif
}

/// The median of `values` (0 when empty).
public func median(_ values: [Double]) -> Double {
    guard !values.isEmpty else { return 0 }
    let s = values.sorted()
    return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
}
