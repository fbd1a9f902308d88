import ArgumentParser
import Foundation
import Rectifier

struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Measure training and inference speed of the paper's network, and GEMM GFLOP/s.",
        discussion: """
            Trains 784-1000-1000-1000-10 rectifier networks with plain SGD (learning rate 0.01) for a \
            fixed time at each batch size, then times inference on the test set one example at a \
            time and 1000 at a time, with dense products only and with the sparse kernels; then \
            GEMM at the paper's shapes on every available backend. Uses MNIST from --data-dir, or \
            random MNIST-shaped data. --model times inference on a network you trained (with \
            `rectifier train`) instead of the briefly trained one. --compare reads JSON lines from the PyTorch peer scripts in \
            ../shared/bench (torch_mlp.py, gemm_bench.py) and prints ratios.
            """)

    @Option(help: ArgumentHelp("MNIST directory (default: random MNIST-shaped data).", valueName: "dir"))
    var dataDir: String?

    @Option(help: "Seconds of training per batch size.")
    var seconds: Double = 10

    @Option(help: ArgumentHelp("Training batch sizes, comma-separated.", valueName: "sizes"))
    var batchSizes: String = "1,10,100"

    @Option(help: "L1 coefficient during timed training (the peer's throughput runs use 0).")
    var l1: Float = 0

    @Option(help: ArgumentHelp("Also time training with NISTP-style perturbations at this level drawn for every example on a worker thread, as nistp trains (at the data's image size), beside the same training without.", valueName: "level"))
    var perturbationLevel: Float?

    @Flag(help: "Skip the training (and, without --model, the inference) measurements.")
    var skipTraining = false

    @Option(help: ArgumentHelp("Time inference on this model (model.safetensors from rectifier train).", valueName: "file"))
    var model: String?

    @Flag(help: "Skip the GEMM measurements.")
    var skipGemm = false

    @Flag(help: "Skip the inference measurements.")
    var skipInference = false

    @Option(help: ArgumentHelp("Write the report as JSON to this file.", valueName: "file"))
    var json: String?

    @Option(help: ArgumentHelp("Peer results (JSON lines) to compare with; repeatable.", valueName: "file"))
    var compare: [String] = []

    @OptionGroup var compute: ComputeOptions

    func run() throws {
        guard seconds > 0 else { throw ValidationError("--seconds must be positive") }
        guard l1 >= 0 else { throw ValidationError("--l1 must be >= 0") }
        if let p = perturbationLevel, !(0...1).contains(p) { throw ValidationError("--perturbation-level must be in [0, 1]") }
        let batches = skipTraining ? [] : try parseList(batchSizes, option: "--batch-sizes", what: "a batch size")
        let peers = try compare.map(PeerFigures.read)
        let la = try compute.linearAlgebra()
        let data = try dataDir.map { try MNIST.load(directory: $0, limit: ProcessEnvironment.current.maxFileBytes) } ?? SyntheticData.mnistShaped()
        if let too = batches.first(where: { $0 > data.train.count }) {
            throw ValidationError("--batch-sizes: \(too) is larger than the \(data.train.count) training examples")
        }
        print("rectifier bench: \(data.train.name), \(la)")
        var bench = ThroughputBenchmark()
        bench.trainSeconds = seconds
        bench.l1 = l1
        var report = BenchReport(backend: la.description, threads: la.threads, data: data.train.name, l1: l1,
                                 learningRate: bench.learningRate)
        // The model first, so that a bad file fails before minutes of training.
        var modelNetwork: Network?
        if let model {
            let (net, _) = try Network.load(from: model, limit: ProcessEnvironment.current.maxFileBytes)
            try requireFits(net, data.test, file: model)
            modelNetwork = net
            report.inferenceModel = model
            report.inferenceModelSparsity = try net.evaluate(data.test, using: la).meanSparsity
        }
        var trained: Network?
        for batch in batches {
            FileHandle.standardError.write(Data("training at batch \(batch) for \(format(seconds, 0)) s...\n".utf8))
            let (result, net) = bench.training(batch: batch, data: data, using: la)
            report.training.append(result)
            if batch == 10 || trained == nil { trained = net }
            if let level = perturbationLevel {
                FileHandle.standardError.write(Data("training at batch \(batch) with perturbations for \(format(seconds, 0)) s...\n".utf8))
                var perturbed = data
                perturbed.train.perturbation = (try Perturbation(level: level), try ImageSize(width: 28, height: data.train.featureCount / 28))
                report.training.append(bench.training(batch: batch, data: perturbed, using: la).0)
            }
        }
        if let net = modelNetwork ?? trained, !skipInference {
            for (batch, sparse) in [(1, false), (1, true), (1000, false), (1000, true)] {
                report.inference.append(bench.inference(net, batch: batch, sparse: sparse, test: data.test, using: la))
            }
        }
        if !skipGemm {
            // The FMA peak of every instruction set a kernel below uses, to read each GEMM against.
            let sets = LinearAlgebra.InstructionSet.allCases.filter { $0 >= .avx2 && $0 <= .best }
            report.fmaPeak = sets.map { FMAPeak.measure($0) }
            var backends: [LinearAlgebra] = [.builtin(threads: la.threads)]
            if LinearAlgebra.InstructionSet.best > .avx2 { backends.append(.builtin(threads: la.threads, instructionSet: .avx2)) }
            if let blas = LinearAlgebra.systemBLAS(threads: la.threads, minimumDimension: 0) { backends.insert(blas, at: 0) }
            for backend in backends {
                // BLAS is read against the best instruction set (what it may use at most).
                let isa = backend.backend == .builtin ? backend.instructionSet : .best
                let peak = report.fmaPeak.first { $0.instructionSet == isa.description }.map { $0.gflops(threads: backend.threads) }
                var results = GEMMBenchmark.paperShapes.map { GEMMBenchmark().measure(backend, m: $0.0, k: $0.1, n: $0.2) }
                results += GEMMBenchmark.stepShapes.map { GEMMBenchmark().measure(backend, m: $0.0, k: $0.1, n: $0.2, transA: $0.3, transB: $0.4) }
                for var r in results {
                    r.fractionOfPeak = peak.map { r.gflops / $0 }
                    report.gemm.append(r)
                }
            }
        }
        report.peakResidentBytes = peakResidentBytes()
        print(report.render(peers: peers))
        if let json { try FileIO.writeJSON(report, to: json) }
    }
}

