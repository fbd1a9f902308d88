import ArgumentParser
import Foundation
import Rectifier

struct Evaluate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Measure a saved model's test error, exact sparsity and dead units.",
        discussion: """
            Without data options, on the test part of the data the model records (which must \
            still be where it was); with them, on that data, which must be of the model's \
            dataset. A model file without Rectifier metadata (a PyTorch MLP saved with \
            safetensors) needs the data options, and --activation when its hidden units are not \
            rectifiers.
            """)

    @Argument(help: ArgumentHelp("A model.safetensors written by `rectifier train`, or a PyTorch MLP's weights in safetensors.", valueName: "model"))
    var model: String

    @OptionGroup var data: DataOptions
    @OptionGroup var file: ModelFileOptions
    @OptionGroup var compute: ComputeOptions

    @Flag(help: "Print the report as JSON.")
    var json = false

    func run() throws {
        let limits = try data.limits()
        let model = try file.load(self.model, limits: limits)
        var reference = try data.reference(for: model, path: self.model)
        var temporary: String?
        defer { if let temporary { try? FileManager.default.removeItem(atPath: temporary) } }
        if model.metadata[Vocabulary.metadataKey] != nil && reference.vocabularyFile == nil {
            // A text model reads the data with its own vocabulary (saved beside it, or in it).
            let beside = URL(fileURLWithPath: self.model).deletingLastPathComponent().appendingPathComponent(Vocabulary.fileName).path
            if FileManager.default.fileExists(atPath: beside) {
                reference.vocabularyFile = beside
            } else {
                let copy = NSTemporaryDirectory() + "rectifier-vocabulary-\(ProcessInfo.processInfo.processIdentifier).txt"
                try Vocabulary(metadata: model.metadata, source: self.model).save(to: copy)
                reference.vocabularyFile = copy
                temporary = copy
            }
        }
        if !json { print("data: \(reference)") }
        let splits = try reference.load(limits: limits, standardization: model.standardization)
        try requireFits(model.network, splits.test, file: self.model)
        let la = try compute.linearAlgebra()
        let network = model.network
        let eval = try network.evaluate(splits.test, using: la)
        if json {
            struct Report: Codable { var model: String; var data: String; var seed: String?; var evaluation: Evaluation; var meanSparsity: Double }
            let report = Report(model: self.model, data: splits.test.name, seed: model.metadata["seed"], evaluation: eval,
                                meanSparsity: eval.meanSparsity)
            print(String(decoding: try FileIO.jsonEncoder(pretty: true).encode(report), as: UTF8.self))
            return
        }
        print("model: \(self.model) (\(network.architecture.summary)\(model.isForeign ? ", read from its tensors" : ""))")
        print("test: \(splits.test.name), \(eval.examples) examples")
        print("test error: \(percent(eval.errorRate))   mean NLL: \(format(eval.meanLoss, 4))")
        print(table(["layer", "units", "sparsity", "dead units"],
                    network.hiddenLayers.indices.map { l in
                        [String(l + 1), String(network.layers[l].outputSize), percent(eval.sparsityPerLayer[l]),
                         String(eval.deadUnitsPerLayer[l])]
                    }))
        print("mean sparsity: \(percent(eval.meanSparsity))   dead units: \(eval.deadUnits)")
    }
}
