/// The shape of a network: input width, hidden layer widths, classes, hidden activation.
public struct Architecture: Codable, Equatable, Sendable {
    /// Number of input features (784 for MNIST).
    public var inputSize: Int
    /// Widths of the hidden layers, bottom first.
    public var hiddenSizes: [Int]
    /// Number of classes of the softmax output.
    public var classes: Int
    /// Non-linearity of every hidden layer.
    public var activation: Activation
    /// Whether hidden layers use the sign trick.
    public var signTrick: Bool

    public init(inputSize: Int, hiddenSizes: [Int], classes: Int, activation: Activation, signTrick: Bool = false) {
        self.inputSize = inputSize
        self.hiddenSizes = hiddenSizes
        self.classes = classes
        self.activation = activation
        self.signTrick = signTrick
    }

    /// Widths of every layer's output, hidden layers then the output layer.
    public var layerSizes: [Int] { hiddenSizes + [classes] }

    /// e.g. `784-1000-1000-1000-10 rectifier`.
    public var summary: String {
        ([inputSize] + hiddenSizes + [classes]).map(String.init).joined(separator: "-") + " \(activation.name)"
            + (signTrick ? " (sign trick)" : "")
    }
}

/// A feed-forward classifier: hidden `DenseLayer`s followed by a linear output layer whose
/// outputs are the logits of a softmax.
public struct Network: Equatable, Sendable {
    /// Hidden layers bottom first, then the output layer (activation `.linear`, no signs).
    public var layers: [DenseLayer]

    /// A freshly initialised network (Glorot-uniform weights, zero biases).
    public init(_ architecture: Architecture, rng: inout RandomSource) {
        var layers: [DenseLayer] = []
        var fanIn = architecture.inputSize
        for width in architecture.hiddenSizes {
            layers.append(DenseLayer(inputSize: fanIn, outputSize: width, activation: architecture.activation,
                                     signTrick: architecture.signTrick, rng: &rng))
            fanIn = width
        }
        layers.append(DenseLayer(inputSize: fanIn, outputSize: architecture.classes, activation: .linear, rng: &rng))
        self.layers = layers
    }

    /// A network made of the given layers; each layer's input must match the one below.
    public init(layers: [DenseLayer]) {
        precondition(!layers.isEmpty, "a network needs at least its output layer")
        for (lower, upper) in zip(layers, layers.dropFirst()) {
            precondition(lower.outputSize == upper.inputSize, "layer sizes do not chain")
        }
        self.layers = layers
    }

    /// The architecture these layers implement.
    public var architecture: Architecture {
        Architecture(inputSize: layers[0].inputSize, hiddenSizes: hiddenLayers.map(\.outputSize),
                     classes: layers.last!.outputSize, activation: hiddenLayers.first?.activation ?? .linear,
                     signTrick: hiddenLayers.first?.signs != nil)
    }

    /// The hidden layers (all but the output layer).
    public var hiddenLayers: ArraySlice<DenseLayer> { layers.dropLast() }

    /// Number of trainable parameters.
    public var parameterCount: Int { layers.reduce(0) { $0 + $1.weights.storage.count + $1.bias.count } }
}
