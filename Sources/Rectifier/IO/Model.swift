import Foundation

/// A trained classifier as a file holds it: the network, the standardisation its inputs need,
/// and what the file records about how it was made (the data, the classes, the configuration,
/// a text model's vocabulary).
///
/// `model.safetensors` files written by `rectifier train` hold all of it. A safetensors file
/// of `nn.Linear` weights with no Rectifier metadata (a PyTorch MLP's `state_dict`, saved
/// with `safetensors.torch.save_file`) loads too: its layers are read from the tensors' names
/// and shapes (`Network.init(linearLayersOf:path:activation:)`), its activation given.
public struct Model: Sendable {
    public var network: Network
    /// Applied to every input before the network (tables and arrays), or nil.
    public var standardization: Standardization?
    /// Everything the file records, by key (`class_names`, `data`, `config`, `seed`, ...).
    public var metadata: [String: String]

    public init(network: Network, standardization: Standardization? = nil, metadata: [String: String] = [:]) {
        self.network = network
        self.standardization = standardization
        self.metadata = metadata
    }

    /// The name of each class, when the file records them.
    public var classNames: [String] {
        metadata[Self.classNamesKey].flatMap { try? JSONDecoder().decode([String].self, from: Data($0.utf8)) } ?? []
    }

    /// The data the model was trained on, when the file records it.
    public var data: DataReference? {
        metadata[Self.dataKey].flatMap { try? FileIO.jsonDecoder().decode(DataReference.self, from: Data($0.utf8)) }
    }

    /// The dataset the model was trained on, when the file records it.
    public var datasetName: String? { data?.dataset ?? metadata["dataset"] }

    /// Names of the input features of a table model, when the file records them.
    public var featureNames: [String]? {
        metadata[Self.featureNamesKey].flatMap { try? JSONDecoder().decode([String].self, from: Data($0.utf8)) }
    }

    /// Whether the architecture came from the tensors' shapes rather than Rectifier's metadata.
    public var isForeign: Bool { metadata["format"] != "rectifier" }

    static let classNamesKey = "class_names", dataKey = "data", featureNamesKey = "feature_names", labelColumnKey = "label_column"

    /// Tables: the label column's name, when the file records it.
    public var labelColumn: String? { metadata[Self.labelColumnKey] }
    static let meanTensor = "input.mean", scaleTensor = "input.scale"

    /// Reads `path`: a Rectifier model, or `nn.Linear` weights without Rectifier metadata,
    /// whose hidden layers then use `activation`.
    public static func load(_ path: String, limits: Limits = Limits(), activation: Activation = .rectifier) throws -> Model {
        let file = try SafeTensors.read(path, limit: limits.fileBytes)
        let network: Network
        if file.metadata["architecture"] != nil {
            network = try Network(file, path: path)
        } else {
            guard file.metadata["format"] == nil || file.metadata["format"] == "pt" else {
                throw FileError(path, "a \(file.metadata["format"]!) file, not a model (a stack from `rectifier pretrain` goes to --init-from)")
            }
            network = try Network(linearLayersOf: file, path: path, activation: activation)
        }
        var standardization: Standardization?
        if let mean = file.tensors[meanTensor], let scale = file.tensors[scaleTensor] {
            guard mean.shape == [network.layers[0].inputSize], scale.shape == mean.shape,
                  (mean.values + scale.values).allSatisfy(\.isFinite) else {
                throw FileError(path, "its input standardisation does not fit the network's \(network.layers[0].inputSize) inputs")
            }
            standardization = Standardization(mean: mean.values, scale: scale.values)
        }
        return Model(network: network, standardization: standardization, metadata: file.metadata)
    }

    /// Writes the model atomically.
    public func save(to path: String) throws {
        var file = network.safeTensors(metadata: metadata)
        if let s = standardization {
            file.tensors[Self.meanTensor] = .init(shape: [s.mean.count], values: s.mean)
            file.tensors[Self.scaleTensor] = .init(shape: [s.scale.count], values: s.scale)
        }
        try file.write(to: path)
    }

