import Foundation

/// What a run's phases share: the specification, where files go, how it executes, its data.
struct RunContext {
    let specification: RunSpecification
    let hash: String
    let directory: RunDirectory?
    let options: RunOptions
    let splits: DataSplits
    let events: (RunEvent) -> Void
}

extension RunContext {
    /// Pre-trains the stack, or takes it from the run directory: the finished stack, or the
    /// layers finished before an interruption (pre-training then goes on with the next layer,
    /// with the same result as if it had never stopped).
    func pretrain(_ config: PretrainingConfig) throws -> PretrainedStack {
        let limit = options.fileSizeLimit
        if let dir = directory, FileManager.default.fileExists(atPath: dir.stackPath) {
            let stack = try PretrainedStack.load(from: dir.stackPath, limit: limit)
            try check(stack, against: config, file: dir.stackPath)
            return stack
        }
        var done: PretrainedStack?
        var history: [PretrainingEpoch] = []
        if let dir = directory, FileManager.default.fileExists(atPath: dir.pretrainingCheckpointPath) {
            let (stack, metadata) = try PretrainedStack.read(from: dir.pretrainingCheckpointPath, limit: limit)
            try check(stack, against: config, file: dir.pretrainingCheckpointPath)
            guard let json = metadata["history"],
                  let epochs = try? FileIO.jsonDecoder().decode([PretrainingEpoch].self, from: Data(json.utf8)) else {
                throw FileError(dir.pretrainingCheckpointPath, "pre-training checkpoint lacks its epoch history")
            }
            (done, history) = (stack, epochs)
        }
        // Each layer trains an encoder and its decoder: about twice the stack's parameters.
        try MemoryEstimate.check(Architecture(inputSize: splits.train.featureCount, hiddenSizes: config.hiddenSizes,
                                              classes: splits.train.featureCount, activation: config.activation),
                                 batch: config.batchSize, optimizerCopies: 2, dataBytes: 2 * splits.bytesHeld, limits: options.limits)
        events(.pretrainingStarted(config, layersDone: done?.layers.count ?? 0))
        let metricsFile = specification.training == nil ? "metrics.jsonl" : "pretrain-metrics.jsonl"
        var writeError: (any Error)?
        let stack: PretrainedStack
        do {
            stack = try StackedPretraining(config: config, linearAlgebra: options.linearAlgebra).run(
                train: splits.unlabeled.map { splits.train.inputs.appending($0) } ?? splits.train.inputs,
                validation: splits.validation.inputs, resuming: done,
                shouldStop: { writeError != nil || options.shouldStop() },
                progress: { layer, epoch, done, total, rate, cost in
                    events(.pretrainingProgress(layer: layer, epoch: epoch, done: done, total: total, samplesPerSecond: rate, cost: cost))
                },
                events: { epoch in
                    events(.pretrainingEpoch(epoch))
                    history.append(epoch)
                    do { try directory?.writeMetrics(history, file: metricsFile) } catch { writeError = error }
                },
                layerFinished: { stack in
                    events(.pretrainedLayer(stack.reports.last!))
                    guard let dir = directory, stack.layers.count < config.hiddenSizes.count else { return }
                    // Epochs of the layer under way are not kept: a resumed run trains it again.
                    try stack.save(to: dir.pretrainingCheckpointPath, metadata: [
                        "history": String(decoding: try FileIO.jsonEncoder().encode(history), as: UTF8.self),
                    ])
                })
        } catch is CancellationError {
            if let writeError { throw writeError }
            throw RunInterrupted(directory: directory?.path, duringPretraining: true)
        }
        if let writeError { throw writeError }
        try directory.map { try stack.save(to: $0.stackPath, metadata: ["seed": String(config.seed), "spec_hash": hash]) }
        return stack
    }

    /// A `FileError` unless `stack` (read from `file`) is a prefix of what `config` pre-trains
    /// on this data.
    private func check(_ stack: PretrainedStack, against config: PretrainingConfig, file: String) throws {
        let shape = stack.shape
        guard shape.inputSize == splits.train.featureCount, shape.hiddenSizes.count <= config.hiddenSizes.count,
              Array(config.hiddenSizes.prefix(shape.hiddenSizes.count)) == shape.hiddenSizes,
              shape.activation == config.activation, shape.signTrick == config.signTrick else {
            throw FileError(file, "holds a stack of another shape than this run pre-trains")
        }
    }
}
