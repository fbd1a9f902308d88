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
}
