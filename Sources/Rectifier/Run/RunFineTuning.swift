import Foundation

extension RunContext {
    /// Supervised training, from `stack` (topped with a fresh classifier), from a whole
    /// `network` (`--init-from` a model), or from the seed's initial network, resumed from the
    /// directory's checkpoint when there is one; then the refit when asked; then the model
    /// files and `result.json`.
    func fineTune(from stack: PretrainedStack?, network: Network? = nil) throws -> TrainingResult {
        let config = specification.training!
        let la = options.linearAlgebra
        let trainer = Trainer(config: config, linearAlgebra: la)
        var data = splits
        data.train = trainer.labelledTraining(splits.train)
        var initial: Network?
        if let network {
            let arch = network.architecture
            guard arch.hiddenSizes == config.hiddenSizes, arch.activation == config.activation || arch.hiddenSizes.isEmpty,
                  arch.signTrick == config.signTrick else {
                throw UsageError("\(specification.initFrom ?? "the model") is a \(arch.summary) network; this run asks for "
                    + "\(config.hiddenSizes.map(String.init).joined(separator: "-")) \(config.activation.name)\(config.signTrick ? " with the sign trick" : "") "
                    + "(--layers and --activation must describe it)")
            }
            initial = network
        } else if let stack {
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
        try MemoryEstimate.check(initial?.architecture ?? trainer.architecture(for: data.train), batch: config.batchSize,
                                 optimizerCopies: config.momentum == 0 && config.optimizer == nil ? 0 : 2,
                                 dataBytes: splits.bytesHeld, limits: options.limits)
        if data.validation.count == 0 {
            events(.warning("no validation examples: the last epoch's parameters are kept, and --patience cannot stop the run early"))
        }
        let fingerprint = DataFingerprint(data)
        var state: TrainingState
        var previousSeconds = 0.0
        if let dir = directory, FileManager.default.fileExists(atPath: dir.checkpointPath) {
            let checkpoint = try Checkpoint.read(dir.checkpointPath, limit: options.fileSizeLimit)
            // Epochs and patience may grow (`Run.extend`); everything else makes another run.
            var before = checkpoint.config
            (before.epochs, before.patience) = (config.epochs, config.patience)
            guard before == config else {
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
        var log = try directory.map { try TrainingLog(directory: $0, resumingAt: state, options: options) }
        let outcome = trainer.run(&state, data: data, shouldStop: { writeError != nil || options.shouldStop() },
                                  checkpointInterval: options.checkpointInterval, checkpoint: save,
                                  logEvery: directory == nil ? nil : options.logEvery) { event in
            events(.training(event))
            do {
                switch event {
                case .epochFinished(let m, _):
                    history.append(m)
                    try directory?.writeMetrics(history)
                    try log?.epoch(m)
                case .steps(let s):
                    try log?.steps(s)
                default: break
                }
            } catch { writeError = error }
        }
        log = nil
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
            metadata[Model.dataKey] = String(decoding: try FileIO.jsonEncoder().encode(specification.data), as: UTF8.self)
            if let names = splits.featureNames {
                metadata[Model.featureNamesKey] = String(decoding: try FileIO.jsonEncoder().encode(names), as: UTF8.self)
            }
            if let label = splits.labelColumn { metadata[Model.labelColumnKey] = label }
            if let values = splits.train.classValues {
                metadata["class_values"] = String(decoding: try FileIO.jsonEncoder().encode(values), as: UTF8.self)
            }
            if let vocabulary = splits.vocabulary {
                // Beside the model and inside it, so that evaluate and predict read new text as training did.
                try vocabulary.save(to: dir.path + "/" + Vocabulary.fileName)
                metadata.merge(vocabulary.metadata()) { $1 }
                metadata["features"] = specification.data.text(.features) ?? "binary"
            }
            if let split = splits.split { try FileIO.writeJSON(split, to: dir.path + "/split.json") }
            if let refitNetwork {
                try Model(network: refitNetwork, standardization: splits.standardization,
                          metadata: metadata.merging(["refit_epochs": String(state.bestEpoch)]) { $1 }).save(to: dir.refitModelPath)
            }
            let kept = state.kept(config)
            try Model(network: kept.network, standardization: splits.standardization,
                      metadata: metadata.merging(["best_epoch": String(kept.epoch)]) { $1 }).save(to: dir.modelPath)
            try dir.writeResult(result)
        }
        return result
    }
}
