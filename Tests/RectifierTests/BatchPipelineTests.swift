import Foundation
import Rectifier
import Testing

/// The one batch pipeline: epoch orders, gathering dense and sparse batches, whole-dataset
/// passes, and sparse (CSR) inputs through the first layer against the dense path.
@Suite struct BatchPipelineTests {
    /// Rows of about `density` non-zeros (values in (0, 1]), like binary bags of words.
    static func sparseRows(_ rows: Int, _ columns: Int, density: Float, seed: UInt64) -> Matrix {
        var rng = RandomSource(seed: seed)
        return Matrix(rows: rows, columns: columns, storage: (0..<(rows * columns)).map { _ in
            rng.nextUnitFloat() < density ? 1 - rng.nextUnitFloat() : 0
        })
    }

    @Test func anEpochVisitsEveryExampleOnceInTheGeneratorsOrder() {
        var order = DataOrder(generator: RandomSource(seed: 4))
        #expect(order.isBetweenEpochs)
        order.beginEpoch(examples: 23)
        var seen: [Int] = []
        while let batch = order.nextBatch(size: 5) { seen += batch }
        #expect(seen.count == 23 && Set(seen) == Set(0..<23))
        #expect(order.epochIsComplete)
        var rng = RandomSource(seed: 4)
        var expected = Array(0..<23)
        rng.shuffle(&expected)
        #expect(seen == expected)
        order.endEpoch()
        order.beginEpoch(examples: 23)
        let second = Array(order.indices)
        #expect(second != seen, "the next epoch draws a new shuffle")
        // Rewinding replays the epoch's shuffle; restoring mid-epoch rebuilds it.
        _ = order.nextBatch(size: 7)
        let mid = DataOrder(generator: order.generator, epochStartGenerator: order.epochStartGenerator, position: order.position)
        var restored = mid
        let rebuilt = restored.restore(examples: 23)
        #expect(rebuilt)
        #expect(restored.indices == second && restored.position == 7)
        let beyond = restored.restore(examples: 5)
        #expect(!beyond, "a position beyond the data is refused")
        order.rewindEpoch()
        order.beginEpoch(examples: 23)
        #expect(Array(order.indices) == second)
    }

    @Test func gatheringGivesTheSubsetWhetherDenseOrSparse() {
        let m = Self.sparseRows(9, 12, density: 0.3, seed: 1)
        let labels: [Int32] = [0, 1, 2, 0, 1, 2, 0, 1, 2]
        let dense = Dataset(name: "d", features: m, labels: labels, classes: 3)
        let sparse = Dataset(name: "s", inputs: .sparse(SparseMatrix(m)), labels: labels, classes: 3)
        let rows = [7, 2, 2, 5]
        for data in [dense, sparse] {
            let batch = Minibatch(capacity: 4, for: data)
            batch.gather(data, rows: rows)
            #expect(batch.count == 4)
            #expect((0..<4).map { batch.labels.pointer[$0] } == rows.map { labels[$0] })
            var got = [Float](repeating: 0, count: 4 * 12)
            switch batch.input {
            case .dense(let x): for i in got.indices { got[i] = x[i] }
            case .sparse(let x):
                #expect(x.rows == 4 && x.nonZeros == rows.reduce(0) { $0 + m.row($1).filter { $0 != 0 }.count })
                for r in 0..<4 {
                    for p in Int(x.rowStart[r])..<Int(x.rowStart[r + 1]) { got[r * 12 + Int(x.columns[p])] = x.values[p] }
                }
            }
            #expect(got == m.gatherRows(rows).storage)
        }
    }

    /// The input's sparsity, counted by hand, whichever way the rows are stored.
    @Test func zeroFractionIsTheSameDenseSparseOrBytes() {
        let m = Matrix(rows: 2, columns: 4, storage: [0, 1, 0, 0.5, 0, 0, 0, 1])
        let bytes = ByteMatrix(rows: 2, columns: 4, bytes: [0, 2, 0, 1, 0, 0, 0, 2], scale: 0.5)
        for inputs in [Inputs.dense(m), .sparse(SparseMatrix(m)), .bytes(bytes)] {
            #expect(inputs.zeroFraction == 5.0 / 8, "\(inputs)")
        }
        let shifted = ByteMatrix(rows: 1, columns: 2, bytes: [0, 1], scale: 1, offset: -1)  // values -1 and 0
        #expect(Inputs.bytes(shifted).zeroFraction == 0.5)
    }

