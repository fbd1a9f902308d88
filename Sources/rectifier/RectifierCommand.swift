import ArgumentParser
import Rectifier

@main
struct RectifierCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rectifier",
        abstract: "Train, pre-train and study deep sparse rectifier networks (Glorot, Bordes & Bengio, 2011).",
        discussion: """
            With no subcommand, runs a short demo on the MNIST subset shipped with the package. \
            Matrix products use the built-in AVX-512 kernel on CPUs that have it, else OpenBLAS when \
            installed; RECTIFIER_GEMM=builtin or =blas forces a backend, RECTIFIER_THREADS=n sets \
            the thread count, RECTIFIER_THREAD_CHOICE=off keeps small-minibatch steps on all \
            threads, RECTIFIER_SPARSE=off disables the sparse kernels for dense inputs, \
            RECTIFIER_SPARSE_MAX_BATCH=n and RECTIFIER_SPARSE_DENSITY=f[,b] move their crossover \
            (see docs/performance.md), RECTIFIER_MAX_FILE_BYTES=n bounds the size of any file read. \
            A variable set to a value it cannot take is refused before anything runs.
            """,
        version: "0.1.0",
        subcommands: [Demo.self, Train.self, Pretrain.self, Evaluate.self, Predict.self, Export.self, Bench.self, DatasetsCommand.self, SweepCommand.self, Reproduce.self, ReportCommand.self],
        defaultSubcommand: Demo.self)

    /// Refuses to start with an environment variable set to a value it cannot take (one line,
    /// exit status 1), then parses and runs the command as ArgumentParser's `main` does, with
    /// one difference: the message of an error the command throws is printed with its control
    /// characters escaped, so no file content quoted in it reaches the terminal as an escape
    /// sequence (the readers escape what they quote; this also covers any that does not).
    static func main() {
        if let invalid = ProcessEnvironment.current.invalid { exit(withError: invalid) }
        var command: any ParsableCommand
        do {
            command = try parseAsRoot()
        } catch {
            exit(withError: error)
        }
        do {
            try command.run()
        } catch let error as ExitCode {
            exit(withError: error)
        } catch let error as CleanExit {
            exit(withError: error)
        } catch let error as ValidationError {
            exit(withError: error)
        } catch where exitCode(for: error) == .success {
            // `--help` and `help SUBCOMMAND` parse into ArgumentParser's help command, whose
            // `run` throws the request: ArgumentParser prints the help text.
            exit(withError: error)
        } catch {
            exit(withError: PrintableError(error))
        }
    }
}

/// An error whose message is another's with its control characters escaped.
struct PrintableError: Error, CustomStringConvertible {
    let description: String

    init(_ error: any Error) { description = ErrorText.escaped(String(describing: error)) }
}
