import ArgumentParser
import Foundation
import Rectifier

extension SweepCommand {
    struct Submit: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Submit a sweep's unfinished runs to Slurm as one job array.",
            discussion: """
                Writes SWEEP_DIR/slurm/submit.sbatch (one array task per unfinished run, --requeue, \
                the absolute path of this executable, output per task in SWEEP_DIR/slurm/) and submits \
                it with sbatch. The sweep directory must be on a file system every node sees. A \
                preempted, requeued or resubmitted task resumes from its run's checkpoint.
                """)

        @Argument(help: ArgumentHelp("The sweep directory.", valueName: "sweep-dir"))
        var sweep: String

        @Flag(help: "Submit to Slurm (the only scheduler so far).")
        var slurm = false

        @OptionGroup var slurmOptions: SlurmOptions
        @Option(help: "CPUs of each task; also its thread count.") var cpusPerTask = 1
        @Option(help: "GEMM backend of the tasks: auto, blas or builtin.") var backend = "auto"

        @Flag(help: "Write the script but do not submit it.")
        var dryRun = false

        func validate() throws {
            guard slurm else { throw ValidationError("say where to submit: --slurm") }
        }

        func run() throws {
            let options = try slurmOptions.submission(cpusPerTask: cpusPerTask, workerArguments: SweepCommand.workerArguments(backend: backend))
            let dir = SweepDirectory(sweep)
            guard let submission = try dir.submit(executable: SweepCommand.executable, options: options, dryRun: dryRun) else {
                print("\(sweep): nothing to submit (every run is finished, failed by divergence or running)")
                return
            }
            let array = SlurmSubmission.arrayRanges(submission.indices)
            if let id = submission.jobID {
                print("submitted job \(id): \(submission.indices.count) runs (array \(array)); script \(dir.slurmPath)/submit.sbatch")
            } else {
                print(submission.script, terminator: "")
            }
        }
    }
}
