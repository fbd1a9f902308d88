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
        for (i, layer) in layers.enumerated() {
            file.tensors["layers.\(i).weight"] = .init(shape: [layer.outputSize, layer.inputSize],
                                                       values: layer.weights.transposed().storage)
            file.tensors["layers.\(i).bias"] = .init(shape: [layer.outputSize], values: layer.bias)
            if let s = layer.signs { file.tensors["layers.\(i).signs"] = .init(shape: [layer.outputSize], values: s) }
        }
        return file
    }

    /// Writes the network to `path` atomically.
    public func save(to path: String, metadata: [String: String] = [:]) throws {
        try safeTensors(metadata: metadata).write(to: path)
    }

    /// Loads a network written by `save`, checking every tensor against the recorded architecture.
    public static func load(from path: String) throws -> (network: Network, metadata: [String: String]) {
        let file = try SafeTensors.read(path)
        return (try Network(file, path: path), file.metadata)
    }

    /// Rebuilds a network from safetensors; `path` names the file in errors.
    public init(_ file: SafeTensors, path: String) throws {
        guard let json = file.metadata["architecture"],
              let arch = try? FileIO.jsonDecoder().decode(Architecture.self, from: Data(json.utf8)) else {
            throw FileError(path, "no Rectifier architecture in the safetensors metadata (not a Rectifier model?)")
        }
        let sizes = [arch.inputSize] + arch.layerSizes
        guard sizes.allSatisfy({ $0 > 0 }) else { throw FileError(path, "architecture has a layer of width 0") }
        var layers: [DenseLayer] = []
        for i in 0..<(sizes.count - 1) {
            let (fanIn, fanOut) = (sizes[i], sizes[i + 1])
            func tensor(_ name: String, _ shape: [Int]) throws -> [Float] {
                guard let t = file.tensors["layers.\(i).\(name)"] else { throw FileError(path, "missing tensor layers.\(i).\(name)") }
                guard t.shape == shape else {
                    throw FileError(path, "tensor layers.\(i).\(name) has shape \(t.shape), architecture needs \(shape)")
                }
                guard t.values.allSatisfy(\.isFinite) else { throw FileError(path, "tensor layers.\(i).\(name) holds NaN or infinity") }
                return t.values
            }
            let w = Matrix(rows: fanOut, columns: fanIn, storage: try tensor("weight", [fanOut, fanIn])).transposed()
            let hidden = i < sizes.count - 2
            let signs = hidden && arch.signTrick ? try tensor("signs", [fanOut]) : nil
            if let signs, !signs.allSatisfy({ $0 == 1 || $0 == -1 }) {
                throw FileError(path, "tensor layers.\(i).signs must hold only +1 and -1")
            }
            layers.append(DenseLayer(weights: w, bias: try tensor("bias", [fanOut]),
                                     activation: hidden ? arch.activation : .linear, signs: signs))
        }
        self.init(layers: layers)
    }
}
