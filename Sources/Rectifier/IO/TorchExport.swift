import Foundation

/// A model as PyTorch loads it: the state dict of `nn.Sequential(Linear, ReLU, Linear, ReLU,
/// ..., Linear)` (`0.weight`, `0.bias`, `2.weight`, ...), saved as safetensors.
///
/// The sign trick is folded into the next layer's columns (a product by ±1, so exact); a
/// linear hidden layer has no module after it, so the indices follow the modules. The input
/// standardisation of a table model is not a module: it is in the metadata (`input_mean`,
/// `input_scale`, JSON arrays: `x = (x - mean) * scale` before the model), with the modules
/// (`torch_modules`) and the class names.
extension Model {
    /// The PyTorch modules, e.g. `Linear(784, 1000), ReLU(), Linear(1000, 10)`.
    public var torchModules: String {
        network.layers.enumerated().map { i, layer in
            "Linear(\(layer.inputSize), \(layer.outputSize))" + (i < network.layers.count - 1 ? layer.activation.torchModule.map { ", " + $0 } ?? "" : "")
        }.joined(separator: ", ")
    }

    /// The state dict and its metadata.
    public func torchStateDict() -> SafeTensors {
        var file = SafeTensors(metadata: ["format": "pt", "torch_modules": torchModules])
        if let names = metadata[Self.classNamesKey] { file.metadata[Self.classNamesKey] = names }
        if let s = standardization {
            file.metadata["input_mean"] = String(decoding: (try? JSONEncoder().encode(s.mean)) ?? Data(), as: UTF8.self)
            file.metadata["input_scale"] = String(decoding: (try? JSONEncoder().encode(s.scale)) ?? Data(), as: UTF8.self)
        }
        var module = 0
        var signsBelow: [Float]?
        for (i, layer) in network.layers.enumerated() {
            // [out, in], each column j times the sign of input j (the sign trick of the layer below).
            var w = layer.weights.transposed()
            if let s = signsBelow {
                for r in 0..<w.rows { for j in 0..<w.columns { w.storage[r * w.columns + j] *= s[j] } }
            }
            file.tensors["\(module).weight"] = .init(shape: [w.rows, w.columns], values: w.storage)
            file.tensors["\(module).bias"] = .init(shape: [layer.outputSize], values: layer.bias)
            signsBelow = layer.signs
            module += i < network.layers.count - 1 && layer.activation.torchModule != nil ? 2 : 1
        }
        return file
    }
}
