import ArgumentParser
import Foundation
import Rectifier

struct Predict: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Classify examples with a saved model: one JSON line per example.",
        discussion: """
            INPUT is an IDX image file as MNIST ships them (raw or .gz; pixels scaled as in \
            training) or a text file with one example per line, its values separated by commas or \
            spaces, as the data's files hold them (grey levels 0-255 for an image model: scaled as \
            in training; a table model's rows are standardised as in training, and a header picks \
            its columns by name). For a text model (trained on amazon-sentiment, amazon-reviews or text-csv), INPUT \
            holds one document per line, raw text or processed_acl term:count fields, read with the \
            model's vocabulary. Each output line holds the example's index, the predicted class (and its name \
            when the model records class names) and the probability of every class.
            """)

    @Argument(help: ArgumentHelp("A model.safetensors written by `rectifier train`, or a PyTorch MLP's weights in safetensors.", valueName: "model"))
    var model: String

    @Argument(help: ArgumentHelp("The examples to classify.", valueName: "input"))
    var input: String

    @Option(help: "Digits of each probability.")
    var digits: Int = 6

    @OptionGroup var file: ModelFileOptions
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
        let model = try file.load(self.model, limits: Limits(fileBytes: limit))
        let network = model.network
        var inputs: Inputs
        if model.metadata[Vocabulary.metadataKey] != nil {
            let vocabulary = try Vocabulary(metadata: model.metadata, source: self.model)
            inputs = try PredictionInput.readText(input, vocabulary: vocabulary,
                                                  weighting: model.metadata["features"] == "counts" ? .counts : .binary, limit: limit)
        } else {
            inputs = try PredictionInput.read(input, width: network.layers[0].inputSize, featureNames: model.featureNames, limit: limit)
            // Rows of raw values (grey levels) become inputs as the dataset's reader makes them.
            if !PredictionInput.isImageFile(input), let scaling = try? model.data?.kind.rawScaling {
                inputs = .dense(Matrix(rows: inputs.count, columns: inputs.width,
                                       storage: inputs.densified().storage.map { scaling.offset + scaling.scale * $0 }))
            }
        }
        let names = model.classNames
        let p = network.probabilities(for: model.prepared(inputs), using: try compute.linearAlgebra())
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
