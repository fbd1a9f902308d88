/// A stack of pre-trained encoder layers, ready to receive a classifier on top.
public struct PretrainedStack: Equatable, Sendable {
    public var layers: [DenseLayer]
    public var reports: [PretrainedLayerReport]

    public init(layers: [DenseLayer], reports: [PretrainedLayerReport] = []) {
        self.layers = layers
        self.reports = reports
    }

    /// The stack topped by a freshly initialised linear layer of `classes` outputs.
    public func classifier(classes: Int, rng: inout RandomSource) -> Network {
        let top = DenseLayer(inputSize: layers.last!.outputSize, outputSize: classes, activation: .linear, rng: &rng)
        return Network(layers: layers + [top])
    }
}

/// Greedy layer-wise pre-training: layer k is a denoising auto-encoder trained on the clean
/// codes of layers 1..k-1 (Bengio et al. 2007, Vincent et al. 2008), as in the paper.
public struct StackedPretraining: Sendable {
    public let config: PretrainingConfig
    public let linearAlgebra: LinearAlgebra

    public init(config: PretrainingConfig, linearAlgebra: LinearAlgebra) {
        self.config = config
        self.linearAlgebra = linearAlgebra
    }

    /// Progress within an epoch: layer and epoch (1-based), examples done of total, examples per
    /// second, mean reconstruction cost so far.
    public typealias Progress = (_ layer: Int, _ epoch: Int, _ done: Int, _ total: Int, _ rate: Double, _ cost: Double) -> Void

    /// Pre-trains every layer on the inputs of `train` (labels unused), choosing learning rates
    /// and reporting by the inputs of `validation`. `events` receives each epoch, `progress`
    /// about ten reports a second, `layerFinished` the stack after each layer (to save it: a
    /// run given it back as `resuming` goes on with the next layer and gives the same stack).
    /// Throws `CancellationError` when `shouldStop` (checked between steps) turns true.
    public func run(train: Inputs, validation: Inputs, resuming done: PretrainedStack? = nil,
                    shouldStop: () -> Bool = { false },
                    progress: Progress = { _, _, _, _, _, _ in },
                    events: (PretrainingEpoch) -> Void = { _ in },
                    layerFinished: (PretrainedStack) throws -> Void = { _ in }) throws -> PretrainedStack {
        let la = linearAlgebra
        var stack = done?.layers ?? []
        var reports = done?.reports ?? []
        precondition(stack.count <= config.hiddenSizes.count && reports.count == stack.count, "the stack to resume does not fit the configuration")
        let root = RandomSource(seed: config.seed)
        let strategy = config.resolvedStrategy
        for (i, width) in config.hiddenSizes.enumerated() where i >= stack.count {
            let start = ContinuousClock.now
            // Clean codes of the layers below (the raw inputs for the first layer).
            var codesTrain = Self.codes(of: stack, train, using: la)
            var codesValid = Self.codes(of: stack, validation, using: la)
            let below = stack.last?.activation
            // Cross-entropy needs targets in [0, 1]: divide unbounded codes by their maximum.
            var scale = [Float](repeating: 1, count: codesTrain.width)
            if strategy.needsUnitInterval, let below, !below.isBounded,
               case .dense(var t) = codesTrain, case .dense(var v) = codesValid {
                scale = Self.maxima(t, perUnit: config.scaling == .unitMax)
                Self.divideColumns(&t, by: scale)
                Self.divideColumns(&v, by: scale)
                (codesTrain, codesValid) = (.dense(t), .dense(v))
            }
            var initRNG = root.derived("layer\(i)/init")
            let fresh = DenoisingAutoencoder(
                inputSize: codesTrain.width, hiddenSize: width, activation: config.activation, signTrick: config.signTrick,
                corruption: config.corruption(layer: i), strategy: strategy,
                targets: TargetMap.choose(inputActivation: below, strategy: strategy), rng: &initRNG)
            var candidates: [PretrainedLayerReport.Candidate] = []
            var run: LayerRun
            if let rate = config.learningRate(layer: i) {
                run = LayerRun(dae: fresh, rate: rate, seed: root.derived("layer\(i)/run"))
            } else {
                // Same start for every candidate; the one with the lowest validation cost continues.
                var best: (LayerRun, Double)?
                for rate in config.learningRateGrid {
                    var candidate = LayerRun(dae: fresh, rate: rate, seed: root.derived("layer\(i)/run"))
                    var last = PretrainingEpoch(layer: i + 1, epoch: 0, learningRate: rate, trainReconstruction: 0,
                                                validationReconstruction: .infinity, validationSparsity: 0, trainSeconds: 0)
                    for _ in 0..<min(config.selectionEpochs, config.epochs) {
                        last = try candidate.epoch(layer: i + 1, train: codesTrain, validation: codesValid, config: config,
                                                   using: la, shouldStop: shouldStop, progress: progress)
                    }
                    let cost = last.validationReconstruction.isFinite ? last.validationReconstruction : .infinity
                    candidates.append(.init(learningRate: rate, validationReconstruction: cost))
                    if best == nil || cost < best!.1 { best = (candidate, cost) }
                }
                run = best!.0
                for e in run.history { events(e) }
            }
            while run.history.count < config.epochs {
                events(try run.epoch(layer: i + 1, train: codesTrain, validation: codesValid, config: config, using: la,
                                     shouldStop: shouldStop, progress: progress))
            }
            var encoder = run.dae.encoder
            // Fold the input scaling into the weights: W x/m = (W/m) x.
            for r in 0..<encoder.inputSize where scale[r] != 1 {
                for c in 0..<encoder.outputSize { encoder.weights[r, c] /= scale[r] }
            }
            stack.append(encoder)
            reports.append(PretrainedLayerReport(
                layer: i + 1, learningRate: run.rate, candidates: candidates,
                finalValidationReconstruction: run.history.last?.validationReconstruction ?? .nan,
                inputScale: scale.allSatisfy { $0 == 1 } ? [] : scale, seconds: (ContinuousClock.now - start).seconds))
            try layerFinished(PretrainedStack(layers: stack, reports: reports))
        }
        return PretrainedStack(layers: stack, reports: reports)
    }

