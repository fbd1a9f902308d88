/// A one-layer denoising auto-encoder (Vincent et al. 2008) as in the paper: the input is
/// corrupted, encoded by h = s ⊙ f(W x̃ + b), decoded by an untied y = W'h + b', and the
/// reconstruction r(y) is compared with the clean input by the strategy's cost. The L1 penalty
/// applies to the code h, the sign trick to the encoder.
public struct DenoisingAutoencoder: Sendable, Equatable {
    /// Encoder then decoder (a linear layer; the strategy applies the output function).
    public var network: Network
    /// Input corruption.
    public var corruption: Corruption
    /// Reconstruction function and cost.
    public var strategy: ReconstructionStrategy
    /// How clean inputs become reconstruction targets.
    public var targets: TargetMap

    /// The encoder layer (what the stack keeps).
    public var encoder: DenseLayer { network.layers[0] }

    /// A freshly initialised auto-encoder (Glorot-uniform weights, zero biases, untied).
    public init(inputSize: Int, hiddenSize: Int, activation: Activation, signTrick: Bool,
                corruption: Corruption, strategy: ReconstructionStrategy, targets: TargetMap, rng: inout RandomSource) {
        let encoder = DenseLayer(inputSize: inputSize, outputSize: hiddenSize, activation: activation,
                                 signTrick: signTrick, rng: &rng)
        let decoder = DenseLayer(inputSize: hiddenSize, outputSize: inputSize, activation: .linear, rng: &rng)
        network = Network(layers: [encoder, decoder])
        self.corruption = corruption
        self.strategy = strategy
        self.targets = targets
    }

    /// Buffers for training steps at batches of up to `capacity` rows.
    public struct StepBuffers {
        let workspace: Workspace
        let corrupted: FloatBuffer
        let targets: FloatBuffer
        /// Sparse inputs: the corrupted batch, row by row.
        let corruptedRows: SparseRowsBuffer
        public init(for dae: DenoisingAutoencoder, capacity: Int) {
            workspace = Workspace(for: dae.network, capacity: capacity)
            corrupted = FloatBuffer(count: capacity * dae.encoder.inputSize)
            targets = FloatBuffer(count: capacity * dae.encoder.inputSize)
            corruptedRows = SparseRowsBuffer(rows: capacity)
        }
    }

    /// One SGD step on `batch` clean inputs; returns the reconstruction cost summed over the
    /// batch and the L1 term of the batch.
    @discardableResult
    public mutating func trainStep<O: Optimizer>(_ input: UnsafePointer<Float>, batch: Int, l1: Float,
                                                 optimizer: inout O, buffers: StepBuffers, noise: inout RandomSource,
                                                 using la: LinearAlgebra) -> (cost: Double, penalty: Double) {
        let width = encoder.inputSize
        corruption.apply(input, into: buffers.corrupted.pointer, count: batch * width, rng: &noise)
        targets.apply(input, into: buffers.targets.pointer, count: batch * width)
        let strategy = self.strategy
        let t = UnsafePointer(buffers.targets.pointer)
        let step = network.trainStep(.dense(buffers.corrupted.pointer), batch: batch, l1: l1, optimizer: &optimizer,
                                     workspace: buffers.workspace, using: la) { y, width, gradient in
            (strategy.evaluate(y, targets: t, batch: batch, width: width, gradient: gradient), 0)
        }
        return (step.lossSum, step.penalty)
    }

    /// One SGD step on a batch of sparse clean inputs (bags of words): the corrupted batch stays
    /// sparse and reaches the encoder as it is; the reconstruction and its targets are dense
    /// (the decoder is one dense product). The corruption draws as for dense inputs, so both
    /// give the same corrupted values.
    @discardableResult
    public mutating func trainStep<O: Optimizer>(_ input: SparseBatch, l1: Float, optimizer: inout O, buffers: StepBuffers,
                                                 noise: inout RandomSource, using la: LinearAlgebra) -> (cost: Double, penalty: Double) {
        let width = encoder.inputSize
        let batch = input.rows
        let clean = buffers.corrupted.pointer  // the dense clean rows, before they become targets
        clean.update(repeating: 0, count: batch * width)
        for r in 0..<batch {
            for p in Int(input.rowStart[r])..<Int(input.rowStart[r + 1]) { clean[r * width + Int(input.columns[p])] = input.values[p] }
        }
        targets.apply(clean, into: buffers.targets.pointer, count: batch * width)
        let rows = buffers.corruptedRows
        rows.clear()
        for r in 0..<batch {
            corruption.applySparse(row: clean + r * width, count: width, rng: &noise) { rows.append(column: $0, value: $1) }
            rows.endRow()
        }
        let strategy = self.strategy
        let t = UnsafePointer(buffers.targets.pointer)
        let step = network.trainStep(.sparse(rows.batch), batch: batch, l1: l1, optimizer: &optimizer,
                                     workspace: buffers.workspace, using: la) { y, width, gradient in
            (strategy.evaluate(y, targets: t, batch: batch, width: width, gradient: gradient), 0)
        }
        return (step.lossSum, step.penalty)
    }