/// Everything `rectifier bench` measured.
struct BenchReport: Codable {
    var backend: String
    var threads: Int
    var data: String
    var l1: Float
    var learningRate: Float
    var training: [ThroughputBenchmark.Training] = []
    /// The FMA peak per instruction set (with the GEMM measurements).
    var fmaPeak: [FMAPeak] = []
    /// The model file inference was timed on (nil: the network trained at batch 10).
    var inferenceModel: String?
    /// Mean exact sparsity of that model's hidden layers on the test set.
    var inferenceModelSparsity: Double?
    var inference: [ThroughputBenchmark.Inference] = []
    var gemm: [GEMMBenchmark.Result] = []
    var peakResidentBytes = 0

    func render(peers: [PeerFigures]) -> String {
        func ratio(_ ours: Double, _ theirs: Double?) -> String {
            guard let theirs, theirs > 0 else { return "" }
            return format(ours / theirs, 2) + "x"
        }
        func peerValue(_ f: (PeerFigures) -> Double?) -> Double? { peers.compactMap(f).max() }
        let header = ["measurement", "rectifier", "unit"] + (peers.isEmpty ? [] : ["peer", "ratio"])
        var rows: [[String]] = []
        func add(_ name: String, _ value: Double, _ unit: String, _ peer: Double?) {
            rows.append([name, format(value, value < 100 ? 1 : 0), unit]
                        + (peers.isEmpty ? [] : [peer.map { format($0, $0 < 100 ? 1 : 0) } ?? "", ratio(value, peer)]))
        }
        for t in training {
            let threads = t.oneThreadShare.map { ", 1 thread in \(percent($0, digits: 0)) of rounds" } ?? ""
            let perturbed = t.perturbationLevel.map { ", perturbed at \(format(Double($0), 2))" } ?? ""
            add("training, batch \(t.batch)\(perturbed) (sparsity \(percent(t.hiddenSparsity))\(threads))", t.samplesPerSecond, "samples/s",
                t.perturbationLevel == nil ? peerValue { $0.trainingSamplesPerSecond[t.batch] } : nil)
        }
        for i in inference {
            add("inference, batch \(i.batch), \(i.path)", i.samplesPerSecond, "samples/s",
                peerValue { i.batch == 1 ? $0.inferenceBatch1 : (i.batch == 1000 ? $0.inferenceBatch1000 : nil) })
        }
        for p in fmaPeak {
            add("FMA peak \(p.instructionSet), 1 core", p.gflopsPerCore, "GFLOP/s", nil)
            add("FMA peak \(p.instructionSet), \(p.cores) cores", p.gflopsAllCores, "GFLOP/s", nil)
        }
        for g in gemm {
            let ofPeak = g.fractionOfPeak.map { " (\(percent($0, digits: 0)) of peak)" } ?? ""
            add("sgemm \(g.shape), \(g.backend)", g.gflops, "GFLOP/s" + ofPeak, peerValue { $0.gemmGFLOPS[g.shape] })
        }
        let builtinVsBLAS = GEMMBenchmark.paperShapes.compactMap { (m, k, n) -> String? in
            let shape = "\(m)x\(k)x\(n)"
            guard let b = gemm.first(where: { $0.shape == shape && $0.backend == "builtin" }),
                  let o = gemm.first(where: { $0.shape == shape && $0.backend == "blas" }) else { return nil }
            return "\(shape) \(percent(b.gflops / o.gflops))"
        }
        var text = table(header, rows)
        if let inferenceModel, let s = inferenceModelSparsity {
            text += "\ninference timed on \(inferenceModel) (hidden sparsity \(percent(s)) on the test set)"
        }
        text += "\npeak resident memory: \(format(Double(peakResidentBytes) / 1_048_576, 0)) MiB"
        if !builtinVsBLAS.isEmpty { text += "\nbuilt-in GEMM as a fraction of BLAS: " + builtinVsBLAS.joined(separator: ", ") }
        if !peers.isEmpty { text += "\npeer: " + peers.map(\.description).joined(separator: "; ") }
        return text
    }
}