    /// The training of one auto-encoder at one learning rate.
    struct LayerRun {
        var dae: DenoisingAutoencoder
        let rate: Float
        var noise: RandomSource
        var order: DataOrder
        var history: [PretrainingEpoch] = []

        init(dae: DenoisingAutoencoder, rate: Float, seed: RandomSource) {
            self.dae = dae
            self.rate = rate
            noise = seed.derived("noise")
            order = DataOrder(generator: seed.derived("order"))
        }

        mutating func epoch(layer: Int, train: Inputs, validation: Inputs, config: PretrainingConfig,
                            using la: LinearAlgebra, shouldStop: () -> Bool, progress: Progress) throws -> PretrainingEpoch {
            let batchSize = min(config.batchSize, train.count)
            let buffers = DenoisingAutoencoder.StepBuffers(for: dae, capacity: batchSize)
            var sgd = SGD(learningRate: rate, for: dae.network)
            let minibatch = Minibatch(capacity: batchSize, for: train)
            var threadChoice = ThreadChoice(la, batch: batchSize)
            let clock = ContinuousClock()
            let start = clock.now
            var lastReport = start
            var total = 0.0
            order.beginEpoch(examples: train.count)
            while let rows = order.nextBatch(size: batchSize) {
                if shouldStop() { throw CancellationError() }
                minibatch.gather(train, rows: rows)
                let l1 = config.l1(layer: layer - 1)
                total += threadChoice.runOrDirect(la) { la in
                    switch minibatch.input {
                    case .dense(let input):
                        dae.trainStep(input, batch: minibatch.count, l1: l1, optimizer: &sgd, buffers: buffers, noise: &noise, using: la).cost
                    case .sparse(let input):
                        dae.trainStep(input, l1: l1, optimizer: &sgd, buffers: buffers, noise: &noise, using: la).cost
                    }
                }
                if clock.now - lastReport > .milliseconds(100) {
                    lastReport = clock.now
                    progress(layer, history.count + 1, order.position, train.count,
                             Double(order.position) / (clock.now - start).seconds, total / Double(order.position))
                }
            }
            order.endEpoch()
            let seconds = (clock.now - start).seconds
            let (cost, sparsity) = dae.reconstructionError(validation, using: la)
            let e = PretrainingEpoch(layer: layer, epoch: history.count + 1, learningRate: rate,
                                     trainReconstruction: total / Double(train.count), validationReconstruction: cost,
                                     validationSparsity: sparsity, trainSeconds: seconds)
            history.append(e)
            return e
        }
    }

    /// Outputs of `layers` applied in turn to every row of `x` (x itself when empty).
    static func codes(of layers: [DenseLayer], _ x: Inputs, using la: LinearAlgebra) -> Inputs {
        guard !layers.isEmpty, x.count > 0 else { return x }
        return .dense(Network(layers: layers).outputs(of: layers.count - 1, for: x, using: la))
    }

    /// Largest |value| of each column (perUnit) or of the whole matrix, never below a tiny
    /// positive number (dead units keep scale 1).
    static func maxima(_ m: Matrix, perUnit: Bool) -> [Float] {
        var maxima = [Float](repeating: 0, count: m.columns)
        for r in 0..<m.rows {
            for c in 0..<m.columns { maxima[c] = max(maxima[c], abs(m[r, c])) }
        }
        if !perUnit {
            let g = maxima.max() ?? 1
            maxima = [Float](repeating: g, count: m.columns)
        }
        return maxima.map { $0 > 1e-12 ? $0 : 1 }
    }

    static func divideColumns(_ m: inout Matrix, by scale: [Float]) {
        let columns = m.columns
        m.storage.withUnsafeMutableBufferPointer { s in
            for i in 0..<s.count { s[i] /= scale[i % columns] }
        }
    }
}