    /// Mean reconstruction cost of the clean (uncorrupted) examples, and the mean exact sparsity
    /// of their codes.
    public func reconstructionError(_ data: Inputs, using la: LinearAlgebra, batchSize: Int = 1000) -> (cost: Double, sparsity: Double) {
        guard data.count > 0 else { return (0, 0) }
        let width = data.width
        let capacity = min(batchSize, data.count)
        let ws = Workspace(for: network, capacity: capacity)
        let clean = FloatBuffer(count: capacity * width)
        let targetBuffer = FloatBuffer(count: capacity * width)
        var total = 0.0
        var zeros = 0
        data.withBatches(size: capacity) { batch, range in
            let n = range.count
            network.forward(batch, batch: n, workspace: ws, using: la)
            switch batch {
            case .dense(let x): targets.apply(x, into: targetBuffer.pointer, count: n * width)
            case .sparse(let x):
                // The reconstruction is dense: write the clean rows out for the cost.
                clean.pointer.update(repeating: 0, count: n * width)
                for r in 0..<n {
                    for p in Int(x.rowStart[r])..<Int(x.rowStart[r + 1]) { clean.pointer[r * width + Int(x.columns[p])] = x.values[p] }
                }
                targets.apply(clean.pointer, into: targetBuffer.pointer, count: n * width)
            }
            total += strategy.evaluate(ws.outputs[1].pointer, targets: targetBuffer.pointer, batch: n,
                                       width: width, gradient: nil)
            let h = ws.outputs[0].pointer
            for i in 0..<(n * encoder.outputSize) where h[i] == 0 { zeros += 1 }
        }
        return (total / Double(data.count), Double(zeros) / Double(data.count * encoder.outputSize))
    }
}

/// How a clean input value becomes a reconstruction target.
public enum TargetMap: String, Equatable, Hashable, Sendable, Codable {
    /// The input itself.
    case identity
    /// |x|: rectifier codes with the sign trick, for reconstructions that are never negative.
    case absolute
    /// (x + 1) / 2: tanh codes in [-1, 1] mapped to [0, 1] for the cross-entropy cost.
    case shiftToUnit = "shift-to-unit"
    /// min(|x|, 1): scaled rectifier codes for the cross-entropy cost (values above the training
    /// maximum, on other data, are clipped).
    case clipToUnit = "clip-to-unit"

    /// Writes the targets of `count` inputs into `output`.
    public func apply(_ input: UnsafePointer<Float>, into output: UnsafeMutablePointer<Float>, count: Int) {
        switch self {
        case .identity: output.update(from: input, count: count)
        case .absolute: for i in 0..<count { output[i] = abs(input[i]) }
        case .shiftToUnit: for i in 0..<count { output[i] = min(max((input[i] + 1) / 2, 0), 1) }
        case .clipToUnit: for i in 0..<count { output[i] = min(abs(input[i]), 1) }
        }
    }

    /// The map for inputs that are `pixels` (already in [0, 1]) or codes of an `activation`
    /// layer, reconstructed with `strategy`.
    public static func choose(inputActivation: Activation?, strategy: ReconstructionStrategy) -> TargetMap {
        guard let a = inputActivation else { return .identity }  // pixels in [0, 1]
        if a.outputRange == .symmetricUnitInterval {
            return strategy.needsUnitInterval || strategy.nonNegative ? .shiftToUnit : .identity
        }
        switch strategy {
        case .sigmoidCrossEntropy: return .clipToUnit
        case .linearQuadratic: return .identity
        case .softplusQuadratic, .rectifierQuadratic: return .absolute
        }
    }
}
