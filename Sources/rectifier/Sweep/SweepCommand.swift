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
            `collect` writes results.csv and results.jsonl. See docs/sweeps.md.
            """,
        subcommands: [Plan.self, Task.self, RunLocal.self, Submit.self, Status.self, Collect.self])

    /// The `rectifier` executable running now (workers and Slurm tasks run it again).
    static var executable: String {
        URL(fileURLWithPath: CommandLine.arguments[0], relativeTo: URL(fileURLWithPath: FileManager.default.currentDirectoryPath))
            .standardizedFileURL.path
    }

    /// The arguments that give every worker (or Slurm task) the GEMM backend `backend`; a
    /// `UsageError` for a backend the workers would refuse, before any starts.
    static func workerArguments(backend: String) throws -> [String] {
        guard ["auto", "blas", "builtin"].contains(backend.lowercased()) else {
            throw UsageError("--backend \(ErrorText.quoted(backend)) is not a GEMM backend (auto, blas, builtin)")
        }
        return ["--backend", backend]
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
}
