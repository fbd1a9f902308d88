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
            `rectifier train`) instead of the briefly trained one, --train-from starts the timed \
            training from one. Then times one 1000-unit layer's products with the sparse kernels \
            and with dense products at input densities from 5% to 80% (real and effective \
            GFLOP/s, and the crossover density). --compare reads the JSON lines of PyTorch peer scripts (torch_mlp.py, gemm_bench.py, \
            torch_sentiment.py; see docs/performance.md) and prints ratios. \
            --sentiment times the paper's text network instead.
            """)

    @Option(help: ArgumentHelp("MNIST directory (default: random MNIST-shaped data).", valueName: "dir"))
    var dataDir: String?

    @Option(help: "Seconds of training per batch size.")
    var seconds: Double = 10

    @Option(help: ArgumentHelp("Training batch sizes, comma-separated.", valueName: "sizes"))
    var batchSizes: String = "1,10,100"

    @Option(help: "L1 coefficient during timed training (the peer's throughput runs use 0).")
    var l1: Float = 0

    @Option(help: ArgumentHelp("Also time training with NISTP-style perturbations at this level drawn for every example a batch ahead, as nistp trains (at the data's image size), beside the same training on the same perturbed images stored beforehand and on clean images, the three in turn half a second at a time.", valueName: "level"))
    var perturbationLevel: Float?

    @Flag(help: "Skip the training (and, without --model, the inference) measurements.")
    var skipTraining = false

    @Option(help: ArgumentHelp("Time inference on this model (model.safetensors from rectifier train).", valueName: "file"))
    var model: String?

    @Option(help: ArgumentHelp("Start the timed training from this model (model.safetensors from rectifier train) instead of a fresh network: training at the sparsity of a trained network.", valueName: "file"))
    var trainFrom: String?

    @Flag(help: "Skip the GEMM measurements.")
    var skipGemm = false

    @Flag(help: "Skip the sparse products: one 1000-unit layer's forward and backward at batch 100 (and forward at 1000), sparse kernels against dense products, at input densities from 5% to 80%, with the crossover density of each.")
    var skipSparseProducts = false

    @Flag(help: "Skip the inference measurements.")
    var skipInference = false

    @Option(help: ArgumentHelp("Write the report as JSON to this file.", valueName: "file"))
    var json: String?

    @Option(help: ArgumentHelp("Peer results (JSON lines) to compare with; repeatable.", valueName: "file"))
    var compare: [String] = []

    @Flag(help: "Time the paper's sentiment network instead: a 5000-term binary bag of words at 0.6% density into 3 x 5000 rectifier units, minibatch 10, with CSR input, with the same input stored dense, and stored dense through dense products only; each form's training samples/s, its first layer's time per step and the peak memory (as the PyTorch peer script torch_sentiment.py).")
    var sentiment = false

    @Flag(help: "Measure this machine again for --backend auto (which backend takes the large products, where the sparse kernels stop paying), keep the result, print it and stop.")
    var calibrate = false

    @OptionGroup var compute: ComputeOptions

    func run() throws {
        if calibrate {
            let threads = try compute.threadCount()
            let c = ComputeOptions.calibration(threads: threads, remeasure: true)
            print("calibration of \(c.machine)\(c.blas.map { ", BLAS " + $0 } ?? ", no BLAS") in \(format(c.seconds, 1)) s:")
            print("  1000x1000x1000: built-in \(format(c.builtinGFLOPS, 1)) GFLOP/s" + (c.blasGFLOPS.map { ", BLAS \(format($0, 1)) GFLOP/s" } ?? "")
                  + "; large products on \(c.backend == .blas ? "BLAS" : "the built-in kernel")")
            print("  sparse kernels below \(percent(c.forwardDensity)) non-zero inputs (forward, batch 1000), "
                  + "\(percent(c.backwardDensity)) (fused backward, batch 100)")
            return
        }
        guard seconds > 0 else { throw ValidationError("--seconds must be positive") }
        guard l1 >= 0 else { throw ValidationError("--l1 must be >= 0") }
        if let p = perturbationLevel, !(0...1).contains(p) { throw ValidationError("--perturbation-level must be in [0, 1]") }
        let batches = skipTraining ? [] : try parseList(batchSizes, option: "--batch-sizes", what: "a batch size")
        let peers = try compare.map(PeerFigures.read)
        let la = try compute.linearAlgebra()
        if sentiment { return try runSentiment(la, peers: peers) }
        let data = try dataDir.map { try MNISTDataset.load(directory: $0, limit: ProcessEnvironment.current.maxFileBytes) } ?? SyntheticData.mnistShaped()
        if let too = batches.first(where: { $0 > data.train.count }) {
            throw ValidationError("--batch-sizes: \(too) is larger than the \(data.train.count) training examples")
        }
        print("rectifier bench: \(data.train.name), \(la)")
        var bench = ThroughputBenchmark()
        bench.trainSeconds = seconds
        bench.l1 = l1
        var report = BenchReport(backend: la.description, threads: la.threads, data: data.train.name, l1: l1,
                                 learningRate: bench.learningRate)
        // The models first, so that a bad file fails before minutes of training; a file given
        // to both options is read and evaluated once.
        var loaded: [String: (network: Network, sparsity: Double)] = [:]
        func load(_ path: String) throws -> (network: Network, sparsity: Double) {
            if let done = loaded[path] { return done }
            let (net, _) = try Network.load(from: path, limit: ProcessEnvironment.current.maxFileBytes)
            try requireFits(net, data.test, file: path)
            let result = (net, try net.evaluate(data.test, using: la).meanSparsity)
            loaded[path] = result
            return result
        }
        var modelNetwork: Network?
        if let model {
            (modelNetwork, report.inferenceModelSparsity) = try load(model)
            report.inferenceModel = model
        }
        if let trainFrom {
            (bench.startingNetwork, report.trainingStartSparsity) = try load(trainFrom)
            report.trainingStart = trainFrom
        }
        var trained: Network?
        // The perturbed data and its stored images, made once for every batch size.
        var perturbed = data, stored = data
        if let level = perturbationLevel, !batches.isEmpty {
            perturbed.train.perturbation = (try Perturbation(level: level), try ImageSize(width: 28, height: data.train.featureCount / 28))
            FileHandle.standardError.write(Data("perturbing the training set once, to store it...\n".utf8))
            stored = bench.storedPerturbations(of: perturbed)
        }
        for batch in batches {
            if let level = perturbationLevel {
                FileHandle.standardError.write(Data(
                    "training at batch \(batch) on clean, stored perturbed and perturbed-on-the-fly data in turn, half a second at a time, \(format(seconds, 0)) s each...\n".utf8))
                var (runs, net) = bench.interleavedTraining(batch: batch, data: [data, stored, perturbed], using: la)
                (runs[1].perturbationLevel, runs[1].perturbedBeforehand, runs[2].perturbedBeforehand) = (level, true, false)
                report.training += runs
                if batch == 10 || trained == nil { trained = net }
            } else {
                FileHandle.standardError.write(Data("training at batch \(batch) for \(format(seconds, 0)) s...\n".utf8))
                let (result, net) = bench.training(batch: batch, data: data, using: la)
                report.training.append(result)
                if batch == 10 || trained == nil { trained = net }
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
        if !skipSparseProducts {
            FileHandle.standardError.write(Data("timing the sparse products against the dense ones...\n".utf8))
            report.sparseProducts = SparseProductBenchmark().run(using: la)
            report.sparseCrossover = SparseProductBenchmark.crossovers(report.sparseProducts)
        }
        report.peakResidentBytes = peakResidentBytes()
        print(report.render(peers: peers))
        if let json { try FileIO.writeJSON(report, to: json) }
    }
}

extension Bench {
    /// `--sentiment`: the text network's three input forms, one after the other.
    func runSentiment(_ la: LinearAlgebra, peers: [PeerFigures]) throws {
        guard dataDir == nil, model == nil, trainFrom == nil, perturbationLevel == nil else {
            throw ValidationError("--sentiment makes its own bag-of-words data: it takes no --data-dir, --model, --train-from or --perturbation-level")
        }
        var bench = SentimentBenchmark()
        bench.trainSeconds = seconds
        print("rectifier bench --sentiment: \(bench.description), \(la)")
        var report = BenchReport(backend: la.description, threads: la.threads, data: bench.description, l1: 0,
                                 learningRate: bench.learningRate)
        report.sentiment = bench.run(using: la) { form in
            FileHandle.standardError.write(Data("training with \(form.rawValue) input for \(format(seconds, 0)) s...\n".utf8))
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
    /// The model the timed training started from (nil: a fresh network), and its hidden sparsity on the test set.
    var trainingStart: String?
    var trainingStartSparsity: Double?
    /// The FMA peak per instruction set (with the GEMM measurements).
    var fmaPeak: [FMAPeak] = []
    /// The model file inference was timed on (nil: the network trained at batch 10).
    var inferenceModel: String?
    /// Mean exact sparsity of that model's hidden layers on the test set.
    var inferenceModelSparsity: Double?
    var inference: [ThroughputBenchmark.Inference] = []
    var gemm: [GEMMBenchmark.Result] = []
    /// One layer's products, sparse kernels against dense, by input density.
    var sparseProducts: [SparseProductBenchmark.Result] = []
    /// Per product and batch, the density below which the sparse kernels were faster.
    var sparseCrossover: [SparseProductBenchmark.Crossover] = []
    /// `--sentiment`: the text network, one entry per input form.
    var sentiment: [SentimentBenchmark.Measurement] = []
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
            let made = t.perturbedBeforehand.map { $0 ? ", stored" : ", on the fly" } ?? ""
            let perturbed = t.perturbationLevel.map { ", perturbed at \(format(Double($0), 2))\(made)" } ?? ""
            add("training, batch \(t.batch)\(perturbed) (sparsity \(percent(t.hiddenSparsity))\(threads))", t.samplesPerSecond, "samples/s",
                t.perturbationLevel == nil ? peerValue { $0.trainingSamplesPerSecond[t.batch] } : nil)
        }
        for t in training where t.perturbedBeforehand == false {
            let same = training.filter { $0.batch == t.batch }
            for (base, name) in [(same.first { $0.perturbedBeforehand == true }, "stored perturbed (the pipeline's cost)"),
                                 (same.first { $0.perturbationLevel == nil }, "clean")] {
                guard let base else { continue }
                rows.append(["training, batch \(t.batch): perturbed on the fly / \(name)",
                             format(t.samplesPerSecond / base.samplesPerSecond, 3), "ratio"] + (peers.isEmpty ? [] : ["", ""]))
            }
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
        for p in sparseProducts {
            rows.append(["sparse \(p.product) \(p.batch)x\(p.inputs)x\(p.outputs), \(percent(p.density, digits: 0)) non-zero",
                         format(p.effectiveGflops, 0),
                         "effective GFLOP/s (real \(format(p.gflops, 0)); dense \(format(p.denseGflops, 0)): \(format(p.denseMilliseconds / p.sparseMilliseconds, 2))x)"]
                        + (peers.isEmpty ? [] : ["", ""]))
        }
        for m in sentiment {
            add("sentiment training, batch \(m.batch), \(m.input.rawValue) input", m.samplesPerSecond, "samples/s",
                peerValue { $0.sentimentSamplesPerSecond.values.max() })
        }
        for m in sentiment {
            rows.append(["sentiment first layer, \(m.input.rawValue) input", format(m.firstLayerMilliseconds, 3), "ms per step"]
                        + (peers.isEmpty ? [] : ["", ""]))
        }
        if let sparse = sentiment.first(where: { $0.input == .sparse }) {
            for m in sentiment where m.input != .sparse {
                rows.append(["sentiment first layer: \(m.input.rawValue) / sparse input", format(m.firstLayerMilliseconds / sparse.firstLayerMilliseconds, 1),
                             "times the time"] + (peers.isEmpty ? [] : ["", ""]))
            }
            add("peak resident memory after the sparse-input training", Double(sparse.peakResidentBytes) / 1_048_576, "MiB", nil)
        }
        let builtinVsBLAS = GEMMBenchmark.paperShapes.compactMap { (m, k, n) -> String? in
            let shape = "\(m)x\(k)x\(n)"
            guard let b = gemm.first(where: { $0.shape == shape && $0.backend == "builtin" }),
                  let o = gemm.first(where: { $0.shape == shape && $0.backend == "blas" }) else { return nil }
            return "\(shape) \(percent(b.gflops / o.gflops))"
        }
        var text = table(header, rows)
        if let trainingStart, let s = trainingStartSparsity {
            text += "\ntraining started from \(trainingStart) (hidden sparsity \(percent(s)) on the test set)"
        }
        if let inferenceModel, let s = inferenceModelSparsity {
            text += "\ninference timed on \(inferenceModel) (hidden sparsity \(percent(s)) on the test set)"
        }
        for c in sparseCrossover {
            let at = c.density.map { "below \(percent($0, digits: 0)) non-zero inputs" }
                ?? (c.sparseFasterThroughout ? "at every density measured" : "at no density measured")
            text += "\nsparse \(c.product) at batch \(c.batch) faster than dense \(at)"
        }
        text += "\npeak resident memory: \(format(Double(peakResidentBytes) / 1_048_576, 0)) MiB"
        if !builtinVsBLAS.isEmpty { text += "\nbuilt-in GEMM as a fraction of BLAS: " + builtinVsBLAS.joined(separator: ", ") }
        if !peers.isEmpty { text += "\npeer: " + peers.map(\.description).joined(separator: "; ") }
        return text
    }
}
