import CKernels
import Rectifier
import Testing

/// Both GEMM backends against the double-precision triple loop, on odd shapes that exercise
/// every edge of the blocked kernel (partial micro-tiles, several K blocks, thread splits).
@Suite struct LinearAlgebraTests {
    static let hasBLAS = BLASLibrary.system != nil

    /// The built-in kernel on several thread counts and every micro-kernel this CPU runs, then
    /// (with `blas`) the system BLAS alone and routing small products to the built-in kernel.
    static func backends(blas: Bool = false) -> [LinearAlgebra] {
        guard !blas else {
            return [LinearAlgebra.systemBLAS(threads: 2, minimumDimension: 0), LinearAlgebra.systemBLAS(threads: 2)].compactMap { $0 }
        }
        var list: [LinearAlgebra] = [.builtin(threads: 1), .builtin(threads: 2), .builtin(threads: 3)]
        // Every micro-kernel below the best one too (the best is the default above).
        for isa in LinearAlgebra.InstructionSet.allCases where isa < .best {
            list.append(.builtin(threads: 2, instructionSet: isa))
        }
        return list
    }

    static let shapes: [(m: Int, n: Int, k: Int)] = [
        (1, 1, 1), (1, 17, 5), (7, 1, 3), (5, 13, 300), (6, 16, 256), (13, 33, 257),
        (31, 47, 19), (40, 1000, 9), (6, 200, 40), (12, 129, 600), (97, 131, 67), (100, 37, 513), (130, 250, 30), (64, 64, 64), (70, 130, 300),
    ]

    @Test(arguments: [(false, false), (true, false), (false, true), (true, true)])
    func matchesReferenceOnOddShapes(transA: Bool, transB: Bool) {
        matchReference(Self.backends(), transA: transA, transB: transB)
    }

    @Test(.enabled(if: hasBLAS, "needs a system BLAS (apt-get install libopenblas0)"),
          arguments: [(false, false), (true, false), (false, true), (true, true)])
    func blasMatchesReferenceOnOddShapes(transA: Bool, transB: Bool) {
        matchReference(Self.backends(blas: true), transA: transA, transB: transB)
    }

