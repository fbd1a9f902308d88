import Foundation

extension RunContext {
    /// Supervised training, from `stack` (topped with a fresh classifier) or from the seed's
    /// initial network, resumed from the directory's checkpoint when there is one; then the
    /// refit when asked; then the model files and `result.json`.
    func fineTune(from stack: PretrainedStack?) throws -> TrainingResult {
        let config = specification.training!
        let la = options.linearAlgebra
        let trainer = Trainer(config: config, linearAlgebra: la)
        var data = splits
        data.train = trainer.labelledTraining(splits.train)
        var initial: Network?
        if let stack {
            let shape = stack.shape
            guard shape.inputSize == data.train.featureCount, shape.hiddenSizes == config.hiddenSizes,
                  shape.activation == config.activation, shape.signTrick == config.signTrick else {
                throw UsageError("\(specification.initFrom ?? "the pre-trained stack") holds a "
                    + "\(shape.inputSize)-\(shape.hiddenSizes.map(String.init).joined(separator: "-")) "
                    + "\(shape.activation.name)\(shape.signTrick ? " sign-trick" : "") stack; this run asks for "
                    + "\(config.hiddenSizes.map(String.init).joined(separator: "-")) \(config.activation.name)"
                    + "\(config.signTrick ? " with the sign trick" : "") on \(data.train.featureCount) inputs")
            }
            var rng = RandomSource(seed: config.seed).derived("classifier")
            initial = stack.classifier(classes: data.train.classes, rng: &rng)
        }
        let fingerprint = DataFingerprint(data)
        var state: TrainingState
        var previousSeconds = 0.0
        if let dir = directory, FileManager.default.fileExists(atPath: dir.checkpointPath) {
            let checkpoint = try Checkpoint.read(dir.checkpointPath, limit: options.fileSizeLimit)
            guard checkpoint.config == config else {
                throw FileError(dir.checkpointPath, "was written by another training configuration than \(dir.configPath) records")
            }
            guard checkpoint.data == fingerprint else {
                throw FileError(dir.checkpointPath, "was made on other data (\(checkpoint.data.name), "
                    + "\(checkpoint.data.trainCount) examples); give the original data directory")
            }
            state = checkpoint.state
            guard state.order.restore(examples: data.train.count) else {
                throw FileError(dir.checkpointPath, "checkpoint state is inconsistent (its data-order generators disagree)")
            }
            if checkpoint.backend != la.description {
                events(.warning("the run started on \(checkpoint.backend); continuing on \(la) may change results in the last bits"))
            }
            previousSeconds = checkpoint.elapsedSeconds
            events(.resumed(epoch: state.epoch + 1, position: state.position, examples: data.train.count))
        } else {
            state = trainer.initialState(for: data, network: initial)
        }
        for part in [data.train, data.validation, data.test] {
            try state.network.checkFits(width: part.featureCount, classes: part.classes, name: part.name)
        }
        try directory?.writeRecord(RunRecord(specHash: hash, specification: specification, architecture: state.network.architecture,
                                             backend: la.description))
        events(.model(state.network.architecture, parameters: state.network.parameterCount, labelledExamples: data.train.count))

        let clock = ContinuousClock()
        let began = clock.now
        func elapsed() -> Double { previousSeconds + (clock.now - began).seconds }
        var writeError: (any Error)?
        var history = state.history
        try directory?.writeMetrics(history)
        func save(_ s: TrainingState) {
            guard let dir = directory, writeError == nil else { return }
            do {
                try Checkpoint(state: s, config: config, data: fingerprint, elapsedSeconds: elapsed(), backend: la.description)
                    .write(to: dir.checkpointPath)
            } catch { writeError = error }
        }
        let outcome = trainer.run(&state, data: data, shouldStop: { writeError != nil || options.shouldStop() },
                                  checkpointInterval: options.checkpointInterval, checkpoint: save) { event in
            events(.training(event))
            if case .epochFinished(let m, _) = event {
                history.append(m)
                do { try directory?.writeMetrics(history) } catch { writeError = error }
            }
        }
        if let writeError { throw writeError }
        var divergence: Divergence?
        switch outcome {
        case .diverged(let d):
            divergence = d
        case .stopped:
            save(state)
            if let writeError { throw writeError }  // never report a checkpoint that was not written
            throw RunInterrupted(directory: directory?.path, duringPretraining: false)
        case .finished:
            break
        }
        var result = try TrainingResult(state: state, test: data.test, trainer: trainer, wallSeconds: elapsed(),
                                        labelledExamples: data.train.count, validation: data.validation)
        if specification.pretraining != nil, let stack {
            result.pretraining = stack.reports
            result.pretrainingSeconds = stack.reports.reduce(0) { $0 + $1.seconds }
        }
        result.divergence = divergence
        result.specHash = hash
        result.data = specification.data
        var refitNetwork: Network?
        if specification.refit, divergence == nil {
            events(.refitStarted(examples: data.train.count + data.validation.count, epochs: state.bestEpoch))
            do {
                let (network, r) = try trainer.refit(epochs: state.bestEpoch,
                                                     learningRate: trainer.config.learningRate(epoch: 0, reductions: state.learningRateReductions),
                                                     data: data, initial: initial, shouldStop: options.shouldStop,
                                                     events: { events(.refit($0)) })
                refitNetwork = network
                result.refit = r
            } catch is CancellationError {
                // The selection run is complete and checkpointed: resuming redoes only the refit.
                throw RunInterrupted(directory: directory?.path, duringPretraining: false)
            }
            result.wallSeconds = elapsed()
        }
        if let dir = directory {
            var metadata = [
                "seed": String(config.seed), "spec_hash": hash, "dataset": specification.data.dataset,
                "config": String(decoding: try FileIO.jsonEncoder().encode(config), as: UTF8.self),
                "class_names": String(decoding: try FileIO.jsonEncoder().encode(splits.train.classNames), as: UTF8.self),
            ]
            if let values = splits.train.classValues {
                metadata["class_values"] = String(decoding: try FileIO.jsonEncoder().encode(values), as: UTF8.self)
            }
            if let vocabulary = splits.vocabulary {
                // Beside the model and inside it, so that evaluate and predict read new text as training did.
                try vocabulary.save(to: dir.path + "/" + Vocabulary.fileName)
                metadata.merge(vocabulary.metadata()) { $1 }
                metadata["features"] = specification.data.text(.features) ?? "binary"
            }
            if let refitNetwork {
                try refitNetwork.save(to: dir.refitModelPath, metadata: metadata.merging(["refit_epochs": String(state.bestEpoch)]) { $1 })
            }
            try state.best.save(to: dir.modelPath, metadata: metadata.merging(["best_epoch": String(state.bestEpoch)]) { $1 })
            try dir.writeResult(result)
        }
        return result
    }
}
