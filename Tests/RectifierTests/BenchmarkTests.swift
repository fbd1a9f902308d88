import Foundation
import Rectifier
import Testing

/// The benchmark library under `rectifier bench`: peer files, interleaved trainings, the
/// sentiment network's three input forms. Speeds are never asserted, only what was measured.
@Suite struct BenchmarkTests {
    @Test func peerFiguresReadEachPeerScriptsLines() throws {
        let path = TestSupport.temporaryDirectory() + "/peers.jsonl"
        try """
            {"impl": "torch", "torch": "2.13.0", "batch": 10, "train_samples_per_s": 900.5, "infer_b1_median": 3000}
            {"impl": "torch", "torch": "2.13.0", "batch": 10, "train_samples_per_s": 1000}
            {"lib": "numpy", "1000x1000x1000": {"gflops_median": 80.5}}
            {"impl": "torch", "torch": "2.13.0", "input": "dense", "vocab": 5000, "batch": 10, "train_samples_per_s": 21.9}
            {"impl": "torch", "torch": "2.13.0", "input": "sparse", "vocab": 5000, "batch": 10, "train_samples_per_s": 15.4}

            """.write(toFile: path, atomically: true, encoding: .utf8)
        let peer = try PeerFigures.read(path)
        #expect(peer.trainingSamplesPerSecond == [10: 1000])  // the best line; sentiment lines apart
        #expect(peer.inferenceBatch1 == 3000 && peer.gemmGFLOPS == ["1000x1000x1000": 80.5])
        #expect(peer.sentimentSamplesPerSecond == ["dense": 21.9, "sparse": 15.4])
        try "{\"batch\": 1}\nnot json\n".write(toFile: path, atomically: true, encoding: .utf8)
        #expect(throws: FileError.self) { try PeerFigures.read(path) }
    }

    @Test func bagOfWordsHasTheAskedDensityAsBinaryCSR() throws {
        let data = SyntheticData.bagOfWords(train: 400, test: 50, terms: 1000, density: 0.01, seed: 3)
        guard case .sparse(let x) = data.train.inputs else {
            Issue.record("CSR inputs expected")
            return
        }
        let density = Double(x.nonZeros) / Double(400 * 1000)
        #expect(density > 0.008 && density < 0.012, "density \(density)")
        #expect(x.values.allSatisfy { $0 == 1 } && data.train.classes == 2 && Set(data.train.labels) == [0, 1])
        #expect(data.test.count == 50)
    }

    @Test func interleavedTrainingsEachTrainTheFullTime() throws {
        var bench = ThroughputBenchmark()
        (bench.hiddenSizes, bench.trainSeconds) = ([16], 0.3)
        let data = SyntheticData.mnistShaped(train: 200, test: 20)
        let (runs, net) = bench.interleavedTraining(batch: 10, data: [data, data], slice: 0.1, using: .builtin(threads: 1))
        #expect(runs.count == 2 && net.layers.count == 2)
        #expect(runs.allSatisfy { $0.seconds >= 0.3 && $0.samples > 0 && $0.batch == 10 })
    }

    @Test func sentimentBenchmarkMeasuresEachInputFormInOrder() throws {
        var bench = SentimentBenchmark()
        (bench.terms, bench.hiddenSizes, bench.trainSeconds, bench.firstLayerSteps) = (300, [32, 32], 0.2, 5)
        let forms = SentimentBenchmark.InputForm.allCases
        let measured = bench.run(forms, using: .builtin(threads: 1))
        #expect(measured.map(\.input) == forms)
        #expect(measured.allSatisfy { $0.samples > 0 && $0.seconds >= 0.2 && $0.firstLayerMilliseconds > 0 && $0.batch == 10 })
        #expect(measured.allSatisfy { $0.peakResidentBytes > 0 })
    }

    @Test func sparseProductsMeasureEachProductAtEachDensity() {
        var bench = SparseProductBenchmark()
        bench.shapes = [.init(batch: 20, inputs: 64, outputs: 48), .init(batch: 300, inputs: 40, outputs: 32)]
        (bench.densities, bench.minSeconds, bench.repetitions) = ([0.1, 0.6], 0.001, 1)
        let results = bench.run(using: .builtin(threads: 1))
        // forward for both batches, backward only where the fused kernel runs (at most 256)
        #expect(results.map { "\($0.product) \($0.batch)" }
                == ["forward 20", "backward 20", "forward 20", "backward 20", "forward 300", "forward 300"])
        for r in results {
            #expect(r.density > 0 && r.density < 1 && r.denseMilliseconds > 0 && r.sparseMilliseconds > 0)
            // the real rate counts the non-zeros only
            #expect(abs(r.gflops - r.effectiveGflops * r.density) <= 1e-9 * r.effectiveGflops)
        }
        #expect(results[0].density < results[2].density)
    }

    @Test func crossoverIsInterpolatedWhereTheSparsePathStopsPaying() {
        func row(_ product: String, _ density: Double, sparse: Double) -> SparseProductBenchmark.Result {
            .init(product: product, batch: 100, inputs: 10, outputs: 10, density: density, denseMilliseconds: 1,
                  sparseMilliseconds: sparse, gflops: 0, effectiveGflops: 0, denseGflops: 0)
        }
        // speedups 2, 1.25, 0.5 at 10%, 30%, 50%: 1 is crossed a third of the way from 30% to 50%
        let results = [row("forward", 0.5, sparse: 2), row("forward", 0.1, sparse: 0.5), row("forward", 0.3, sparse: 0.8),
                       row("backward", 0.1, sparse: 0.5), row("backward", 0.9, sparse: 0.9)]
        let c = SparseProductBenchmark.crossovers(results)
        #expect(c.map(\.product) == ["forward", "backward"])
        #expect(abs((c[0].density ?? 0) - (0.3 + 0.2 / 3)) < 1e-12 && !c[0].sparseFasterThroughout)
        #expect(c[1].density == nil && c[1].sparseFasterThroughout)
    }
}
