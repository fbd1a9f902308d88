import ArgumentParser
import Foundation
import Rectifier

struct Predict: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Classify examples with a saved model: one JSON line per example.",
        discussion: """
            INPUT is an IDX image file as MNIST ships them (raw or .gz; pixels scaled to [0, 1] as in \
            training) or a text file with one example per line, its values separated by commas or \
            spaces. For a text model (trained on amazon-sentiment, amazon-reviews or text-csv), INPUT \
            holds one document per line, raw text or processed_acl term:count fields, read with the \
            model's vocabulary. Each output line holds the example's index, the predicted class (and its name \
            when the model records class names) and the probability of every class.
            """)

    @Argument(help: ArgumentHelp("A model.safetensors written by `rectifier train`.", valueName: "model"))
    var model: String

    @Argument(help: ArgumentHelp("The examples to classify.", valueName: "input"))
    var input: String

    @Option(help: "Digits of each probability.")
    var digits: Int = 6

    @OptionGroup var compute: ComputeOptions

    func validate() throws {
        guard (1...9).contains(digits) else { throw ValidationError("--digits must be between 1 and 9") }
    }

    struct Line: Encodable {
        var index: Int
        var `class`: Int
        var label: String?
        var probabilities: [Double]
    }

    func run() throws {
        let limit = ProcessEnvironment.current.maxFileBytes
        let (network, metadata) = try Network.load(from: model, limit: limit)
        let inputs: Inputs
        if metadata[Vocabulary.metadataKey] != nil {
            let vocabulary = try Vocabulary(metadata: metadata, source: model)
            inputs = try PredictionInput.readText(input, vocabulary: vocabulary, weighting: metadata["features"] == "counts" ? .counts : .binary,
                                                  limit: limit)
        } else {
            inputs = try PredictionInput.read(input, width: network.layers[0].inputSize, limit: limit)
        }
        let names = metadata["class_names"].flatMap { try? JSONDecoder().decode([String].self, from: Data($0.utf8)) } ?? []
        let p = network.probabilities(for: inputs, using: try compute.linearAlgebra())
        let scale = pow(10, Double(digits))
        let encoder = FileIO.jsonEncoder()
        var out = ""
        for r in 0..<p.rows {
            let row = p.row(r)
            let best = row.indices.max { row[$0] < row[$1] }! - row.startIndex
            let line = Line(index: r, class: best, label: best < names.count ? names[best] : nil,
                            probabilities: row.map { (Double($0) * scale).rounded() / scale })
            out += String(decoding: try encoder.encode(line), as: UTF8.self) + "\n"
            if out.utf8.count > 1 << 16 {
                FileHandle.standardOutput.write(Data(out.utf8))
                out = ""
            }
        }
        FileHandle.standardOutput.write(Data(out.utf8))
    }
}
