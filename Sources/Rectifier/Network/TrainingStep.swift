/// One training step of a whole network: forward pass, loss, back-propagation through every
/// layer (each hands its gradient to the optimizer), and what the step measured.
extension Network {
    /// What one training step measured, before the update.
    public struct StepResult: Sendable {
        /// Σ over the batch of -log P(label | x).
        public var lossSum: Double
        /// The L1 term: l1 × Σ over hidden layers of the batch mean of Σ|h|.
        public var penalty: Double
        /// Correctly classified rows.
        public var correct: Int
        /// Σ over hidden layers of the batch mean of Σ|h| (not finite when an activation is not).
        public var activationMagnitude: Double

        /// Whether the loss and every activation were finite.
        public var isFinite: Bool { lossSum.isFinite && activationMagnitude.isFinite }
    }

    /// Σ over hidden layers of the batch mean of Σ_j |h_j|, for the batch in `workspace`.
    public func activationMagnitude(batch: Int, workspace: Workspace) -> Double {
        var total = 0.0
        for l in hiddenLayers.indices {
            let h = workspace.outputs[l].pointer
            var sum: Float = 0
            for i in 0..<(batch * layers[l].outputSize) { sum += abs(h[i]) }
            total += Double(sum)
        }
        return total / Double(batch)
    }

    /// The L1 activation penalty of the batch currently in `workspace`: `l1` times, summed over
    /// hidden layers, the batch mean of Σ_j |h_j|.
    public func l1Penalty(_ l1: Float, batch: Int, workspace: Workspace) -> Double {
        l1 == 0 ? 0 : Double(l1) * activationMagnitude(batch: batch, workspace: workspace)
    }

    /// Forward pass, softmax-NLL loss, back-propagation and update for one batch of dense
    /// input. The labels are read from `workspace.labels`. The loss minimised is mean NLL +
    /// `l1Penalty`.
    @discardableResult
    public mutating func trainStep<O: Optimizer>(
        _ input: UnsafePointer<Float>, batch: Int, l1: Float, optimizer: inout O,
        workspace: Workspace, using la: LinearAlgebra
    ) -> StepResult {
        trainStep(.dense(input), labels: workspace.labels.baseAddress!, batch: batch, l1: l1, optimizer: &optimizer,
                  workspace: workspace, using: la)
    }

    /// One SGD step on the examples gathered in `minibatch`.
    @discardableResult
    public mutating func trainStep<O: Optimizer>(
        _ minibatch: Minibatch, l1: Float, optimizer: inout O, workspace: Workspace, using la: LinearAlgebra
    ) -> StepResult {
        trainStep(minibatch.input, labels: minibatch.labels.pointer, batch: minibatch.count, l1: l1, optimizer: &optimizer,
                  workspace: workspace, using: la)
    }

    /// Forward pass, softmax-NLL loss against `labels`, back-propagation and update.
    @discardableResult
    public mutating func trainStep<O: Optimizer>(
        _ input: BatchInput, labels: UnsafePointer<Int32>, batch: Int, l1: Float, optimizer: inout O,
        workspace: Workspace, using la: LinearAlgebra
    ) -> StepResult {
        trainStep(input, batch: batch, l1: l1, optimizer: &optimizer, workspace: workspace, using: la) {
            output, width, gradient in
            let r = SoftmaxCrossEntropy.evaluate(logits: output, labels: labels, batch: batch, classes: width, gradient: gradient)
            return (r.lossSum, r.correct)
        }
    }

    /// Forward pass, any loss on the top layer's output, back-propagation and update.
    /// `loss(output, width, gradient)` returns the loss summed over the batch (and a count of
    /// correct rows, or 0) and writes ∂(mean loss)/∂output into `gradient`.
    @discardableResult
    public mutating func trainStep<O: Optimizer>(
        _ input: BatchInput, batch: Int, l1: Float, optimizer: inout O,
        workspace: Workspace, using la: LinearAlgebra,
        loss: (UnsafePointer<Float>, Int, UnsafeMutablePointer<Float>) -> (Double, Int)
    ) -> StepResult {
        forward(input, batch: batch, workspace: workspace, using: la)
        let top = layers.count - 1
        let (lossSum, correct) = loss(workspace.outputs[top].pointer, layers[top].outputSize, workspace.deltas[top].pointer)
        let magnitude = activationMagnitude(batch: batch, workspace: workspace)
        for l in stride(from: top, through: 0, by: -1) {
            let below: BatchInput = l == 0 ? input : .dense(UnsafePointer(workspace.outputs[l - 1].pointer))
            layers[l].backward(
                input: below, output: workspace.outputs[l].pointer, delta: workspace.deltas[l].pointer,
                inputGradient: l == 0 ? nil : workspace.deltas[l - 1].pointer, batch: batch,
                l1: l == top ? 0 : l1, layerIndex: l, optimizer: &optimizer, using: la,
                scratch: workspace.sparse[l], columns: l == 0 ? workspace.inputColumns : nil,
                inputZerosAreInactive: l > 0 && layers[l - 1].activation.hasExactZeros)
        }
        return StepResult(lossSum: lossSum, penalty: Double(l1) * magnitude, correct: correct, activationMagnitude: magnitude)
    }
}
