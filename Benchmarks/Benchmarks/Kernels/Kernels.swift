import Benchmark
import Rectifier

// Kernels and whole SGD steps of the paper's network (784-1000-1000-1000-10), on random
// MNIST-shaped data. Every benchmark also counts mallocs: a steady-state training step must
// make none.

/// A network whose hidden layers are about 85% exact zeros (as with the paper's L1 penalty):
/// negative biases push most units below zero.
func sparseNetwork(seed: UInt64 = 1) -> Network {
    var rng = RandomSource(seed: seed)
    var net = Network(Architecture(inputSize: 784, hiddenSizes: [1000, 1000, 1000], classes: 10, activation: .rectifier),
                      rng: &rng)
    for l in 0..<3 { net.layers[l].bias = [Float](repeating: -0.35, count: 1000) }
    return net
}

let data = SyntheticData.mnistShaped(train: 2000, test: 1000)
let testPixels = data.test.inputs.densified()
let metrics: [BenchmarkMetric] = [.wallClock, .throughput, .mallocCountTotal]

/// Whole SGD steps as the trainer runs them: the next batch of a shuffled epoch gathered into a
/// `Minibatch`, then the step.
func trainingStep(_ name: String, batch: Int, la: LinearAlgebra) {
    Benchmark(name, configuration: .init(metrics: metrics, warmupIterations: 5, maxDuration: .seconds(3))) { benchmark in
        var net = sparseNetwork()
        var sgd = SGD(learningRate: 0.001, for: net)
        let ws = Workspace(for: net, capacity: batch)
        let minibatch = Minibatch(capacity: batch, for: data.train)
        var order = DataOrder(generator: RandomSource(seed: 2))
        order.beginEpoch(examples: data.train.count)
        func step() -> Network.StepResult {
            if order.epochIsComplete { order.beginEpoch(examples: data.train.count) }
            minibatch.gather(data.train, rows: order.nextBatch(size: batch)!)
            return net.trainStep(minibatch, l1: 0.001, optimizer: &sgd, workspace: ws, using: la)
        }
        // steady state: the first steps may copy-on-write the freshly made weights
        for _ in 0..<3 { _ = step() }
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations { blackHole(step()) }
        benchmark.stopMeasurement()
    }
}

func gemm(_ m: Int, _ k: Int, _ n: Int, la: LinearAlgebra) {
    Benchmark("GEMM \(la.backend.rawValue) \(m)x\(k)x\(n)", configuration: .init(metrics: metrics, maxDuration: .seconds(2))) { benchmark in
        let a = FloatBuffer(count: m * k), b = FloatBuffer(count: k * n), c = FloatBuffer(count: m * n)
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            la.gemm(m: m, n: n, k: k, a: a.pointer, lda: k, b: b.pointer, ldb: n, c: c.pointer, ldc: n)
        }
        benchmark.stopMeasurement()
    }
}

let benchmarks: @Sendable () -> Void = {
    let builtin = LinearAlgebra.builtin()
    gemm(10, 784, 1000, la: builtin)
    gemm(100, 1000, 1000, la: builtin)
    if let blas = LinearAlgebra.systemBLAS(minimumDimension: 0) { gemm(100, 1000, 1000, la: blas) }

    for batch in [1, 10] {
        Benchmark("sparse forward, 1000x1000 layer, batch \(batch)",
                  configuration: .init(metrics: metrics, maxDuration: .seconds(2))) { benchmark in
            let net = sparseNetwork()
            let ws = Workspace(for: net, capacity: batch)
            testPixels.storage.withUnsafeBufferPointer { x in
                net.forward(x.baseAddress!, batch: batch, workspace: ws, using: builtin)  // hidden codes of layer 1
                let layer = net.layers[1]
                benchmark.startMeasurement()
                for _ in benchmark.scaledIterations {
                    layer.forward(ws.outputs[0].pointer, batch: batch, into: ws.outputs[1].pointer, using: builtin, scratch: ws.sparse[1])
                }
                benchmark.stopMeasurement()
            }
        }
    }

    Benchmark("inference, batch 1, sparse", configuration: .init(metrics: metrics, maxDuration: .seconds(2))) { benchmark in
        let net = sparseNetwork()
        let ws = Workspace(for: net, capacity: 1)
        testPixels.storage.withUnsafeBufferPointer { x in
            benchmark.startMeasurement()
            for i in benchmark.scaledIterations {
                net.forward(x.baseAddress! + (i % data.test.count) * 784, batch: 1, workspace: ws, using: builtin)
            }
            benchmark.stopMeasurement()
        }
    }

    trainingStep("training step, batch 1", batch: 1, la: builtin)
    trainingStep("training step, batch 10", batch: 10, la: builtin)
    trainingStep("training step, batch 100", batch: 100, la: builtin)
    // OpenBLAS allocates its own work buffers inside large products; Rectifier's code does not.
    if let blas = LinearAlgebra.systemBLAS() { trainingStep("training step, batch 100, OpenBLAS", batch: 100, la: blas) }
}
