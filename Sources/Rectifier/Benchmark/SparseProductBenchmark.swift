import CKernels
import Foundation

/// The sparse kernels against the dense products they replace, on one rectifier layer of the
/// paper's width, over a range of input densities: where the zeros pay, and by how much.
///
/// Each product is timed through `DenseLayer` exactly as training and inference run it, once
/// with `SparsityPolicy.always` and once with `.never`: the forward X·W (with the scan that
/// lists X's non-zeros), and the backward of plain SGD (the input gradient dY·Wᵀ, needed only
/// where X is non-zero, and the update W -= η Xᵀ·dY). A sparse product is reported at its real
/// rate (the FLOPs it did: 2·nnz(X)·n per product) and its effective rate (the dense FLOPs it
/// replaced: 2·batch·k·n), beside the dense rate. `crossovers` reads off, per product and batch,
/// the density below which the sparse path is faster: what `SparsityPolicy.automatic` is set from.
public struct SparseProductBenchmark: Sendable {
    /// A layer's shape: `batch` rows of `inputs` into `outputs` units.
    public struct Shape: Sendable {
        public var batch: Int, inputs: Int, outputs: Int
        public init(batch: Int, inputs: Int, outputs: Int) { (self.batch, self.inputs, self.outputs) = (batch, inputs, outputs) }
    }

    /// Minibatch-100 training and batch-1000 inference on a 1000-unit hidden layer.
    public var shapes = [Shape(batch: 100, inputs: 1000, outputs: 1000), Shape(batch: 1000, inputs: 1000, outputs: 1000)]
    /// Target fractions of non-zero inputs (the measured fraction is reported).
    public var densities = [0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.8]
    /// Each repetition repeats the product until it lasts this long; the median is reported.
    public var minSeconds = 0.1
    public var repetitions = 3
    public var seed: UInt64 = 7

    public init() {}

    /// One product at one density.
    public struct Result: Codable, Sendable {
        /// `forward` (X·W) or `backward` (masked dY·Wᵀ and the SGD update with Xᵀ·dY).
        public var product: String
        public var batch: Int
        public var inputs: Int
        public var outputs: Int
        /// Fraction of non-zero entries of X.
        public var density: Double
        public var denseMilliseconds: Double
        public var sparseMilliseconds: Double
        /// The sparse path's real rate: the FLOPs it did per second.
        public var gflops: Double
        /// The dense FLOPs the sparse path replaced, per second of it.
        public var effectiveGflops: Double
        /// The dense path's rate.
        public var denseGflops: Double

        public init(product: String, batch: Int, inputs: Int, outputs: Int, density: Double, denseMilliseconds: Double,
                    sparseMilliseconds: Double, gflops: Double, effectiveGflops: Double, denseGflops: Double) {
            (self.product, self.batch, self.inputs, self.outputs, self.density) = (product, batch, inputs, outputs, density)
            (self.denseMilliseconds, self.sparseMilliseconds) = (denseMilliseconds, sparseMilliseconds)
            (self.gflops, self.effectiveGflops, self.denseGflops) = (gflops, effectiveGflops, denseGflops)
        }
    }

    /// Where the sparse path stops paying for one product and batch.
    public struct Crossover: Codable, Sendable, Equatable {
        public var product: String
        public var batch: Int
        /// The density (interpolated between the two measured ones around it) below which the
        /// sparse path was faster; nil when it was faster at every density measured
        /// (`sparseFasterThroughout`) or at none.
        public var density: Double?
        public var sparseFasterThroughout: Bool
    }

    /// Times every shape, product and density; backward only for batches the fused kernel takes.
    public func run(using la: LinearAlgebra) -> [Result] {
        var results: [Result] = []
        for shape in shapes {
            for target in densities {
                results += measure(shape, density: target, using: la)
            }
        }
        return results
    }

