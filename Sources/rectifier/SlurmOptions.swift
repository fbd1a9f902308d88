import ArgumentParser
import Rectifier

/// The sbatch settings `sweep submit` and `reproduce --slurm` share.
struct SlurmOptions: ParsableArguments {
    @Option(help: "Slurm partition.") var partition: String?
    @Option(help: "Time limit of each task (sbatch --time).") var time: String?
    @Option(help: "Memory of each task (sbatch --mem, e.g. 2G).") var mem: String?
    @Option(help: "Most tasks running at once.") var maxParallel: Int?

    func validate() throws {
        if let maxParallel, maxParallel <= 0 { throw ValidationError("--max-parallel must be positive") }
    }

    /// The submission options for tasks of `cpusPerTask` CPUs (and threads) on `backend`.
    func submission(cpusPerTask: Int, backend: String) -> SlurmSubmission.Options {
        var options = SlurmSubmission.Options()
        options.partition = partition
        options.time = time
        options.memory = mem
        options.maxParallel = maxParallel
        options.cpusPerTask = cpusPerTask
        options.taskArguments = ["--backend", backend]
        return options
    }
}
