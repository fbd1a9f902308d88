import ArgumentParser
import Foundation
import Rectifier

/// One training run driven from the command line: progress on the console, the run directory's
/// files (metrics, checkpoints, model, result), Ctrl-C and divergence handling. Used by `train`
/// (new and resumed runs) and by the demo.
struct TrainingSession {
    var trainer: Trainer
    var splits: DataSplits
    var run: RunDirectory?
    var console: Console
    var quiet = false
    var checkpointInterval: Duration = .seconds(600)
    /// Facts recorded in checkpoints (data directory, backend) and seconds already spent.
    var notes: [String: String] = [:]
    var previousSeconds = 0.0
    var pretrainingReports: [PretrainedLayerReport]?
    var pretrainingSeconds: Double?
    /// Retrain on training + validation data for the chosen number of epochs, starting again
    /// from `initial` (nil: the seed's initial network).
    var refit = false
    var initial: Network?

    static let checkpointFile = "checkpoint.bin"

    /// Trains from `state` to the end; writes the model and `result.json` into the run directory.
    /// Throws `Divergence` when training diverges for good, and `ExitCode(130)` after Ctrl-C
    /// (with a checkpoint saved when there is a run directory).
    func train(from start: TrainingState) throws -> TrainingResult {
        let clock = ContinuousClock()
        let began = clock.now
        var state = start
        let config = trainer.config
        let fingerprint = DataFingerprint(splits)
        var writeError: (any Error)?
        var history = state.history
        try run?.writeMetrics(history)
        func save(_ s: TrainingState) {
            guard let run, writeError == nil else { return }
            var notes = self.notes
            notes["elapsed_seconds"] = String(previousSeconds + (clock.now - began).seconds)
            do {
                try Checkpoint(state: s, config: config, data: fingerprint, notes: notes)
                    .write(to: run.path + "/" + Self.checkpointFile)
            } catch { writeError = error }
        }
        let outcome = trainer.run(&state, data: splits, shouldStop: { writeError != nil || Interrupt.requested },
                                  checkpointInterval: checkpointInterval, checkpoint: save) { event in
            switch event {
            case let .progress(epoch, done, total, rate, loss):
                if !quiet { console.progress(epoch: epoch, epochs: config.epochs, done: done, total: total, rate: rate, loss: loss) }
            case let .epochFinished(m, improved):
                if !quiet {
                    console.line("epoch \(m.epoch)  loss \(format(m.trainLoss, 4))  train err \(percent(m.trainError))  "
                        + "valid err \(percent(m.validationError))\(improved ? " *" : "  ")  sparsity \(percent(m.validationSparsity))  "
                        + "\(format(m.samplesPerSecond, 0)) ex/s  \(format(m.trainSeconds, 1)) s")
                }
                history.append(m)
                do { try run?.writeMetrics(history) } catch { writeError = error }
            case let .diverged(d, newRate):
                console.error("warning: \(d)")
                if let newRate { console.error("--on-divergence reduce-lr: back to the end of epoch \(d.epoch - 1), learning rate \(newRate)") }
            }
        }
        if let writeError { throw writeError }
        switch outcome {
        case .diverged(let d):
            throw d
        case .stopped:
            if let run {
                save(state)
                if let writeError { throw writeError }
                console.error("interrupted: checkpoint saved; continue with: rectifier train --resume \(run.path)")
            } else {
                console.error("interrupted (no --out, so nothing was saved)")
            }
            throw ExitCode(130)
        case .finished:
            break
        }
        var result = TrainingResult(state: state, test: splits.test, trainer: trainer,
                                    wallSeconds: previousSeconds + (clock.now - began).seconds,
                                    labelledExamples: splits.train.count)
        result.pretraining = pretrainingReports
        result.pretrainingSeconds = pretrainingSeconds
        var refitNetwork: Network?
        if refit {
            if !quiet { console.line("refit: training on \(splits.train.count + splits.validation.count) examples (training + validation) for \(state.bestEpoch) epochs") }
            let (network, r) = trainer.refit(epochs: state.bestEpoch, learningRate: state.optimizer.learningRate, data: splits,
                                             initial: initial) { event in
                switch event {
                case let .progress(epoch, done, total, rate, loss):
                    if !quiet { console.progress(epoch: epoch, epochs: state.bestEpoch, done: done, total: total, rate: rate, loss: loss) }
                case let .epochFinished(m, _):
                    if !quiet {
                        console.line("refit epoch \(m.epoch)  loss \(format(m.trainLoss, 4))  train err \(percent(m.trainError))  "
                            + "\(format(m.samplesPerSecond, 0)) ex/s  \(format(m.trainSeconds, 1)) s")
                    }
                case .diverged(let d, _):
                    console.error("warning: refit \(d)")
                }
            }
            refitNetwork = network
            result.refit = r
            result.wallSeconds = previousSeconds + (clock.now - began).seconds
        }
        if let run {
            if let refitNetwork {
                try refitNetwork.save(to: run.path + "/model-refit.safetensors", metadata: [
                    "seed": String(config.seed), "refit_epochs": String(state.bestEpoch),
                    "config": String(decoding: try FileIO.jsonEncoder().encode(config), as: UTF8.self),
                ])
            }
            try state.best.save(to: run.modelPath, metadata: [
                "seed": String(config.seed), "best_epoch": String(state.bestEpoch),
                "config": String(decoding: try FileIO.jsonEncoder().encode(config), as: UTF8.self),
            ])
            try run.writeResult(result)
        }
        return result
    }
}

/// What `config.json` records.
struct RunConfig: Codable {
    var config: TrainingConfig
    var architecture: Architecture?
    var data: String
    var dataDirectory: String?
    var backend: String
    var pretraining: PretrainingConfig?
    var initFrom: String?
}
