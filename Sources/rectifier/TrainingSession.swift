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
    /// Facts recorded in checkpoints (data directory, backend, pre-training) and seconds already spent.
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
    /// After a divergence (with `--on-divergence stop`) the best model so far is written, with
    /// the divergence in `result.json`, and the `Divergence` is thrown. After Ctrl-C a checkpoint
    /// is saved (with a run directory) and `ExitCode(130)` is thrown.
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
            report(event)
            if case .epochFinished(let m, _) = event {
                history.append(m)
                do { try run?.writeMetrics(history) } catch { writeError = error }
            }
        }
        if let writeError { throw writeError }
        var divergence: Divergence?
        switch outcome {
        case .diverged(let d):
            divergence = d
        case .stopped:
            try interrupted(save: {
                save(state)
                if let writeError { throw writeError }  // never report a checkpoint that was not written
            })
        case .finished:
            break
        }
        var result = TrainingResult(state: state, test: splits.test, trainer: trainer,
                                    wallSeconds: previousSeconds + (clock.now - began).seconds,
                                    labelledExamples: splits.train.count)
        result.pretraining = pretrainingReports
        result.pretrainingSeconds = pretrainingSeconds
        result.divergence = divergence
        var refitNetwork: Network?
        if refit, divergence == nil {
            if !quiet { console.line("refit: training on \(splits.train.count + splits.validation.count) examples (training + validation) for \(state.bestEpoch) epochs") }
            do {
                let (network, r) = try trainer.refit(epochs: state.bestEpoch, learningRate: state.optimizer.learningRate,
                                                     data: splits, initial: initial, shouldStop: { Interrupt.requested },
                                                     events: { report($0, refitting: true) })
                refitNetwork = network
                result.refit = r
            } catch is CancellationError {
                // The selection run is complete and checkpointed: resuming redoes only the refit.
                try interrupted(save: {})
            }
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
        if let divergence {
            if let run { console.error("the best model so far (epoch \(state.bestEpoch)) is in \(run.modelPath)") }
            throw divergence
        }
        return result
    }

    /// Saves what can be saved after Ctrl-C, says how to go on, and exits with 130.
    private func interrupted(save: () throws -> Void) throws -> Never {
        if let run {
            try save()
            console.error("interrupted: checkpoint saved; continue with: rectifier train --resume \(run.path)")
        } else {
            console.error("interrupted (no --out, so nothing was saved)")
        }
        throw ExitCode(130)
    }

    /// Console lines for the trainer's events.
    private func report(_ event: TrainingEvent, refitting: Bool = false) {
        let config = trainer.config
        switch event {
        case let .progress(epoch, done, total, rate, loss):
            if !quiet {
                console.progress(label: (refitting ? "refit epoch \(epoch)" : "epoch \(epoch)/\(config.epochs)"), done: done,
                                 total: total, rate: rate, loss: loss)
            }
        case let .epochFinished(m, improved):
            if quiet { return }
            if refitting {
                console.line("refit epoch \(m.epoch)  loss \(format(m.trainLoss, 4))  train err \(percent(m.trainError))  "
                    + "\(format(m.samplesPerSecond, 0)) ex/s  \(format(m.trainSeconds, 1)) s")
            } else {
                console.line("epoch \(m.epoch)  loss \(format(m.trainLoss, 4))  train err \(percent(m.trainError))  "
                    + "valid err \(percent(m.validationError))\(improved ? " *" : "  ")  sparsity \(percent(m.validationSparsity))  "
                    + "\(format(m.samplesPerSecond, 0)) ex/s  \(format(m.trainSeconds, 1)) s")
            }
        case let .diverged(d, newRate):
            // Without a new rate the run stops and the error itself is printed.
            if let newRate {
                console.error("warning: \(refitting ? "refit " : "")\(d)")
                console.error("--on-divergence reduce-lr: back to the start of epoch \(d.epoch), learning rate \(newRate)")
            }
        }
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
