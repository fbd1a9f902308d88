import ArgumentParser
import Foundation
import Rectifier

/// How `evaluate`, `predict` and `bench` read a model file, and which data goes with it.
struct ModelFileOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Hidden units of a model file without Rectifier metadata (a PyTorch MLP's weights): "
                               + "rectifier (default), softplus, tanh, sigmoid or rescaled-softplus:A.", valueName: "name"))
    var activation: Activation?

    /// The model at `path`.
    func load(_ path: String, limits: Limits) throws -> Model {
        let model = try Model.load(path, limits: limits, activation: activation ?? .rectifier)
        if activation != nil && !model.isForeign {
            throw UsageError("--activation is for model files without Rectifier metadata; \(path) records its own (\(model.network.architecture.activation.name))")
        }
        return model
    }
}

extension DataOptions {
    /// The data to evaluate `model` (read from `path`) on: the data options given, which must
    /// name the dataset the model was trained on, or, with none given, the data the model
    /// records, which must still be where it was.
    func reference(for model: Model, path: String) throws -> DataReference {
        if anyGiven {
            let reference = try self.reference()
            if let trained = model.datasetName, trained != reference.dataset {
                throw UsageError("\(path) was trained on \(trained); the data given is \(reference.dataset): give \(trained) data, "
                    + "or no data option to use the data the model records")
            }
            return reference
        }
        guard let recorded = model.data else {
            throw UsageError("\(path) records no data (a model from another tool or an earlier version): "
                + "name it with --data-dir, --data-file or --dataset")
        }
        for place in [recorded.directory, recorded.dataFile].compactMap({ $0 }) where !FileManager.default.fileExists(atPath: place) {
            throw UsageError("\(path) was trained on \(recorded), and \(place) is not there: give the data with --data-dir or --data-file")
        }
        return recorded
    }
}
