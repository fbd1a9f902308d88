import ArgumentParser
import Rectifier

/// The sbatch settings `sweep submit` and `reproduce --slurm` share.
struct SlurmOptions: ParsableArguments {
    @Option(help: "Slurm partition, or a comma-separated list of them.") var partition: String?
    @Option(help: "Time limit of each task (sbatch --time: M, M:S, H:M:S, D-H, D-H:M or D-H:M:S).") var time: String?
    @Option(help: "Memory of each task (sbatch --mem, e.g. 2G).") var mem: String?
    @Option(help: "Most tasks running at once.") var maxParallel: Int?

    /// The submission options for tasks of `cpusPerTask` CPUs (and threads) with `workerArguments`;
    /// a `UsageError` naming the first value that is not in Slurm's syntax for it.
    func submission(cpusPerTask: Int, workerArguments: [String]) throws -> SlurmSubmission.Options {
        var options = SlurmSubmission.Options()
        options.partition = partition
        options.time = time
        options.memory = mem
        options.maxParallel = maxParallel
        options.cpusPerTask = cpusPerTask
        options.taskArguments = workerArguments
        try options.validate()
        return options
    }
}
