import ArgumentParser
import Foundation
import Rectifier

struct SweepCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sweep",
        abstract: "Plan, run (here or on Slurm), watch and collect sweeps of many training runs.",
        discussion: """
            A sweep file (TOML) gives a base run, by the long names of `rectifier train`'s options, \
            and axes that vary it: [grid] (every combination), [zip] (lists varied together), \
            [random] (`count` draws from the sweep's seed). `plan` writes one run directory per \
            run (runs/0000, ...); `run` and `submit --slurm` execute the unfinished ones, each \
            through `sweep task`, which resumes a checkpoint and does nothing for a finished run; \
            `collect` writes results.csv and results.jsonl. See README, Sweeps.
            """,
        subcommands: [Plan.self, Task.self, RunLocal.self, Submit.self, Status.self, Collect.self])

    /// The `rectifier` executable running now (workers and Slurm tasks run it again).
    static var executable: String {
        URL(fileURLWithPath: CommandLine.arguments[0], relativeTo: URL(fileURLWithPath: FileManager.default.currentDirectoryPath))
            .standardizedFileURL.path
    }

    /// One line per worker event: `[STAGE ]run NNNN started`, `... finished after 12.3 s`.
    static func log(_ event: SweepWorkers.Event, stage: String? = nil, console: Console) {
        let prefix = stage.map { $0 + " " } ?? ""
        switch event {
        case let .started(index, attempt):
            console.line(prefix + "run \(SweepDirectory.name(index)) started" + (attempt > 1 ? " (attempt \(attempt))" : ""))
        case let .finished(index, status, seconds):
            var text = prefix + "run \(SweepDirectory.name(index)) \(status.name) after \(format(seconds, 1)) s"
            if case .failed(let message, _) = status { text += ": \(message)" }
            console.line(text)
        case let .retrying(index, reason):
            console.error(prefix + "run \(SweepDirectory.name(index)) failed (\(reason)); trying again")
        }
    }

    /// The run specification `rectifier train` would make of `run`'s options, with relative
    /// paths (data-dir, init-from) taken from the sweep file's directory, `base`.
    static func specification(_ run: PlannedRun, base: URL) throws -> RunSpecification {
        var spec: RunSpecification
        do {
            spec = try Train.parse(run.arguments).specification()
        } catch {
            throw UsageError(Train.message(for: error).replacingOccurrences(of: "Error: ", with: ""))
        }
        func absolute(_ path: String) -> String { URL(fileURLWithPath: path, relativeTo: base).standardizedFileURL.path }
        spec.data.directory = spec.data.directory.map(absolute)
        spec.initFrom = spec.initFrom.map(absolute)
        return spec
    }

    struct Plan: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Expand a sweep file into numbered runs (replanning keeps every run still in it).")

        @Argument(help: ArgumentHelp("The sweep file (TOML).", valueName: "spec"))
        var spec: String

        @Option(help: ArgumentHelp("The sweep directory.", valueName: "sweep-dir"))
        var out: String

        func run() throws {
            let sweep = SweepDirectory(out)
            let base = URL(fileURLWithPath: spec).deletingLastPathComponent()
            let report = try sweep.plan(try SweepSpecification.read(spec), from: spec) { try SweepCommand.specification($0, base: base) }
            print("\(out): \(report.runs.count) runs planned (\(report.added.count) new"
                + (report.removed.isEmpty ? "" : ", \(report.removed.count) unstarted removed") + ")")
        }
    }

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
            console.line("sweep \(sweep), run \(index): \(try dir.record(index).specification.summary)")
            do {
                let result = try dir.runTask(index, options: options, slurmJob: slurmJob) { event in
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
            let dir = SweepDirectory(sweep)
            let total = try dir.records().count
            guard total > 0 else { throw ValidationError("\(sweep) holds no planned runs (rectifier sweep plan SPEC --out \(sweep))") }
            let workers = SweepWorkers(executable: SweepCommand.executable, jobs: jobs, threadsPerJob: threadsPerJob, retries: retries,
                                       extraArguments: ["--backend", backend])
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