    func matchReference(_ backends: [LinearAlgebra], transA: Bool, transB: Bool) {
        for la in backends {
            for (i, s) in Self.shapes.enumerated() {
                let a = transA ? TestSupport.randomMatrix(s.k, s.m, seed: UInt64(i)) : TestSupport.randomMatrix(s.m, s.k, seed: UInt64(i))
                let b = transB ? TestSupport.randomMatrix(s.n, s.k, seed: UInt64(100 + i)) : TestSupport.randomMatrix(s.k, s.n, seed: UInt64(100 + i))
                let c0 = TestSupport.randomMatrix(s.m, s.n, seed: UInt64(200 + i))
                for (alpha, beta) in [(Float(1), Float(0)), (-0.5, 1), (2, 0.25)] {
                    let expected = referenceGEMM(transA: transA, transB: transB, a, b, alpha: alpha, beta: beta, c: c0)
                    var c = c0
                    la.gemm(a, transposed: transA, b, transposed: transB, alpha: alpha, beta: beta, into: &c)
                    let err = TestSupport.maxRelativeError(c.storage, expected.storage)
                    #expect(err < 1e-4 * Float(max(1, s.k / 64)),
                            "\(la) \(s) transA=\(transA) transB=\(transB) alpha=\(alpha) beta=\(beta): error \(err)")
                }
            }
        }
    }

    /// The FMA peak loop does what it counts: n rounds of c = c·a + b on 12 chains of every
    /// lane (checked against the closed form), and the measured peak is a positive rate.
    @Test func fmaPeakLoopDoesTheFMAsItCounts() {
        let a: Float = 0.999999, b: Float = 1e-7
        for isa in LinearAlgebra.InstructionSet.allCases where isa <= .best {
            let lanes = isa == .avx512 ? 16 : isa == .avx2 ? 8 : 1
            #expect(rk_fma_flops_per_iteration(Int32(isa.rawValue)) == 12 * lanes * 2)
            var c: Float = 0
            for _ in 0..<3 { c = c * a + b }
            let total = rk_fma_loop(Int32(isa.rawValue), 3)
            #expect(abs(total - Float(12 * lanes) * c) <= 1e-4 * Float(12 * lanes) * c, "\(isa): \(total)")
        }
        let peak = FMAPeak.measure(.best, cores: 2, seconds: 0.01, repetitions: 1)
        #expect(peak.gflopsPerCore > 0 && peak.gflopsAllCores > 0 && peak.cores == 2)
        #expect(peak.gflops(threads: 1) == peak.gflopsPerCore && peak.gflops(threads: 4) == peak.gflopsAllCores)
    }

    /// The AVX2 and AVX-512 micro-kernels sum every element in the same order and round alike,
    /// so a seeded run gives the same bits on CPUs with and without AVX-512.
    @Test(.enabled(if: LinearAlgebra.InstructionSet.best >= .avx512))
    func avx2AndAVX512KernelsAgreeBitForBit() {
        let avx2 = LinearAlgebra.builtin(threads: 1, instructionSet: .avx2)
        let avx512 = LinearAlgebra.builtin(threads: 2, instructionSet: .avx512)
        for (i, s) in Self.shapes.enumerated() {
            for (transA, transB) in [(false, false), (true, false), (false, true), (true, true)] {
                let a = transA ? TestSupport.randomMatrix(s.k, s.m, seed: UInt64(i)) : TestSupport.randomMatrix(s.m, s.k, seed: UInt64(i))
                let b = transB ? TestSupport.randomMatrix(s.n, s.k, seed: UInt64(100 + i)) : TestSupport.randomMatrix(s.k, s.n, seed: UInt64(100 + i))
                let c0 = TestSupport.randomMatrix(s.m, s.n, seed: UInt64(200 + i))
                for (alpha, beta) in [(Float(1), Float(0)), (-0.01, 1), (2, 0.25)] {
                    var c1 = c0, c2 = c0
                    avx2.gemm(a, transposed: transA, b, transposed: transB, alpha: alpha, beta: beta, into: &c1)
                    avx512.gemm(a, transposed: transA, b, transposed: transB, alpha: alpha, beta: beta, into: &c2)
                    let differing = zip(c1.storage, c2.storage).filter { $0.bitPattern != $1.bitPattern }.count
                    #expect(differing == 0, "\(s) transA=\(transA) transB=\(transB) alpha=\(alpha) beta=\(beta): \(differing) differ")
                }
            }
        }
    }

    /// Slabs of whole tiles: every element is computed by one thread in a fixed order, so the
    /// built-in kernel gives the same bits however C is cut across threads (all paths: packed,
    /// B read in place, dot products for Bᵀ; every micro-kernel the CPU runs).
    @Test func builtinGivesTheSameBitsHoweverTheWorkIsSplit() throws {
        let pool = try #require(rk_pool_create(3))
        defer { rk_pool_destroy(pool) }
        let shapes = Self.shapes + [(10, 1000, 1000), (100, 300, 200), (300, 100, 50)]
        for isa in LinearAlgebra.InstructionSet.allCases where isa <= .best {
            for (i, s) in shapes.enumerated() {
                for (transA, transB) in [(false, false), (true, false), (false, true), (true, true)] {
                    let a = TestSupport.randomMatrix(s.m, s.k, seed: UInt64(i)).storage  // m x k or, read transposed, k x m
                    let b = TestSupport.randomMatrix(s.k, s.n, seed: UInt64(100 + i)).storage
                    let c0 = TestSupport.randomMatrix(s.m, s.n, seed: UInt64(200 + i)).storage
                    func product(parts: Int) -> [Float] {
                        var c = c0
                        let status = rk_sgemm_parallel(pool, parts, Int32(isa.rawValue), transA ? 1 : 0, transB ? 1 : 0,
                                                       s.m, s.n, s.k, -0.5, a, transA ? s.m : s.k, b, transB ? s.k : s.n,
                                                       1, &c, s.n)
                        #expect(status == 0)
                        return c
                    }
                    let whole = product(parts: 1)
                    for parts in [2, 3, 7] {
                        let split = product(parts: parts)
                        let differing = zip(whole, split).filter { $0.bitPattern != $1.bitPattern }.count
                        #expect(differing == 0, "\(isa) \(s) transA=\(transA) transB=\(transB) parts=\(parts): \(differing) differ")
                    }
                }
            }
        }
    }

    @Test func betaZeroIgnoresGarbageInC() {
        let a = TestSupport.randomMatrix(9, 20, seed: 1), b = TestSupport.randomMatrix(20, 18, seed: 2)
        for la in Self.backends() + Self.backends(blas: true) {
            var c = Matrix(rows: 9, columns: 18, repeating: .nan)
            la.gemm(a, b, into: &c)
            #expect(c.storage.allSatisfy { $0.isFinite }, "\(la) read C although beta was 0")
            #expect(TestSupport.maxRelativeError(c.storage, referenceGEMM(a, b).storage) < 1e-5)
        }
    }

    @Test func handComputedProduct() {
        let a = Matrix(rows: 2, columns: 3, storage: [1, 2, 3, 4, 5, 6])
        let b = Matrix(rows: 3, columns: 2, storage: [7, 8, 9, 10, 11, 12])
        for la in Self.backends() + Self.backends(blas: true) {
            var c = Matrix(rows: 2, columns: 2)
            la.gemm(a, b, into: &c)
            #expect(c.storage == [58, 64, 139, 154])
        }
    }

    @Test func backendsDescribeThemselves() {
        let builtin = LinearAlgebra.builtin(threads: 2)
        #expect(builtin.backend == .builtin)
        #expect(builtin.description.contains("built-in"))
        #expect(builtin.description.contains("2 threads"))
        #expect(builtin.description.contains(LinearAlgebra.InstructionSet.best.description))
        #expect(LinearAlgebra.builtin(threads: 1, instructionSet: .portable).description.contains("portable"))
    }

    /// OpenBLAS keeps one thread count per process: each BLAS value sets its own before each
    /// product, so making another one does not change it.
    @Test(.enabled(if: hasBLAS, "needs a system BLAS (apt-get install libopenblas0)"))
    func blasValuesKeepTheirOwnThreadCounts() throws {
        let two = try #require(LinearAlgebra.systemBLAS(threads: 2, minimumDimension: 0))
        #expect(two.backend == .blas && two.description.contains("BLAS"))
        let one = try #require(LinearAlgebra.systemBLAS(threads: 1, minimumDimension: 0))
        let a = TestSupport.randomMatrix(80, 80, seed: 1)
        var c = Matrix(rows: 80, columns: 80)
        two.gemm(a, a, into: &c)
        let library = try #require(BLASLibrary.system)
        if let threads = library.threads { #expect(threads == 2, "the product ran on the count of its own value") }
        one.gemm(a, a, into: &c)
        if let threads = library.threads { #expect(threads == 1) }
        #expect(two.threads == 2 && one.threads == 1)
    }
}
