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
            guard cpusPerTask > 0 else { throw ValidationError("--cpus-per-task must be positive") }
        }

        func run() throws {
            let options = slurmOptions.submission(cpusPerTask: cpusPerTask, backend: backend)
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

    struct Status: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Count a sweep's planned, running, finished and failed runs; show why runs failed.")

        @Argument(help: ArgumentHelp("The sweep directory.", valueName: "sweep-dir"))
        var sweep: String

        func run() throws {
            let dir = SweepDirectory(sweep)
            let active = try dir.activeSlurmTasks()
            var counts: [String: Int] = [:]
            var failures: [(Int, String)] = []
            var resumable = 0
            let records = try dir.records()
            for record in records {
                let status = dir.status(record.index, activeSlurmTasks: active)
                counts[status.name, default: 0] += 1
                if case .failed(let message, let attempts) = status {
                    failures.append((record.index, "\(message.split(separator: "\n").first ?? "") (\(attempts) attempt\(attempts == 1 ? "" : "s"))"))
                }
                if case .planned(true) = status { resumable += 1 }
            }
            print("\(sweep): \(records.count) runs: " + ["planned", "running", "finished", "failed"]
                .map { "\(counts[$0, default: 0]) \($0)" }.joined(separator: ", ") + (resumable > 0 ? " (\(resumable) resumable)" : ""))
            if let jobs = try? dir.slurmJobs(), !jobs.isEmpty {
                print("slurm jobs: " + jobs.compactMap(\.jobID).joined(separator: ", ") + "; \(active.count) tasks pending or running")
            }
            for (index, message) in failures { print("run \(SweepDirectory.name(index)) failed: \(message)") }
        }
    }

    struct Collect: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "One table of every run: swept options, validation and test error, sparsity, epochs, time.")

        @Argument(help: ArgumentHelp("The sweep directory.", valueName: "sweep-dir"))
        var sweep: String

        func run() throws {
            let dir = SweepDirectory(sweep)
            let rows = try dir.collect(activeSlurmTasks: try dir.activeSlurmTasks())
            try dir.writeResults(rows)
            let axes = Set(rows.flatMap(\.axes.keys)).sorted()
            func p(_ v: Double?) -> String { v.map { percent($0) } ?? "" }
            let lines = rows.map { r -> [String] in
                let swept: [String] = axes.map { r.axes[$0]?.description ?? "" }
                let epoch: String = r.bestEpoch.map(String.init) ?? ""
                let time: String = r.wallSeconds.map { format($0, 0) + " s" } ?? ""
                let measured: [String] = [p(r.validationError), p(r.testError), p(r.meanSparsity), epoch, time]
                return [SweepDirectory.name(r.index), r.status] + swept + measured
            }
            print(table(["run", "status"] + axes + ["valid err", "test err", "sparsity", "best epoch", "time"], lines))
            let missing = rows.filter { $0.status != "finished" }
            if !missing.isEmpty {
                print("not finished: " + missing.map { "\(SweepDirectory.name($0.index)) (\($0.status))" }.joined(separator: ", "))
            }
            print("wrote \(sweep)/results.csv and \(sweep)/results.jsonl")
        }
    }
}
