import Foundation

/// Pre-trained stacks as safetensors: the encoder layers in the model-file layout
/// (`layers.{i}.weight` `[out, in]`, `bias`, `signs`), with `format = rectifier-stack`, the
/// stack's shape (`stack`) and the per-layer reports (`reports`) in the metadata.
extension PretrainedStack {
    /// Shape of a stack.
    public struct Shape: Codable, Equatable, Sendable {
        public var inputSize: Int
        public var hiddenSizes: [Int]
        public var activation: Activation
        public var signTrick: Bool
    }

    /// The `format` of a stack file's metadata.
    public static let format = "rectifier-stack"

    /// The stack's shape.
    public var shape: Shape {
        Shape(inputSize: layers[0].inputSize, hiddenSizes: layers.map(\.outputSize), activation: layers[0].activation,
              signTrick: layers[0].signs != nil)
    }

    /// Writes the stack atomically.
    public func save(to path: String, metadata: [String: String] = [:]) throws {
        var file = SafeTensors(metadata: metadata)
        file.metadata["format"] = Self.format
        file.metadata["stack"] = String(decoding: try FileIO.jsonEncoder().encode(shape), as: UTF8.self)
        file.metadata["reports"] = String(decoding: try FileIO.jsonEncoder().encode(reports), as: UTF8.self)
        encodeLayers(layers, into: &file)
        try file.write(to: path)
    }

    /// Reads a stack written by `save`.
    public static func load(from path: String, limit: Int = FileIO.defaultSizeLimit) throws -> PretrainedStack {
        try read(from: path, limit: limit).stack
    }

    /// Reads a stack written by `save`, and the metadata saved with it.
    public static func read(from path: String, limit: Int = FileIO.defaultSizeLimit) throws -> (stack: PretrainedStack, metadata: [String: String]) {
        let file = try SafeTensors.read(path, limit: limit)
        guard file.metadata["format"] == Self.format, let json = file.metadata["stack"],
              let shape = try? FileIO.jsonDecoder().decode(Shape.self, from: Data(json.utf8)), !shape.hiddenSizes.isEmpty else {
            throw FileError(path, "not a pre-trained stack (written by `rectifier pretrain`)")
        }
        let layers = try decodeLayers(file, path: path, sizes: [shape.inputSize] + shape.hiddenSizes,
                                      activation: shape.activation, signTrick: shape.signTrick)
        let reports = file.metadata["reports"].flatMap {
            try? FileIO.jsonDecoder().decode([PretrainedLayerReport].self, from: Data($0.utf8))
        } ?? []
        return (PretrainedStack(layers: layers, reports: reports), file.metadata)
    }
}
