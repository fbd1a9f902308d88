import CKernels

/// Speed of the paper's sentiment network, measured like the PyTorch peer script
/// `torch_sentiment.py`: a binary bag of words (5000 terms at 0.6% density) into
/// three layers of 5000 rectifier units and a softmax over 2 classes, plain SGD at minibatch
/// 10, training examples per second over a fixed time from a fresh network.
///
/// The same examples are fed three ways: as CSR (the first layer reads and updates only the
/// weight rows of the active terms), stored dense with our products finding the zeros of each
/// batch, and stored dense with dense products throughout (what a dense framework does). For
/// each it also times the first layer alone (forward, backward and update of one step), which
/// is where the input's sparsity pays.
public struct SentimentBenchmark: Sendable {
    public var terms = 5000
    public var density = 0.006
    public var hiddenSizes = [5000, 5000, 5000]
    public var batch = 10
    public var learningRate: Float = 0.01
    public var seed: UInt64 = 1234
    /// Seconds of training per input form.
    public var trainSeconds = 10.0
    /// Steps of the first layer timed per input form.
    public var firstLayerSteps = 100

    public init() {}

    /// How the inputs reach the network.
    public enum InputForm: String, Codable, Sendable, CaseIterable {
        /// CSR batches: only the non-zeros are stored and visited.
        case sparse
        /// Dense batches; our products build the non-zero list of each batch themselves.
        case dense
        /// Dense batches through dense products only (`SparsityPolicy.never`).
        case denseProducts = "dense-products"
    }

    /// One input form's figures.
    public struct Measurement: Codable, Sendable {
        public var input: InputForm
        public var batch: Int
        public var samplesPerSecond: Double
        public var samples: Int
        public var seconds: Double
        /// The first layer's forward, backward and SGD update for one minibatch, in milliseconds
        /// (median over `firstLayerSteps`).
        public var firstLayerMilliseconds: Double
        /// Peak resident memory of the process when this form's training ended.
        public var peakResidentBytes: Int
    }

    /// The network's shape, for the report.
    public var description: String {
        "\(terms)-\(hiddenSizes.map(String.init).joined(separator: "-"))-2 rectifier, \(terms) terms at \(density * 100)% density"
    }

    /// Trains and times each form in `forms`, in that order (sparse first, so that its peak
    /// memory is its own: the dense forms hold the dense copy of the inputs besides), calling
    /// `starting` before each.
    public func run(_ forms: [InputForm] = InputForm.allCases, using la: LinearAlgebra,
                    starting: (InputForm) -> Void = { _ in }) -> [Measurement] {
        let sparse = SyntheticData.bagOfWords(train: 8000, test: 1000, terms: terms, density: density, seed: seed)
        var dense: DataSplits?
        var bench = ThroughputBenchmark()
        (bench.hiddenSizes, bench.learningRate, bench.seed, bench.trainSeconds) = (hiddenSizes, learningRate, seed, trainSeconds)
        return forms.map { form in
            starting(form)
            if form != .sparse && dense == nil {
                dense = sparse
                dense!.train.inputs = .dense(sparse.train.inputs.densified())
                dense!.validation.inputs = .dense(sparse.validation.inputs.densified())
                dense!.test.inputs = .dense(sparse.test.inputs.densified())
            }
            let data = form == .sparse ? sparse : dense!
            let products = form == .denseProducts ? la.with(sparsity: .never) : la
            let (training, net) = bench.training(batch: batch, data: data, using: products)
            let peak = peakResidentBytes()
            return Measurement(input: form, batch: training.batch, samplesPerSecond: training.samplesPerSecond,
                               samples: training.samples, seconds: training.seconds,
                               firstLayerMilliseconds: firstLayerTime(net, data.train, using: products), peakResidentBytes: peak)
        }
    }

    /// Median time of one step of `net`'s first layer alone on minibatches of `train`: forward,
    /// then backward with a fixed gradient and the SGD update, as `trainStep` calls them.
    func firstLayerTime(_ net: Network, _ train: Dataset, using la: LinearAlgebra) -> Double {
        var layer = net.layers[0]
        var sgd = SGD(learningRate: learningRate, for: net)
        let ws = Workspace(for: net, capacity: batch)
        let minibatch = Minibatch(capacity: batch, for: train)
        let n = layer.outputSize
        var rng = RandomSource(seed: seed)
        let gradient = (0..<(batch * n)).map { _ in rng.nextFloat(symmetric: 0.01) }
        let (output, delta) = (ws.outputs[0].pointer, ws.deltas[0].pointer)
        let clock = ContinuousClock()
        var times: [Double] = []
        for step in 0..<(firstLayerSteps + 5) {
            minibatch.gather(train, rows: ((step * batch)..<((step + 1) * batch)).map { $0 % train.count })
            gradient.withUnsafeBufferPointer { delta.update(from: $0.baseAddress!, count: batch * n) }
            let start = clock.now
            layer.forward(minibatch.input, batch: batch, into: output, using: la, scratch: ws.sparse[0])
            layer.backward(input: minibatch.input, output: output, delta: delta, inputGradient: nil, batch: batch, l1: 0,
                           layerIndex: 0, optimizer: &sgd, using: la, scratch: ws.sparse[0], columns: ws.inputColumns)
            if step >= 5 { times.append((clock.now - start).seconds * 1000) }  // 5 warm-up steps
        }
        return times.sorted()[times.count / 2]
    }
}
