import ArgumentParser
import Foundation
import Rectifier

struct Evaluate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Measure a saved model's test error, exact sparsity and dead units.")

    @Argument(help: ArgumentHelp("A model.safetensors written by `rectifier train`.", valueName: "model"))
    var model: String

    @OptionGroup var data: DataOptions
    @OptionGroup var compute: ComputeOptions

    @Flag(help: "Print the report as JSON.")
    var json = false

    func run() throws {
        let limit = ProcessEnvironment.current.maxFileBytes
        let (network, metadata) = try Network.load(from: model, limit: limit)
        var reference = try data.reference()
        if metadata[Vocabulary.metadataKey] != nil && reference.vocabularyFile == nil {
            // A text model reads the data with its own vocabulary (saved beside it, or in it).
            let beside = URL(fileURLWithPath: model).deletingLastPathComponent().appendingPathComponent(Vocabulary.fileName).path
            if FileManager.default.fileExists(atPath: beside) {
                reference.vocabularyFile = beside
            } else {
                let copy = NSTemporaryDirectory() + "rectifier-vocabulary-\(ProcessInfo.processInfo.processIdentifier).txt"
                try Vocabulary(metadata: metadata, source: model).save(to: copy)
                reference.vocabularyFile = copy
            }
        }
        let splits = try reference.load(limit: limit)
        if let trained = metadata["dataset"], trained != reference.dataset {
            Console().error("note: \(model) was trained on \(trained); evaluating it on \(reference.dataset)")
        }
        try requireFits(network, splits.test, file: model)
        let la = try compute.linearAlgebra()
        let eval = try network.evaluate(splits.test, using: la)
        if json {
            struct Report: Codable { var model: String; var data: String; var seed: String?; var evaluation: Evaluation; var meanSparsity: Double }
            let report = Report(model: model, data: splits.test.name, seed: metadata["seed"], evaluation: eval, meanSparsity: eval.meanSparsity)
            print(String(decoding: try FileIO.jsonEncoder(pretty: true).encode(report), as: UTF8.self))
            return
        }
        print("model: \(model) (\(network.architecture.summary))")
        print("data: \(splits.test.name), \(eval.examples) examples")
        print("test error: \(percent(eval.errorRate))   mean NLL: \(format(eval.meanLoss, 4))")
        print(table(["layer", "units", "sparsity", "dead units"],
                    network.hiddenLayers.indices.map { l in
                        [String(l + 1), String(network.layers[l].outputSize), percent(eval.sparsityPerLayer[l]),
                         String(eval.deadUnitsPerLayer[l])]
                    }))
        print("mean sparsity: \(percent(eval.meanSparsity))   dead units: \(eval.deadUnits)")
    }
}
