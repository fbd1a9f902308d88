import Foundation

/// What a run writes as it trains besides its metrics: `steps.jsonl` (one line every
/// `RunOptions.logEvery` steps) and, with `RunOptions.tensorBoard`, TensorBoard event files of
/// the epochs and the steps in `RUN_DIR/tensorboard`.
struct TrainingLog {
    let stepsPath: String
    let tensorBoard: TensorBoardWriter?
    let stepsFile: FileHandle?

    /// Opens the logs of the run in `directory`. A resumed run drops the lines logged after
    /// its checkpoint, which it is about to train again.
    init(directory: RunDirectory, resumingAt state: TrainingState, options: RunOptions) throws {
        stepsPath = directory.path + "/steps.jsonl"
        tensorBoard = options.tensorBoard ? try TensorBoardWriter(directory: directory.path + "/tensorboard") : nil
        guard options.logEvery != nil else {
            stepsFile = nil
            return
        }
        var kept = ""
        if FileManager.default.fileExists(atPath: stepsPath) {
            let text = String(decoding: try FileIO.read(stepsPath), as: UTF8.self)
            for line in text.split(separator: "\n") {
                guard let log = try? FileIO.jsonDecoder().decode(StepLog.self, from: Data(line.utf8)) else { continue }
                if log.epoch <= state.epoch || (log.epoch == state.epoch + 1 && log.epochStep <= state.running.steps) { kept += line + "\n" }
            }
        }
        try FileIO.writeAtomically(Array(kept.utf8), to: stepsPath)
        guard let handle = FileHandle(forWritingAtPath: stepsPath) else { throw FileError(stepsPath, "cannot open for appending") }
        try handle.seekToEnd()
        stepsFile = handle
    }

    /// After each logged step.
    func steps(_ log: StepLog) throws {
        try stepsFile?.write(contentsOf: Data((try FileIO.jsonLine(log) + "\n").utf8))
        if let tensorBoard {
            try tensorBoard.scalar("train/running_loss", log.runningLoss, step: log.step)
            for (l, s) in log.sparsityPerLayer.enumerated() { try tensorBoard.scalar("train/sparsity/layer_\(l + 1)", s, step: log.step) }
        }
    }

    /// After each epoch.
    func epoch(_ m: EpochMetrics) throws {
        guard let tensorBoard else { return }
        let scalars: [(String, Double?)] = [
            ("train/loss", m.trainLoss), ("train/error", m.trainError), ("validation/loss", m.validationLoss),
            ("validation/error", m.validationError.isNaN ? nil : m.validationError), ("validation/rmse", m.validationRMSE),
            ("validation/sparsity", m.validationSparsity.isNaN ? nil : m.validationSparsity), ("learning_rate", Double(m.learningRate)),
            ("samples_per_second", m.samplesPerSecond),
        ]
        for case let (tag, value?) in scalars { try tensorBoard.scalar(tag, value, step: m.epoch) }
        for (l, s) in (m.validationSparsityPerLayer ?? []).enumerated() { try tensorBoard.scalar("validation/sparsity/layer_\(l + 1)", s, step: m.epoch) }
        for (l, d) in (m.validationDeadUnits ?? []).enumerated() { try tensorBoard.scalar("validation/dead_units/layer_\(l + 1)", Double(d), step: m.epoch) }
        try tensorBoard.flush()
    }
}
