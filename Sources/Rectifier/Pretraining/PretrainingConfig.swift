/// Settings of greedy layer-wise pre-training with denoising auto-encoders.
public struct PretrainingConfig: Codable, Equatable, Sendable {
    /// Widths of the layers to pre-train, bottom first.
    public var hiddenSizes: [Int] = [1000, 1000, 1000]
    /// Hidden activation of every encoder.
    public var activation: Activation = .rectifier
    /// Sign trick on the encoders.
    public var signTrick = false
    /// Input corruption (the paper's images: masking noise 0.25).
    public var corruption: Corruption = .masking(0.25)
    /// Reconstruction strategy; nil picks the paper's for the activation
    /// (`Activation.defaultReconstruction`).
    public var strategy: ReconstructionStrategy?
    /// How codes are scaled into [0, 1] for the cross-entropy strategy.
    public var scaling: CodeScaling = .globalMax
    /// L1 penalty on the codes.
    public var l1: Float = 0.001
    /// Per layer: the corruption of each layer's input (nil: `corruption` for all; text uses
    /// salt-and-pepper on the binary input, masking higher up).
    public var layerCorruptions: [Corruption]?
    /// Per layer: the L1 coefficient (nil: `l1` for all).
    public var layerL1: [Float]?
    /// Epochs per layer.
    public var epochs = 10
    /// Learning rate per layer (one value: all layers); nil chooses from `learningRateGrid`.
    public var learningRates: [Float]?
    /// The paper's grid, searched by validation reconstruction error when `learningRates` is nil.
    public var learningRateGrid: [Float] = [0.1, 0.01, 0.001, 0.0001]
    /// Epochs each grid candidate trains before the choice (at most `epochs`); the winner then
    /// continues.
    public var selectionEpochs = 3
    /// Examples per SGD step.
    public var batchSize = 10
    /// Seed of initial weights, noise and data order.
    public var seed: UInt64 = 1

    public init() {}

    /// The strategy actually used.
    public var resolvedStrategy: ReconstructionStrategy {
        strategy ?? activation.defaultReconstruction
    }

    /// The corruption of layer `i`'s input.
    public func corruption(layer i: Int) -> Corruption { layerCorruptions.map { $0[$0.count == 1 ? 0 : i] } ?? corruption }

    /// The L1 coefficient of layer `i`.
    public func l1(layer i: Int) -> Float { layerL1.map { $0[$0.count == 1 ? 0 : i] } ?? l1 }

    /// The learning rate of layer `i` when fixed.
    func learningRate(layer i: Int) -> Float? {
        guard let rates = learningRates, !rates.isEmpty else { return nil }
        return rates.count == 1 ? rates[0] : rates[i]
    }

    public func validate() throws {
        if hiddenSizes.isEmpty { throw UsageError("nothing to pre-train: the layer list is empty") }
        if epochs <= 0 { throw UsageError("pre-training epochs must be positive, got \(epochs)") }
        if batchSize <= 0 { throw UsageError("pre-training batch size must be positive") }
        if !(l1 >= 0) { throw UsageError("L1 coefficient must be >= 0") }
        if let c = layerCorruptions, c.count != 1 && c.count != hiddenSizes.count {
            throw UsageError("give one noise, or one per layer (\(hiddenSizes.count))")
        }
        if let l = layerL1 {
            guard l.count == 1 || l.count == hiddenSizes.count else { throw UsageError("give one pre-training L1, or one per layer (\(hiddenSizes.count))") }
            guard l.allSatisfy({ $0 >= 0 && $0.isFinite }) else { throw UsageError("pre-training L1 coefficients must be >= 0") }
        }
        if let rates = learningRates {
            guard rates.count == 1 || rates.count == hiddenSizes.count else {
                throw UsageError("give one pre-training learning rate, or one per layer (\(hiddenSizes.count))")
            }
            guard rates.allSatisfy({ $0 > 0 && $0.isFinite }) else { throw UsageError("pre-training learning rates must be positive") }
        }
        if learningRates == nil && (learningRateGrid.isEmpty || selectionEpochs <= 0) {
            throw UsageError("learning-rate selection needs a grid and at least one selection epoch")
        }
    }
}

/// One epoch of pre-training of one layer.
public struct PretrainingEpoch: Codable, Equatable, Sendable {
    /// 1-based layer.
    public var layer: Int
    /// 1-based epoch within the layer.
    public var epoch: Int
    public var learningRate: Float
    /// Mean reconstruction cost on the corrupted training inputs during the epoch.
    public var trainReconstruction: Double
    /// Mean reconstruction cost of the clean validation inputs after the epoch.
    public var validationReconstruction: Double
    /// Exact sparsity of the validation codes.
    public var validationSparsity: Double
    public var trainSeconds: Double
}

/// How one layer was pre-trained.
public struct PretrainedLayerReport: Codable, Equatable, Sendable {
    public var layer: Int
    public var learningRate: Float
    /// Validation reconstruction after `selectionEpochs` for each grid candidate (empty when fixed).
    public var candidates: [Candidate]
    public var finalValidationReconstruction: Double
    /// Scale that divided this layer's inputs during pre-training (folded into its weights).
    public var inputScale: [Float]
    public var seconds: Double

    public struct Candidate: Codable, Equatable, Sendable {
        public var learningRate: Float
        public var validationReconstruction: Double
    }
}