    /// `inputs` as the network takes them: standardised when the model says so.
    public func prepared(_ inputs: Inputs) -> Inputs {
        standardization.map { $0.apply(to: inputs) } ?? inputs
    }
}

extension Network {
    /// The `nn.Linear` layers of a safetensors file without Rectifier metadata, read from the
    /// tensors' names and shapes: every 2-D `NAME.weight` (`[out, in]`) with its optional
    /// `NAME.bias`, in the natural order of the names (`layers.0`, `layers.1`, ... or
    /// nn.Sequential's `0`, `2`, `4`, ... or `fc1`, `fc2`, ...), each layer's outputs the next
    /// one's inputs; hidden layers use `activation`, the last is linear (the logits). Any other
    /// tensor is refused: the file is then not a plain MLP.
    public init(linearLayersOf file: SafeTensors, path: String, activation: Activation) throws {
        let weights = file.tensors.keys.filter { $0.hasSuffix(".weight") || $0 == "weight" }
        let others = Set(file.tensors.keys).subtracting(weights).subtracting(weights.map { String($0.dropLast("weight".count)) + "bias" })
        guard others.isEmpty else {
            throw FileError(path, "holds tensors that are not nn.Linear weights and biases (\(others.sorted().prefix(5).joined(separator: ", "))): "
                + "only MLPs of nn.Linear layers are read")
        }
        guard !weights.isEmpty else { throw FileError(path, "holds no NAME.weight tensor: not an MLP's state dict") }
        let ordered = weights.sorted { Self.naturalOrder($0, $1) }
        var layers: [DenseLayer] = []
        for (i, name) in ordered.enumerated() {
            let w = file.tensors[name]!
            guard w.shape.count == 2, w.shape[0] > 0, w.shape[1] > 0 else {
                throw FileError(path, "tensor \(name) has shape \(w.shape): an nn.Linear weight is [out, in]")
            }
            let (fanOut, fanIn) = (w.shape[0], w.shape[1])
            if let below = layers.last, below.outputSize != fanIn {
                throw FileError(path, "tensor \(name) takes \(fanIn) inputs but \(ordered[i - 1]) gives \(below.outputSize): "
                    + "the layers, in the order of their names, do not chain")
            }
            let biasName = String(name.dropLast("weight".count)) + "bias"
            var bias = [Float](repeating: 0, count: fanOut)
            if let b = file.tensors[biasName] {
                guard b.shape == [fanOut] else { throw FileError(path, "tensor \(biasName) has shape \(b.shape), \(name) needs [\(fanOut)]") }
                bias = b.values
            }
            guard w.values.allSatisfy(\.isFinite), bias.allSatisfy(\.isFinite) else {
                throw FileError(path, "layer \(name) holds NaN or infinity")
            }
            let matrix = Matrix(rows: fanOut, columns: fanIn, storage: w.values).transposed()
            layers.append(DenseLayer(weights: matrix, bias: bias, activation: i == ordered.count - 1 ? .linear : activation))
        }
        self.init(layers: layers)
    }

    /// `a` before `b` comparing runs of digits as numbers: `layers.2` before `layers.10`.
    static func naturalOrder(_ a: String, _ b: String) -> Bool {
        func parts(_ s: String) -> [(Int?, String)] {
            var out: [(Int?, String)] = []
            var current = "", digits = false
            for ch in s {
                if ch.isASCII && ch.isNumber != digits, !current.isEmpty {
                    out.append((digits ? Int(current) : nil, current))
                    current = ""
                }
                digits = ch.isASCII && ch.isNumber
                current.append(ch)
            }
            if !current.isEmpty { out.append((digits ? Int(current) : nil, current)) }
            return out
        }
        for (x, y) in zip(parts(a), parts(b)) where x.1 != y.1 {
            if let m = x.0, let n = y.0 { return m < n }
            return x.1 < y.1
        }
        return a.count < b.count
    }
}
