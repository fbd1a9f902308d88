import ArgumentParser
import Foundation
import Rectifier

extension ExperimentBudget: ExpressibleByArgument {}

/// `rectifier reproduce EXPERIMENT`: plans the experiment's runs as sweeps, runs them here (or
/// submits them to Slurm), and writes the report.
struct Reproduce: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Rebuild one of the paper's tables or figures: runs, results, summary and a report with plots.",
        discussion: """
            Experiments: \(Experiments.names.joined(separator: ", ")). Every run is a sweep run in OUT/STAGE/runs/NNNN, so \
            rerunning the same command continues where it stopped (finished runs are reused, interrupted ones resume). \
            Writes OUT/results.jsonl, OUT/summary.json, OUT/report.md (with SVG plots) and OUT/report.html. Budgets: smoke \
            (the shipped MNIST subset or a slice of the text data, tiny networks, about a minute), quick (the full dataset, \
            one seed, fewer epochs, about an hour or more on 2 cores), paper (the full protocol). See docs/reproducing.md.
            """)

    @Argument(help: ArgumentHelp("The experiment: \(Experiments.names.joined(separator: ", ")).", valueName: "experiment"))
    var experiment: String

    @Option(help: ArgumentHelp("Dataset (default: mnist; norb for figure4 and softplus-scale at paper; amazon-sentiment; amazon-reviews for table2).",
                               valueName: "name"))
    var dataset: String?

    @Option(help: ArgumentHelp("Directory with the dataset's files (default: the shipped MNIST subset at smoke, else data/NAME).", valueName: "dir"))
    var dataDir: String?

    @Option(help: "How much to run: smoke, quick or paper.")
    var budget: ExperimentBudget = .quick

    @Option(help: "Seeds per configuration (default: 1, or 3 at paper).")
    var seeds: Int?

    @Option(help: ArgumentHelp("The experiment's directory (default: reproduce/EXPERIMENT-DATASET-BUDGET).", valueName: "dir"))
    var out: String?

    @Option(help: "Worker processes at a time.")
    var jobs = 2

    @Option(help: "Threads of each worker.")
    var threadsPerJob = 1

    @Option(help: "GEMM backend of the workers: auto, blas or builtin.")
    var backend = "auto"

    @Flag(help: "Submit the unfinished runs to Slurm (one job array per stage) instead of running them here; rerun without --slurm, or with --report-only, once they are done.")
    var slurm = false

    @OptionGroup(title: "Slurm (with --slurm)") var slurmOptions: SlurmOptions

    @Flag(help: "Only write the report from the runs finished so far.")
    var reportOnly = false

    func validate() throws {
        guard Experiments.names.contains(experiment) else {
            throw ValidationError("unknown experiment '\(experiment)' (known: \(Experiments.names.joined(separator: ", ")))")
        }
        guard jobs > 0, threadsPerJob > 0 else { throw ValidationError("--jobs and --threads-per-job must be positive") }
        if let seeds, seeds < 1 { throw ValidationError("--seeds must be at least 1") }
    }

    /// The settings these options give, with the data directory made absolute.
    func settings() throws -> ExperimentSettings {
        let name = try dataset?.lowercased() ?? Experiments.type(named: experiment).defaultDataset(budget: budget).name
        guard let kind = Datasets.named(name) else { throw ValidationError("unknown dataset '\(name)' (\(Datasets.names))") }
        let cwd = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
        var directory = dataDir.map { URL(fileURLWithPath: $0, relativeTo: cwd).standardizedFileURL.path }
        if let directory, !FileManager.default.fileExists(atPath: directory) {
            throw ValidationError("\(directory): no such directory (--data-dir)")
        }
        if directory == nil && !(budget == .smoke && kind.shippedSubset != nil) {
            let guess = cwd.appendingPathComponent("data/" + name).path
            guard FileManager.default.fileExists(atPath: guess) else {
                throw ValidationError("\(name) at the \(budget.rawValue) budget needs its files: give --data-dir DIR (\(guess) does not exist)")
            }
            directory = guess
        }
        return ExperimentSettings(dataset: name, dataDirectory: directory, budget: budget, seeds: seeds ?? (budget == .paper ? 3 : 1))
    }

    func run() throws {
        Interrupt.install()
        let workerArguments = try SweepCommand.workerArguments(backend: backend)
        // Checked before anything is planned.
        let slurmSubmission = slurm ? try slurmOptions.submission(cpusPerTask: threadsPerJob, workerArguments: workerArguments) : nil
        let settings = try settings()
        let experiment = try Experiments.named(self.experiment, settings: settings)
        let path = out ?? "reproduce/\(self.experiment)-\(settings.dataset)-\(budget.rawValue)"
        let dir = ExperimentDirectory(path)
        let console = Console()
        let cwd = URL(fileURLWithPath: FileManager.default.currentDirectoryPath, isDirectory: true)
        if !reportOnly {
            let reports = try dir.plan(experiment) { try SweepCommand.specification($0, base: cwd) }
            let total = reports.reduce(0) { $0 + $1.runs.count }
            console.line("\(path): \(experiment.title)")
            console.line("\(total) runs planned in \(reports.count) stage\(reports.count == 1 ? "" : "s") (\(reports.reduce(0) { $0 + $1.added.count }) new)")
            if let slurmSubmission {
                try submit(experiment, dir, options: slurmSubmission, console: console)
                return
            }
            for stage in experiment.stages()
            where try execute(dir.sweep(stage.name), stage: stage.name, workerArguments: workerArguments, console: console) {
                console.error("interrupted: workers saved their checkpoints; continue with the same command")
                throw ExitCode(130)
            }
        }
        let command = (["rectifier"] + CommandLine.arguments.dropFirst()).joined(separator: " ")
        let analysis = try dir.writeReport(experiment, provenance: .init(command: command, machine: Machine.description()))
        for t in analysis.summary.tables {
            console.line("")
            console.line(t.title)
            console.line(table(t.header, t.rows))
        }
        console.line("")
        for finding in analysis.summary.findings { console.line(finding) }
        console.line("wrote \(path)/report.md, report.html, summary.json, results.jsonl")
    }

    /// Runs a stage's unfinished runs with local workers; true when interrupted.
    func execute(_ sweep: SweepDirectory, stage: String, workerArguments: [String], console: Console) throws -> Bool {
        let workers = SweepWorkers(executable: SweepCommand.executable, jobs: jobs, threadsPerJob: threadsPerJob, retries: 2,
                                   extraArguments: workerArguments)
        let summary = try workers.run(sweep, shouldStop: { Interrupt.requested }) { SweepCommand.log($0, stage: stage, console: console) }
        return summary.interrupted
    }

    func submit(_ experiment: any Experiment, _ dir: ExperimentDirectory, options: SlurmSubmission.Options, console: Console) throws {
        for stage in experiment.stages() {
            let sweep = dir.sweep(stage.name)
            if let s = try sweep.submit(executable: SweepCommand.executable, options: options, dryRun: false), let id = s.jobID {
                console.line("\(stage.name): submitted job \(id), \(s.indices.count) runs")
            } else {
                console.line("\(stage.name): nothing to submit")
            }
        }
        console.line("when the jobs are done: rectifier reproduce \(self.experiment) --report-only (same options) writes the report")
    }
}
