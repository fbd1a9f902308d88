import CKernels
import Rectifier
import Testing

/// The sparse kernels give the dense results, to floating-point tolerance.
@Suite struct SparseKernelTests {
    /// A matrix with about `density` of its entries non-zero.
    static func sparseMatrix(_ rows: Int, _ columns: Int, density: Float, seed: UInt64) -> Matrix {
        var rng = RandomSource(seed: seed)
        return Matrix(rows: rows, columns: columns, storage: (0..<(rows * columns)).map { _ in
            rng.nextUnitFloat() < density ? rng.nextFloat(symmetric: 1) : 0
        })
    }

    @Test(arguments: [(1, 1, 1), (1, 784, 1000), (3, 17, 7), (10, 100, 130), (10, 64, 64), (7, 33, 200)])
    func forwardMatchesReference(m: Int, k: Int, n: Int) {
        for density: Float in [0, 0.05, 0.3, 1] {
            let x = Self.sparseMatrix(m, k, density: density, seed: UInt64(m * 1000 + k))
            let w = TestSupport.randomMatrix(k, n, seed: 3)
            let expected = referenceGEMM(x, w)
            var rowStart = [Int32](repeating: 0, count: m + 1)
            var index = [Int32](repeating: 0, count: m * k)
            var values = [Float](repeating: 0, count: m * k)
            let nnz = rk_csr_build(m, k, x.storage, k, &rowStart, &index, &values)
            #expect(nnz == x.storage.filter { $0 != 0 }.count)
            #expect(Array(values.prefix(nnz)) == x.storage.filter { $0 != 0 })
            // two column ranges, as two threads would compute them
            var y = [Float](repeating: .nan, count: m * n)
            let cut = n / 2
            rk_sparse_forward(m, 0, cut, rowStart, index, values, w.storage, n, &y, n)
            rk_sparse_forward(m, cut, n, rowStart, index, values, w.storage, n, &y, n)
            #expect(TestSupport.maxRelativeError(y, expected.storage) < 1e-5, "m=\(m) k=\(k) n=\(n) density=\(density)")
        }
    }

    @Test(arguments: [(1, 50, 40), (10, 100, 130), (4, 9, 3), (32, 64, 70)])
    func fusedBackwardMatchesReference(m: Int, k: Int, n: Int) {
        let x = Self.sparseMatrix(m, k, density: 0.2, seed: 5)
        let dy = TestSupport.randomMatrix(m, n, seed: 6)
        let w0 = TestSupport.randomMatrix(k, n, seed: 7)
        let alpha: Float = -0.3
        let dxExpected = referenceGEMM(transB: true, dy, w0)
        let wExpected = referenceGEMM(transA: true, x, dy, alpha: alpha, beta: 1, c: w0)
        var w = w0.storage
        var dx = [Float](repeating: .nan, count: m * k)
        let cut = k / 3
        #expect(rk_sparse_backward(m, n, 0, cut, x.storage, k, dy.storage, n, &w, n, &dx, k, alpha) == 0)
        #expect(rk_sparse_backward(m, n, cut, k, x.storage, k, dy.storage, n, &w, n, &dx, k, alpha) == 0)
        #expect(TestSupport.maxRelativeError(w, wExpected.storage) < 1e-5)
        for i in 0..<(m * k) {
            let want: Float = x.storage[i] != 0 ? dxExpected.storage[i] : 0
            #expect(abs(dx[i] - want) <= 1e-4 * (1 + abs(want)), "dx[\(i)]")
        }
        // rows whose inputs are all zero are left alone
        for r in 0..<k where (0..<m).allSatisfy({ x[$0, r] == 0 }) {
            #expect(Array(w[(r * n)..<((r + 1) * n)]) == Array(w0.row(r)))
        }
    }

    @Test func fusedBackwardRefusesHugeBatches() {
        var w: [Float] = [0]
        #expect(rk_sparse_backward(257, 1, 0, 1, [Float](repeating: 1, count: 257), 1, [Float](repeating: 1, count: 257), 1,
                                   &w, 1, nil, 1, 0.1) == -1)
    }

    /// Whole training runs: the sparse path and the dense path give the same network.
    @Test(arguments: [1, 10])
    func trainingStepsMatchTheDensePath(batch: Int) {
        let data = TrainingTests.data.train.slice(0..<200)
        var rng = RandomSource(seed: 31)
        let arch = Architecture(inputSize: 784, hiddenSizes: [100, 80], classes: 10, activation: .rectifier, signTrick: true)
        let start = Network(arch, rng: &rng)
        func train(_ la: LinearAlgebra) -> Network {
            var net = start
            var sgd = SGD(learningRate: 0.05, for: net)
            let ws = Workspace(for: net, capacity: batch)
            data.inputs.densified().storage.withUnsafeBufferPointer { x in
                for s in stride(from: 0, to: data.count, by: batch) {
                    for r in 0..<batch { ws.labels[r] = data.labels[s + r] }
                    net.trainStep(x.baseAddress! + s * 784, batch: batch, l1: 0.001, optimizer: &sgd, workspace: ws, using: la)
                }
            }
            return net
        }
        let dense = train(LinearAlgebra.builtin(threads: 1).with(sparsity: .never))
        let sparse = train(LinearAlgebra.builtin(threads: 2).with(sparsity: .always))
        #expect(dense != start)
        for l in dense.layers.indices {
            #expect(TestSupport.maxRelativeError(sparse.layers[l].weights.storage, dense.layers[l].weights.storage) < 1e-4, "layer \(l)")
            #expect(TestSupport.maxRelativeError(sparse.layers[l].bias, dense.layers[l].bias) < 1e-4)
        }
    }

    @Test func policyChoosesByDensity() {
        let p = SparsityPolicy.automatic
        #expect(p.sparseForward(batch: 1, k: 1000, nonZeros: 170))
        #expect(!p.sparseForward(batch: 1000, k: 1000, nonZeros: 10))
        #expect(!SparsityPolicy.never.sparseForward(batch: 1, k: 1000, nonZeros: 0))
        #expect(SparsityPolicy.always.sparseBackward(batch: 10, k: 1000, nonZeros: 10_000))
    }
}