    @Test func wholeDatasetPassesSeeEveryRowOnce() {
        let m = Self.sparseRows(10, 6, density: 0.4, seed: 2)
        for inputs in [Inputs.dense(m), .sparse(SparseMatrix(m))] {
            var ranges: [Range<Int>] = []
            var total = 0
            inputs.withBatches(size: 4) { batch, range in
                ranges.append(range)
                if case .sparse(let s) = batch {
                    total += s.nonZeros
                    #expect(s.rowStart[0] == 0)
                }
            }
            #expect(ranges == [0..<4, 4..<8, 8..<10])
            if inputs.isSparse { #expect(total == m.storage.filter { $0 != 0 }.count) }
        }
    }

    /// A network fed CSR batches gives the dense results: the forward pass at batch 1, 10 and
    /// 1000; one SGD step (fused row update) and the recorded gradients at batch 1, 10 and 1000.
    @Test(arguments: [1, 10, 1000])
    func sparseInputsMatchTheDensePath(batch: Int) {
        let (k, n) = (300, 40)
        let x = Self.sparseRows(batch, k, density: 0.02, seed: UInt64(batch))
        let csr = SparseMatrix(x)
        var rng = RandomSource(seed: 9)
        let start = Network(Architecture(inputSize: k, hiddenSizes: [n, 20], classes: 5, activation: .rectifier), rng: &rng)
        let labels = (0..<batch).map { Int32($0 % 5) }
        let la = LinearAlgebra.builtin(threads: 2)
        func step<O: Optimizer>(_ input: Inputs, _ optimizer: inout O) -> (Network, [Float]) {
            var net = start
            let ws = Workspace(for: net, capacity: batch)
            var logits: [Float] = []
            input.withBatches(size: batch) { b, _ in
                net.forward(b, batch: batch, workspace: ws, using: la)
                logits = Array(UnsafeBufferPointer(start: ws.outputs[2].pointer, count: batch * 5))
                labels.withUnsafeBufferPointer { y in
                    _ = net.trainStep(b, labels: y.baseAddress!, batch: batch, l1: 0.001, optimizer: &optimizer, workspace: ws, using: la)
                }
            }
            return (net, logits)
        }
        var sgdDense = SGD(learningRate: 0.1, for: start), sgdSparse = sgdDense
        let (dense, denseLogits) = step(.dense(x), &sgdDense)
        let (sparse, sparseLogits) = step(.sparse(csr), &sgdSparse)
        #expect(TestSupport.maxRelativeError(sparseLogits, denseLogits) < 1e-5)
        #expect(dense != start)
        for l in dense.layers.indices {
            #expect(TestSupport.maxRelativeError(sparse.layers[l].weights.storage, dense.layers[l].weights.storage) < 1e-5, "layer \(l)")
            #expect(TestSupport.maxRelativeError(sparse.layers[l].bias, dense.layers[l].bias) < 1e-5)
        }
        // Rows of W whose input is zero in the whole batch are not touched by the sparse update.
        for i in 0..<k where (0..<batch).allSatisfy({ x[$0, i] == 0 }) {
            #expect(Array(sparse.layers[0].weights.row(i)) == Array(start.layers[0].weights.row(i)))
        }
        var recordDense = GradientRecorder(for: start), recordSparse = GradientRecorder(for: start)
        _ = step(.dense(x), &recordDense)
        _ = step(.sparse(csr), &recordSparse)
        #expect(TestSupport.maxRelativeError(recordSparse.weightGradients[0].storage, recordDense.weightGradients[0].storage) < 1e-5)
        var momentumDense = SGD(learningRate: 0.1, momentum: 0.9, for: start), momentumSparse = momentumDense
        let (md, _) = step(.dense(x), &momentumDense)
        let (ms, _) = step(.sparse(csr), &momentumSparse)
        #expect(TestSupport.maxRelativeError(ms.layers[0].weights.storage, md.layers[0].weights.storage) < 1e-5)
    }

    /// Training and evaluation on a dataset stored sparse give the dense dataset's run.
    @Test func aRunOnSparseInputsMatchesTheDenseRun() throws {
        let x = Self.sparseRows(300, 120, density: 0.05, seed: 3)
        let labels = (0..<300).map { r in Int32((0..<120).filter { x[r, $0] != 0 }.count % 3) }
        func splits(_ inputs: Inputs) -> DataSplits {
            let all = Dataset(name: "toy", inputs: inputs, labels: labels, classes: 3)
            return DataSplits(train: all.slice(0..<200), validation: all.slice(200..<250), test: all.slice(250..<300))
        }
        var config = TrainingConfig()
        config.hiddenSizes = [32]
        config.epochs = 2
        config.learningRate = 0.05
        let trainer = Trainer(config: config, linearAlgebra: .builtin(threads: 1))
        var results: [(TrainingState, Evaluation)] = []
        for data in [splits(.dense(x)), splits(.sparse(SparseMatrix(x)))] {
            var state = trainer.initialState(for: data)
            trainer.run(&state, data: data)
            results.append((state, try state.network.evaluate(data.test, using: trainer.linearAlgebra)))
        }
        #expect(TestSupport.maxRelativeError(results[1].0.network.layers[0].weights.storage,
                                             results[0].0.network.layers[0].weights.storage) < 1e-4)
        #expect(abs(results[1].1.errorRate - results[0].1.errorRate) <= 0.02)
        #expect(results[1].0.history.count == 2)
    }

    @Test func storedPerturbationsAreTheImagesTheBenchmarkDrawsOnTheFly() throws {
        // bench compares perturbing on the fly with training on the same images stored: they
        // must be the same images (epoch 0, the benchmark's seed), whatever the chunking.
        var data = SyntheticData.mnistShaped(train: 600, test: 10)
        data.train.perturbation = (try Perturbation(level: 0.7), try ImageSize(width: 28, height: 28))
        let bench = ThroughputBenchmark()
        let stored = bench.storedPerturbations(of: data)
        #expect(stored.train.perturbation == nil && stored.train.labels == data.train.labels)
        let rows = [0, 255, 256, 599]
        let onTheFly = Minibatch(capacity: rows.count, for: data.train)
        onTheFly.gather(data.train, rows: rows, epoch: 0, seed: PerturbationSeed(runSeed: bench.seed))
        let plain = Minibatch(capacity: rows.count, for: stored.train)
        plain.gather(stored.train, rows: rows)
        let clean = Minibatch(capacity: rows.count, for: data.train)
        clean.gather(data.train.inputs, rows: rows)
        guard case .dense(let a) = onTheFly.input, case .dense(let b) = plain.input, case .dense(let c) = clean.input else {
            Issue.record("dense batches expected")
            return
        }
        let n = rows.count * 784
        #expect(Array(UnsafeBufferPointer(start: a, count: n)) == Array(UnsafeBufferPointer(start: b, count: n)))
        #expect(Array(UnsafeBufferPointer(start: a, count: n)) != Array(UnsafeBufferPointer(start: c, count: n)))
    }

    @Test func evaluateRefusesDataOfTheWrongShape() throws {
        var rng = RandomSource(seed: 1)
        let net = Network(Architecture(inputSize: 12, hiddenSizes: [4], classes: 3, activation: .rectifier), rng: &rng)
        let wide = Dataset(name: "wide", features: Matrix(rows: 2, columns: 13), labels: [0, 1], classes: 3)
        #expect(throws: UsageError.self) { try net.evaluate(wide, using: .builtin(threads: 1)) }
        let manyClasses = Dataset(name: "many", features: Matrix(rows: 2, columns: 12), labels: [0, 4], classes: 5)
        do {
            _ = try net.evaluate(manyClasses, using: .builtin(threads: 1))
            Issue.record("five classes accepted by a three-class network")
        } catch let e as UsageError {
            #expect(e.message.contains("3 output classes") && e.message.contains("many has 5"))
        }
        let fits = Dataset(name: "ok", features: Matrix(rows: 2, columns: 12), labels: [0, 2], classes: 3)
        #expect(try net.evaluate(fits, using: .builtin(threads: 1)).examples == 2)
    }

    @Test func probabilitiesAreASoftmaxPerRow() {
        var rng = RandomSource(seed: 2)
        let net = Network(Architecture(inputSize: 6, hiddenSizes: [5], classes: 4, activation: .tanh), rng: &rng)
        let x = TestSupport.randomMatrix(7, 6, seed: 3)
        let p = net.probabilities(for: .dense(x), batchSize: 3, using: .builtin(threads: 1))
        let logits = net.outputs(of: 1, for: .dense(x), using: .builtin(threads: 1))
        for r in 0..<7 {
            let row = logits.row(r).map(Double.init)
            let z = row.map { exp($0 - row.max()!) }.reduce(0, +)
            for c in 0..<4 { #expect(abs(Double(p[r, c]) - exp(row[c] - row.max()!) / z) < 1e-6) }
        }
    }
}
