import ArgumentParser
import Foundation
import Rectifier

extension SweepCommand {
    struct RunLocal: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "run",
            abstract: "Run a sweep's unfinished runs on this machine, several worker processes at a time.")

        @Argument(help: ArgumentHelp("The sweep directory.", valueName: "sweep-dir"))
        var sweep: String

        @Option(help: "Worker processes at a time.")
        var jobs = 2

        @Option(help: "Threads of each worker.")
        var threadsPerJob = 1

        @Option(help: "Further attempts of a run whose worker failed or crashed.")
        var retries = 2

        @Option(help: "GEMM backend of the workers: auto, blas or builtin.")
        var backend = "auto"

        func validate() throws {
            guard jobs > 0, threadsPerJob > 0, retries >= 0 else { throw ValidationError("--jobs and --threads-per-job must be positive, --retries >= 0") }
        }

        func run() throws {
            Interrupt.install()
            let workerArguments = try SweepCommand.workerArguments(backend: backend)
            let dir = SweepDirectory(sweep)
            let total = try dir.records().count
            guard total > 0 else { throw ValidationError("\(sweep) holds no planned runs (rectifier sweep plan SPEC --out \(sweep))") }
            let workers = SweepWorkers(executable: SweepCommand.executable, jobs: jobs, threadsPerJob: threadsPerJob, retries: retries,
                                       extraArguments: workerArguments)
            let console = Console()
            let clock = ContinuousClock()
            let start = clock.now
            let summary = try workers.run(dir, shouldStop: { Interrupt.requested }) { SweepCommand.log($0, console: console) }
            console.line("\(summary.finished.count) finished, \(summary.failed.count) failed in \(format((clock.now - start).seconds, 1)) s")
            if summary.interrupted {
                console.error("interrupted: workers saved their checkpoints; continue with: rectifier sweep run \(sweep)")
                throw ExitCode(130)
            }
        }
    }
}