    func measure(_ s: Shape, density target: Double, using la: LinearAlgebra) -> [Result] {
        var rng = RandomSource(seed: seed)
        var layer = DenseLayer(inputSize: s.inputs, outputSize: s.outputs, activation: .rectifier, rng: &rng)
        // Rectifier layers have units that are often on and many that are rarely on: each
        // input's rate is u^((1 - d) / d) for u uniform in [0, 1), whose mean is the target d.
        let rates = (0..<s.inputs).map { _ in pow(Double(rng.nextUnitFloat()), (1 - target) / target) }
        let x = FloatBuffer(count: s.batch * s.inputs)
        var nonZeros = 0
        for b in 0..<s.batch {
            for i in 0..<s.inputs where Double(rng.nextUnitFloat()) < rates[i] {
                x.pointer[b * s.inputs + i] = rng.nextUnitFloat() + 0.01
                nonZeros += 1
            }
        }
        let density = Double(nonZeros) / Double(s.batch * s.inputs)
        let y = FloatBuffer(count: s.batch * s.outputs), delta = FloatBuffer(count: s.batch * s.outputs)
        for j in 0..<(s.batch * s.outputs) { delta.pointer[j] = rng.nextFloat(symmetric: 1e-3) }
        let dx = FloatBuffer(count: s.batch * s.inputs)
        let scratch = SparseScratch(capacity: s.batch, inputSize: s.inputs, outputSize: s.outputs)
        let sparse = la.with(sparsity: .always), dense = la.with(sparsity: .never)
        var sgd = SGD(learningRate: 1e-6, for: Network(layers: [layer]))

        func time(_ body: () -> Void) -> Double {
            median(secondsPerCall(body, minSeconds: minSeconds, repetitions: repetitions))
        }
        let forward = { (path: LinearAlgebra) in
            { layer.forward(.dense(x.pointer), batch: s.batch, into: y.pointer, using: path, scratch: scratch) }
        }
        let denseForward = time(forward(dense)), sparseForward = time(forward(sparse))
        let flops = 2 * Double(s.outputs)
        var results = [Result(product: "forward", batch: s.batch, inputs: s.inputs, outputs: s.outputs, density: density,
                              denseMilliseconds: denseForward * 1e3, sparseMilliseconds: sparseForward * 1e3,
                              gflops: flops * Double(nonZeros) / sparseForward / 1e9,
                              effectiveGflops: flops * Double(s.batch * s.inputs) / sparseForward / 1e9,
                              denseGflops: flops * Double(s.batch * s.inputs) / denseForward / 1e9)]
        guard s.batch <= Int(RK_MAX_FUSED_BATCH) else { return results }
        // The backward reads the forward's output (the rectifier's zeros) and its non-zero count.
        layer.forward(.dense(x.pointer), batch: s.batch, into: y.pointer, using: sparse, scratch: scratch)
        let backward = { (path: LinearAlgebra) in
            {
                layer.backward(input: .dense(x.pointer), output: y.pointer, delta: delta.pointer, inputGradient: dx.pointer,
                               batch: s.batch, l1: 0, layerIndex: 0, optimizer: &sgd, using: path, scratch: scratch,
                               inputZerosAreInactive: true)
            }
        }
        let denseBackward = time(backward(dense)), sparseBackward = time(backward(sparse))
        results.append(Result(product: "backward", batch: s.batch, inputs: s.inputs, outputs: s.outputs, density: density,
                              denseMilliseconds: denseBackward * 1e3, sparseMilliseconds: sparseBackward * 1e3,
                              gflops: 2 * flops * Double(nonZeros) / sparseBackward / 1e9,
                              effectiveGflops: 2 * flops * Double(s.batch * s.inputs) / sparseBackward / 1e9,
                              denseGflops: 2 * flops * Double(s.batch * s.inputs) / denseBackward / 1e9))
        return results
    }

    /// Per product and batch (in the order first measured), the density where the sparse path
    /// stops being faster.
    public static func crossovers(_ results: [Result]) -> [Crossover] {
        var keys: [(String, Int)] = []
        for r in results where !keys.contains(where: { $0 == (r.product, r.batch) }) { keys.append((r.product, r.batch)) }
        return keys.map { product, batch in
            let rows = results.filter { $0.product == product && $0.batch == batch }.sorted { $0.density < $1.density }
            let speedups = rows.map { $0.denseMilliseconds / $0.sparseMilliseconds }
            var crossover = Crossover(product: product, batch: batch, density: nil, sparseFasterThroughout: speedups.allSatisfy { $0 >= 1 })
            if let i = speedups.indices.dropLast().first(where: { speedups[$0] >= 1 && speedups[$0 + 1] < 1 }) {
                let (d0, d1, s0, s1) = (rows[i].density, rows[i + 1].density, speedups[i], speedups[i + 1])
                crossover.density = d0 + (d1 - d0) * (s0 - 1) / (s0 - s1)
            }
            return crossover
        }
    }
}
