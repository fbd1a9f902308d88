/// What the trainer does when the loss, an activation or a parameter stops being finite.
public enum DivergencePolicy: String, Codable, Sendable, CaseIterable {
    /// Stop the run with a `Divergence` report (the best parameters so far are kept).
    case stop
    /// Go back to the state at the end of the last good epoch, halve the learning rate, go on
    /// (at most `Divergence.maximumReductions` times).
    case reduceLearningRate = "reduce-lr"
}

/// Where and how training diverged.
public struct Divergence: Error, CustomStringConvertible, Codable, Equatable, Sendable {
    /// 1-based epoch in which it happened.
    public var epoch: Int
    /// 1-based step within the epoch.
    public var step: Int
    /// 1-based layer where non-finite values first appear (counting the output layer last).
    public var layer: Int
    /// `activations`, `loss` or `parameters`.
    public var quantity: String
    /// The learning rate in use.
    public var learningRate: Float
    /// A likely cause, in words.
    public var likelyCause: String

    /// How many times `reduce-lr` halves the learning rate before giving up.
    public static let maximumReductions = 8

    public var description: String {
        "training diverged in epoch \(epoch), step \(step): the \(quantity) of layer \(layer) are not finite (NaN or infinity). "
            + "Likely cause: \(likelyCause)"
    }
}

extension Network {
    /// Finds the first layer whose outputs (for the batch in `workspace`) or parameters are not
    /// finite, after a step whose loss or activations were not.
    func locateNonFinite(batch: Int, workspace: Workspace) -> (layer: Int, quantity: String) {
        for l in layers.indices {
            let out = workspace.outputs[l].pointer
            if !(0..<(batch * layers[l].outputSize)).allSatisfy({ out[$0].isFinite }) {
                return (l + 1, l == layers.count - 1 ? "outputs (logits)" : "activations")
            }
        }
        for (l, layer) in layers.enumerated()
        where !layer.bias.allSatisfy(\.isFinite) || !layer.weights.storage.allSatisfy(\.isFinite) {
            return (l + 1, "parameters")
        }
        return (layers.count, "loss")
    }
}

extension Divergence {
    /// The usual suspects, given the run's settings.
    static func likelyCause(activation: Activation, l1: Float, learningRate: Float, quantity: String) -> String {
        var cause = "the learning rate (\(learningRate)) is too high for this network; try half of it, or --on-divergence reduce-lr."
        if !activation.isBounded && l1 == 0 && quantity != "parameters" {
            cause += " \(activation.name) units are unbounded and no L1 penalty holds their activations (--l1 0.001 is the paper's)."
        }
        return cause
    }
}
