import ArgumentParser
import Foundation
import Rectifier

/// Runs a `Run` with its events as console lines: a progress bar on a terminal, one line per
/// epoch, Ctrl-C turned into a saved checkpoint and exit status 130. Shared by `train`,
/// `pretrain` and the demo.
struct RunConsole {
    var console = Console()
    /// Only warnings and errors (the demo prints its own table).
    var quiet = false

    /// Executes `run`, printing as it goes; throws `ExitCode(130)` after Ctrl-C and the
    /// divergence when training diverged (its best model is saved first).
    func execute(_ run: Run) throws -> RunResult {
        var run = run
        let stop = run.options.shouldStop
        run.options.shouldStop = { Interrupt.requested || stop() }
        let spec = run.specification
        let result: RunResult
        do {
            result = try run.execute { report($0, spec) }
        } catch let interrupted as RunInterrupted {
            if let dir = interrupted.directory {
                console.error("\(interrupted); continue with: rectifier \(spec.training == nil ? "pretrain" : "train") --resume \(dir)")
            } else {
                console.error(interrupted.description)
            }
            throw ExitCode(130)
        }
        if let divergence = result.training?.divergence {
            if let dir = run.directory, let best = result.training?.bestEpoch {
                console.error("the best model so far (epoch \(best)) is in \(dir)/model.safetensors")
            }
            throw divergence
        }
        return result
    }

    /// Console lines for the run's events.
    private func report(_ event: RunEvent, _ spec: RunSpecification) {
        switch event {
        case .reused:
            console.line("already finished: the run directory holds this run's result")
        case let .dataLoaded(train, validation, test, _):
            if !quiet {
                console.line("data: \(spec.data), \(train) training / \(validation) validation / \(test) test examples")
                if spec.data.isShippedSubset {
                    console.line("(no data option given: the MNIST subset shipped with the package; --data-dir, --data-file or --dataset for other data)")
                }
            }
        case let .pretrainingStarted(c, done):
            if quiet { return }
            let layers = c.hiddenSizes.indices
            let noises = layers.map { c.corruption(layer: $0).name }.joined(separator: ",")
            let l1s = layers.map { "\(c.l1(layer: $0))" }.joined(separator: ",")
            console.line("pre-training \(c.hiddenSizes.count) layer(s): \(c.resolvedStrategy.rawValue), noise \(noises), L1 \(l1s), \(c.epochs) epochs per layer, learning rate "
                + (c.learningRates.map { $0.map { "\($0)" }.joined(separator: ",") } ?? "auto")
                + (done > 0 ? "; resuming after layer \(done)" : ""))
        case let .pretrainingProgress(layer, epoch, done, total, rate, cost):
            if !quiet {
                console.progress(label: "layer \(layer) epoch \(epoch)/\(spec.pretraining?.epochs ?? 0)", done: done, total: total,
                                 rate: rate, loss: cost)
            }
        case .pretrainingEpoch(let e):
            if quiet { return }
            console.line("layer \(e.layer) epoch \(e.epoch)  lr \(e.learningRate)  train rec \(format(e.trainReconstruction, 4))  "
                + "valid rec \(format(e.validationReconstruction, 4))  code sparsity \(percent(e.validationSparsity))  "
                + "\(format(e.trainSeconds, 1)) s")
        case .pretrainedLayer(let r):
            if quiet || r.candidates.isEmpty { return }
            console.line("layer \(r.layer): learning rate \(r.learningRate) chosen from "
                + r.candidates.map { "\($0.learningRate) → \(format($0.validationReconstruction, 4))" }.joined(separator: ", "))
        case let .model(architecture, parameters, labelled):
            if quiet { return }
            let fraction = spec.training.map { $0.labelFraction < 1 } ?? false
            console.line("model: \(architecture.summary), \(parameters) parameters"
                + (fraction ? "; fine-tuning on \(labelled) labelled examples" : ""))
        case let .resumed(epoch, position, examples):
            console.line("resuming: epoch \(epoch), example \(position) of \(examples)")
        case .training(let e):
            report(e, epochs: spec.training?.epochs ?? 0, refitting: false)
        case let .refitStarted(examples, epochs):
            if !quiet { console.line("refit: training on \(examples) examples (training + validation) for \(epochs) epochs") }
        case .refit(let e):
            report(e, epochs: 0, refitting: true)
        case .warning(let text):
            console.error("note: \(text)")
        }
    }

    private func report(_ event: TrainingEvent, epochs: Int, refitting: Bool) {
        switch event {
        case let .progress(epoch, done, total, rate, loss):
            if !quiet {
                console.progress(label: refitting ? "refit epoch \(epoch)" : "epoch \(epoch)/\(epochs)", done: done, total: total,
                                 rate: rate, loss: loss)
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
        case .warning(let text):
            console.error("warning: \(text)")
        case .steps:
            break  // written to steps.jsonl; the progress bar shows the same
        }
    }
}
