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

    /// The sparse kernels' bodies this CPU runs (`RK_ISA_*`): portable C, and AVX2+FMA when present.
    static let bodies: [Int32] = LinearAlgebra.InstructionSet.allCases.filter { $0 <= .best && $0 != .avx512 }
        .map { Int32($0.rawValue) }

    /// X in the CSR form of rk_csr_build.
    struct CSR {
        var rowStart: [Int32], index: [Int32], values: [Float], nonZeros: Int
        init(_ x: Matrix) {
            let (m, k) = (x.rows, x.columns)
            rowStart = [Int32](repeating: 0, count: m + 1)
            index = [Int32](repeating: 0, count: max(1, m * k))
            values = [Float](repeating: 0, count: max(1, m * k))
            nonZeros = rk_csr_build(m, k, x.storage, k, &rowStart, &index, &values)
        }
    }

    /// Shapes on both sides of RK_BLOCKED_BATCH (16) and of the forward's 256-example chunks,
    /// with column tails (n not a multiple of 64 or 8) and more rows of W than one 256-row block.
    static let forwardShapes = [(1, 1, 1), (1, 784, 1000), (3, 17, 7), (10, 100, 130), (10, 64, 64), (7, 33, 200),
                                (16, 300, 64), (40, 600, 200), (100, 784, 136), (300, 70, 72), (257, 9, 65)]

    @Test(arguments: forwardShapes)
    func forwardMatchesReference(m: Int, k: Int, n: Int) {
        for density: Float in [0, 0.05, 0.3, 1] {
            let x = Self.sparseMatrix(m, k, density: density, seed: UInt64(m * 1000 + k))
            let w = TestSupport.randomMatrix(k, n, seed: 3)
            let expected = referenceGEMM(x, w)
            let csr = CSR(x)
            #expect(csr.nonZeros == x.storage.filter { $0 != 0 }.count)
            for isa in Self.bodies { #expect(rk_count_nonzero(isa, m * k, x.storage) == csr.nonZeros) }
            #expect(Array(csr.values.prefix(csr.nonZeros)) == x.storage.filter { $0 != 0 })
            var first: [Float]?
            for isa in Self.bodies {
                // two column ranges, as two threads would compute them
                var y = [Float](repeating: .nan, count: m * n)
                let cut = n / 2
                rk_sparse_forward(isa, m, 0, cut, csr.rowStart, csr.index, csr.values, w.storage, n, &y, n)
                rk_sparse_forward(isa, m, cut, n, csr.rowStart, csr.index, csr.values, w.storage, n, &y, n)
                // float sums of up to 784 terms against a double-precision reference
                #expect(TestSupport.maxRelativeError(y, expected.storage) < 5e-5, "isa \(isa) m=\(m) k=\(k) n=\(n) density=\(density)")
                if let first, isa == Self.bodies.last, isa != Self.bodies.first {
                    // the bodies round differently (FMA or not), but only by rounding
                    #expect(TestSupport.maxRelativeError(y, first) < 1e-5)
                }
                if first == nil { first = y }
            }
        }
    }

    /// A batch's forward, blocked or not, sums each example exactly as the one-example forward
    /// does: the same bits, whatever the batch size.
    @Test func batchForwardGivesEachExampleTheBitsOfItsOwnForward() {
        let (m, k, n) = (120, 700, 200)
        let w = TestSupport.randomMatrix(k, n, seed: 8)
        for density: Float in [0.02, 0.15, 0.6, 1] {
            let x = Self.sparseMatrix(m, k, density: density, seed: 9)
            let csr = CSR(x)
            for isa in Self.bodies {
                var y = [Float](repeating: .nan, count: m * n)
                rk_sparse_forward(isa, m, 0, n, csr.rowStart, csr.index, csr.values, w.storage, n, &y, n)
                for b in [0, 1, 57, m - 1] {
                    let one = CSR(Matrix(rows: 1, columns: k, storage: Array(x.row(b))))
                    var yb = [Float](repeating: .nan, count: n)
                    rk_sparse_forward(isa, 1, 0, n, one.rowStart, one.index, one.values, w.storage, n, &yb, n)
                    #expect(Array(y[(b * n)..<((b + 1) * n)]).map(\.bitPattern) == yb.map(\.bitPattern),
                            "isa \(isa) density \(density) example \(b)")
                }
            }
        }
    }

    static let backwardShapes = [(1, 50, 40), (10, 100, 130), (4, 9, 3), (32, 64, 70), (16, 40, 32), (100, 300, 70),
                                 (256, 37, 33), (60, 20, 10)]

    @Test(arguments: backwardShapes)
    func fusedBackwardMatchesReference(m: Int, k: Int, n: Int) {
        for density: Float in [0, 0.2, 0.7, 1] {
            let x = Self.sparseMatrix(m, k, density: density, seed: 5)
            let dy = TestSupport.randomMatrix(m, n, seed: 6)
            let w0 = TestSupport.randomMatrix(k, n, seed: 7)
            let alpha: Float = -0.3
            let dxExpected = referenceGEMM(transB: true, dy, w0)
            let wExpected = referenceGEMM(transA: true, x, dy, alpha: alpha, beta: 1, c: w0)
            for isa in Self.bodies {
                var w = w0.storage
                var dx = [Float](repeating: .nan, count: m * k)
                let cut = k / 3
                #expect(rk_sparse_backward(isa, m, n, 0, cut, x.storage, k, dy.storage, n, nil, &w, n, &dx, k, alpha) == 0)
                #expect(rk_sparse_backward(isa, m, n, cut, k, x.storage, k, dy.storage, n, nil, &w, n, &dx, k, alpha) == 0)
                let shape = "isa \(isa) m=\(m) k=\(k) n=\(n) density=\(density)"
                #expect(TestSupport.maxRelativeError(w, wExpected.storage) < 1e-5, "\(shape)")
                for i in 0..<(m * k) {
                    let want: Float = x.storage[i] != 0 ? dxExpected.storage[i] : 0
                    #expect(abs(dx[i] - want) <= 1e-4 * (1 + abs(want)), "\(shape) dx[\(i)]")
                }
                // rows whose inputs are all zero are left alone
                for r in 0..<k where (0..<m).allSatisfy({ x[$0, r] == 0 }) {
                    #expect(Array(w[(r * n)..<((r + 1) * n)]) == Array(w0.row(r)), "\(shape)")
                }
                // without an input gradient, the same update
                var w2 = w0.storage
                #expect(rk_sparse_backward(isa, m, n, 0, k, x.storage, k, dy.storage, n, nil, &w2, n, nil, k, alpha) == 0)
                #expect(w2.map(\.bitPattern) == w.map(\.bitPattern), "\(shape)")
            }
        }
    }

    /// The large-batch backward reads dY in 32-column blocks, given or packed by the call; the
    /// update sums exactly as the column-form update (rk_csc_update) does.
    @Test func blockedBackwardTakesPackedBlocksAndUpdatesLikeTheColumnForm() {
        let (m, k, n) = (100, 90, 75)
        let x = Self.sparseMatrix(m, k, density: 0.3, seed: 11)
        let dy = TestSupport.randomMatrix(m, n, seed: 12)
        let w0 = TestSupport.randomMatrix(k, n, seed: 13)
        #expect(rk_sparse_backward_uses_blocks(m, n) == 1 && rk_sparse_backward_uses_blocks(10, n) == 0)
        var packed = [Float](repeating: .nan, count: m * (n & ~31))
        rk_pack_column_blocks(m, n, dy.storage, n, &packed)
        #expect(packed[0] == dy[0, 0] && packed[33] == dy[1, 1] && packed[m * 32 + 5] == dy[0, 37])
        for isa in Self.bodies {
            var (w1, w2, w3) = (w0.storage, w0.storage, w0.storage)
            var (dx1, dx2) = ([Float](repeating: .nan, count: m * k), [Float](repeating: .nan, count: m * k))
            #expect(rk_sparse_backward(isa, m, n, 0, k, x.storage, k, dy.storage, n, nil, &w1, n, &dx1, k, 0.5) == 0)
            #expect(rk_sparse_backward(isa, m, n, 0, k, x.storage, k, dy.storage, n, packed, &w2, n, &dx2, k, 0.5) == 0)
            #expect(w1.map(\.bitPattern) == w2.map(\.bitPattern) && dx1.map(\.bitPattern) == dx2.map(\.bitPattern))
            let csr = CSR(x)
            var (start, rows, values) = ([Int32](repeating: 0, count: k + 1), [Int32](repeating: 0, count: csr.nonZeros),
                                         [Float](repeating: 0, count: csr.nonZeros))
            _ = rk_csr_transpose(m, k, csr.rowStart, csr.index, csr.values, &start, &rows, &values)
            rk_csc_update(isa, n, 0, k, start, rows, values, dy.storage, n, &w3, n, 0.5)
            #expect(w1.map(\.bitPattern) == w3.map(\.bitPattern), "isa \(isa)")
        }
    }

    /// Slabs of rows (backward) or columns (forward): each element is computed by one thread in
    /// a fixed order, so the kernels give the same bits for any number of slabs.
    @Test func sparseKernelsGiveTheSameBitsHoweverTheWorkIsSplit() throws {
        let pool = try #require(rk_pool_create(3))
        defer { rk_pool_destroy(pool) }
        for (m, k, n) in [(10, 200, 130), (100, 300, 200), (700, 100, 192)] {
            let x = Self.sparseMatrix(m, k, density: 0.25, seed: 21)
            let dy = TestSupport.randomMatrix(m, n, seed: 22)
            let w0 = TestSupport.randomMatrix(k, n, seed: 23)
            let csr = CSR(x)
            for isa in Self.bodies {
                func run(parts: Int) -> (y: [Float], w: [Float], dx: [Float]) {
                    var y = [Float](repeating: .nan, count: m * n)
                    rk_sparse_forward_parallel(pool, parts, isa, m, n, csr.rowStart, csr.index, csr.values, w0.storage, n, &y, n)
                    var w = w0.storage
                    var dx = [Float](repeating: .nan, count: m * k)
                    if m <= Int(RK_MAX_FUSED_BATCH) {
                        // the packed copy of dY given, or (odd parts) allocated by the call
                        var packed = [Float](repeating: .nan, count: m * (n & ~31))
                        let status = packed.withUnsafeMutableBufferPointer { p in
                            rk_sparse_backward_parallel(pool, parts, isa, m, n, k, x.storage, k, dy.storage, n,
                                                        &w, n, &dx, k, -0.1, parts % 2 == 0 ? p.baseAddress : nil)
                        }
                        #expect(status == 0)
                    }
                    return (y, w, dx)
                }
                let whole = run(parts: 1)
                for parts in [2, 3, 8] {
                    let split = run(parts: parts)
                    #expect(whole.y.map(\.bitPattern) == split.y.map(\.bitPattern), "forward m=\(m) parts=\(parts)")
                    #expect(whole.w.map(\.bitPattern) == split.w.map(\.bitPattern), "update m=\(m) parts=\(parts)")
                    #expect(whole.dx.map(\.bitPattern) == split.dx.map(\.bitPattern), "dx m=\(m) parts=\(parts)")
                }
            }
        }
    }

    /// Negative zero is a zero (as for rk_csr_build); NaN is not; counts past one vector's tail.
    @Test func countingNonZerosMatchesHandCount() {
        let x: [Float] = [0, -0.0, 1, .nan, 2, 0, 0, 0, 0, 3, -1e-30]
        for isa in Self.bodies {
            #expect(rk_count_nonzero(isa, x.count, x) == 5)
            #expect(rk_count_nonzero(isa, 3, x) == 1)
        }
    }

    @Test func fusedBackwardRefusesHugeBatches() {
        var w: [Float] = [0]
        #expect(rk_sparse_backward(Int32(RK_ISA_AVX2), 257, 1, 0, 1, [Float](repeating: 1, count: 257), 1,
                                   [Float](repeating: 1, count: 257), 1, nil, &w, 1, nil, 1, 0.1) == -1)
    }

    /// Whole training runs: the sparse path and the dense path give the same network.
    @Test(arguments: [1, 10, 100])
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
        #expect(sparse == train(LinearAlgebra.builtin(threads: 1).with(sparsity: .always)), "1 and 2 threads differ")
        for l in dense.layers.indices {
            #expect(TestSupport.maxRelativeError(sparse.layers[l].weights.storage, dense.layers[l].weights.storage) < 1e-4, "layer \(l)")
            #expect(TestSupport.maxRelativeError(sparse.layers[l].bias, dense.layers[l].bias) < 1e-4)
        }
    }

    @Test func policyChoosesByDensity() {
        let p = SparsityPolicy.automatic
        #expect(p.sparseForward(batch: 1, k: 1000, nonZeros: 170))
        // small batches: against one pass over W per 6 examples
        #expect(p.sparseForward(batch: 12, k: 1000, nonZeros: 2000) && !p.sparseForward(batch: 12, k: 1000, nonZeros: 2001))
        // large batches: against the measured crossover densities
        let f = p.largeBatchForwardDensity, b = p.largeBatchBackwardDensity
        #expect(f > 0 && f < 1 && b > 0 && b < 1)
        #expect(p.sparseForward(batch: 1000, k: 1000, nonZeros: Int(f * 1e6)))
        #expect(!p.sparseForward(batch: 1000, k: 1000, nonZeros: Int(f * 1e6) + 1))
        #expect(p.sparseBackward(batch: 100, k: 1000, nonZeros: Int(b * 1e5)))
        #expect(!p.sparseBackward(batch: 100, k: 1000, nonZeros: Int(b * 1e5) + 1))
        #expect(!p.sparseBackward(batch: 257, k: 1000, nonZeros: 0))  // beyond the fused kernel
        #expect(p.considers(batch: 1000) && !SparsityPolicy.never.considers(batch: 1))
        var smallOnly = p
        (smallOnly.largeBatchForwardDensity, smallOnly.largeBatchBackwardDensity) = (0, 0)
        #expect(smallOnly.considers(batch: 32) && !smallOnly.considers(batch: 33))
        #expect(!SparsityPolicy.never.sparseForward(batch: 1, k: 1000, nonZeros: 0))
        #expect(SparsityPolicy.always.sparseBackward(batch: 10, k: 1000, nonZeros: 10_000))
        #expect(SparsityPolicy.always.sparseForward(batch: 1000, k: 1000, nonZeros: 1_000_000))
    }
}
