import Foundation

/// Saving and loading networks as safetensors.
///
/// Tensor names and layouts follow PyTorch's `nn.Linear`: `layers.{i}.weight` is
/// `[out_features, in_features]`, `layers.{i}.bias` is `[out_features]`, so the file loads into
/// an `nn.ModuleList` of `nn.Linear` with `load_state_dict(..., strict=False)`. Sign-trick masks
/// are `layers.{i}.signs`. The metadata holds the architecture as JSON (`architecture`) plus
/// whatever the caller adds (seed, configuration).
extension Network {
    /// The network as safetensors, with `metadata` added to the architecture.
    public func safeTensors(metadata: [String: String] = [:]) -> SafeTensors {
        var file = SafeTensors(metadata: metadata)
        file.metadata["format"] = "rectifier"
        file.metadata["architecture"] = String(decoding: (try? FileIO.jsonEncoder().encode(architecture)) ?? Data(), as: UTF8.self)
        encodeLayers(layers, into: &file)
        return file
    }

    /// Writes the network to `path` atomically.
    public func save(to path: String, metadata: [String: String] = [:]) throws {
        try safeTensors(metadata: metadata).write(to: path)
    }

    /// Loads a network written by `save`, checking every tensor against the recorded architecture.
    public static func load(from path: String, limit: Int = FileIO.defaultSizeLimit) throws -> (network: Network, metadata: [String: String]) {
        let file = try SafeTensors.read(path, limit: limit)
        return (try Network(file, path: path), file.metadata)
    }

    /// Rebuilds a network from safetensors; `path` names the file in errors.
    public init(_ file: SafeTensors, path: String) throws {
        guard let json = file.metadata["architecture"],
              let arch = try? FileIO.jsonDecoder().decode(Architecture.self, from: Data(json.utf8)) else {
            throw FileError(path, "no Rectifier architecture in the safetensors metadata (not a Rectifier model?)")
        }
        try self.init(file, path: path, architecture: arch)
    }

    /// Rebuilds a network of a known architecture from the tensors `prefix`layers.{i}.*.
    init(_ file: SafeTensors, path: String, architecture arch: Architecture, prefix: String = "") throws {
        let hidden = try decodeLayers(file, path: path, sizes: [arch.inputSize] + arch.hiddenSizes,
                                      activation: arch.activation, signTrick: arch.signTrick, prefix: prefix)
        let top = try decodeLayers(file, path: path, sizes: [arch.hiddenSizes.last ?? arch.inputSize, arch.classes],
                                   activation: .linear, signTrick: false, firstIndex: arch.hiddenSizes.count, prefix: prefix)
        self.init(layers: hidden + top)
    }
}

/// Adds `layers` to a safetensors file as `layers.{i}.weight` (`[out, in]`), `bias`, `signs`.
func encodeLayers(_ layers: some Sequence<DenseLayer>, into file: inout SafeTensors, prefix: String = "") {
    for (i, layer) in layers.enumerated() {
        file.tensors["\(prefix)layers.\(i).weight"] = .init(shape: [layer.outputSize, layer.inputSize], values: layer.weights.transposed().storage)
        file.tensors["\(prefix)layers.\(i).bias"] = .init(shape: [layer.outputSize], values: layer.bias)
        if let s = layer.signs { file.tensors["\(prefix)layers.\(i).signs"] = .init(shape: [layer.outputSize], values: s) }
    }
}

/// Layers `firstIndex...` of a safetensors file, checked against the expected widths: shapes,
/// finite values, ±1 signs.
func decodeLayers(_ file: SafeTensors, path: String, sizes: [Int], activation: Activation, signTrick: Bool,
                  firstIndex: Int = 0, prefix: String = "") throws -> [DenseLayer] {
    guard sizes.allSatisfy({ $0 > 0 && $0 <= 10_000_000 }) else { throw FileError(path, "architecture has an invalid layer width") }
    var layers: [DenseLayer] = []
    for k in 0..<(sizes.count - 1) {
        let i = firstIndex + k
        let (fanIn, fanOut) = (sizes[k], sizes[k + 1])
        func tensor(_ name: String, _ shape: [Int]) throws -> [Float] {
            let key = "\(prefix)layers.\(i).\(name)"
            guard let t = file.tensors[key] else { throw FileError(path, "missing tensor \(key)") }
            guard t.shape == shape else { throw FileError(path, "tensor \(key) has shape \(t.shape), architecture needs \(shape)") }
            guard t.values.allSatisfy(\.isFinite) else { throw FileError(path, "tensor \(key) holds NaN or infinity") }
            return t.values
        }
        let w = Matrix(rows: fanOut, columns: fanIn, storage: try tensor("weight", [fanOut, fanIn])).transposed()
        let signs = signTrick ? try tensor("signs", [fanOut]) : nil
        if let signs, !signs.allSatisfy({ $0 == 1 || $0 == -1 }) {
            throw FileError(path, "tensor \(prefix)layers.\(i).signs must hold only +1 and -1")
        }
        layers.append(DenseLayer(weights: w, bias: try tensor("bias", [fanOut]), activation: activation, signs: signs))
    }
    return layers
}
