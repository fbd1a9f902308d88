import ArgumentParser
import Foundation
import Rectifier

extension SweepCommand {
    struct Task: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run one run of a sweep (resuming its checkpoint; nothing if it is finished).")

        @Argument(help: ArgumentHelp("The sweep directory.", valueName: "sweep-dir"))
        var sweep: String

        @Argument(help: ArgumentHelp("The run's index.", valueName: "index"))
        var index: Int

        @Option(help: ArgumentHelp("The Slurm job and array task running this (set by the batch script).", valueName: "id"))
        var slurmJob: String?

        @OptionGroup var compute: ComputeOptions

        func run() throws {
            Interrupt.install()
            let dir = SweepDirectory(sweep)
            let options = RunOptions(linearAlgebra: try compute.linearAlgebra(), fileSizeLimit: ProcessEnvironment.current.maxFileBytes,
                                     shouldStop: { Interrupt.requested })
            let console = Console()
            console.line("sweep \(sweep), run \(index)\(slurmJob.map { " (Slurm task \($0))" } ?? ""): "
                + (try dir.record(index).specification.summary))
            do {
                let result = try dir.runTask(index, options: options) { event in
                    switch event {
                    case .training(.epochFinished(let m, _)):
                        console.line("epoch \(m.epoch)  valid err \(percent(m.validationError))  sparsity \(percent(m.validationSparsity))")
                    case let .resumed(epoch, position, examples):
                        console.line("resuming: epoch \(epoch), example \(position) of \(examples)")
                    case .pretrainingEpoch(let e):
                        console.line("pre-training layer \(e.layer) epoch \(e.epoch)  valid rec \(format(e.validationReconstruction, 4))")
                    default: break
                    }
                }
                if let t = result.training {
                    console.line((result.reused ? "already finished: " : "") + "test error \(percent(t.testError)), "
                                 + "mean sparsity \(percent(t.meanSparsity))" + (t.divergence.map { ", diverged: \($0)" } ?? ""))
                }
            } catch let interrupted as RunInterrupted {
                console.error(interrupted.description)
                throw ExitCode(130)
            }
        }
    }
}
