import Foundation

/// Runs a sweep's unfinished runs on this machine: `jobs` worker processes at a time, each
/// `EXECUTABLE sweep task DIR INDEX` (the same command a Slurm array task runs), so a worker
/// that crashes takes down only its run, which is tried again.
public struct SweepWorkers {
    /// The `rectifier` executable the workers run.
    public var executable: String
    /// Worker processes at a time.
    public var jobs: Int
    /// `--threads` of each worker.
    public var threadsPerJob: Int
    /// Further attempts of a run whose worker failed or crashed.
    public var retries: Int
    /// More arguments for every worker (e.g. `--backend builtin`).
    public var extraArguments: [String] = []

    public init(executable: String, jobs: Int, threadsPerJob: Int, retries: Int, extraArguments: [String] = []) {
        self.executable = executable
        self.jobs = max(1, jobs)
        self.threadsPerJob = max(1, threadsPerJob)
        self.retries = max(0, retries)
        self.extraArguments = extraArguments
    }

    /// What the workers report.
    public enum Event: Sendable {
        case started(index: Int, attempt: Int)
        case finished(index: Int, status: SweepDirectory.Status, seconds: Double)
        case retrying(index: Int, reason: String)
    }

    /// How a `run` call ended.
    public struct Summary: Sendable {
        public var finished: [Int] = []
        public var failed: [Int] = []
        /// True when `shouldStop` stopped the workers (their runs checkpointed and can resume).
        public var interrupted = false
    }

    /// Runs every run of `sweep` that is not finished, failed by divergence, or held by another
    /// process (another `sweep run` too: each run is left to the first that takes it); returns
    /// when all are done or, after `shouldStop`, when the workers have stopped.
    public func run(_ sweep: SweepDirectory, shouldStop: () -> Bool = { false },
                    events: (Event) -> Void = { _ in }) throws -> Summary {
        func wanted(_ index: Int) -> Bool {
            switch sweep.status(index) {
            case .finished, .running: false
            case .failed(let message, _): !message.hasPrefix("training diverged")
            case .planned: true
            }
        }
        var queue: [Int] = try sweep.records().map(\.index).filter(wanted)
        var attempts: [Int: Int] = [:]
        var active: [(index: Int, process: Process, started: ContinuousClock.Instant)] = []
        var summary = Summary()
        let clock = ContinuousClock()
        var stopping = false
        // Once stopping, the queue is left as it is: only the running workers are waited for.
        while (!stopping && !queue.isEmpty) || !active.isEmpty {
            if !stopping && shouldStop() {
                stopping = true
                summary.interrupted = true
                for worker in active where worker.process.isRunning { kill(worker.process.processIdentifier, SIGINT) }
            }
            while !stopping && active.count < jobs && !queue.isEmpty {
                let index = queue.removeFirst()
                // Asked again: another process may have taken or finished it since.
                guard wanted(index) else { continue }
                attempts[index, default: 0] += 1
                let process = try launch(sweep, index)
                active.append((index, process, clock.now))
                events(.started(index: index, attempt: attempts[index]!))
            }
            if let done = active.firstIndex(where: { !$0.process.isRunning }) {
                let worker = active.remove(at: done)
                let status = worker.process.terminationStatus
                let crashed = worker.process.terminationReason == .uncaughtSignal
                if crashed, let lock = try? DirectoryLock(sweep.runPath(worker.index)) {
                    // Under the run's lock, as every writer of its directory (unless another
                    // process has taken the run up since).
                    try? sweep.recordFailure(worker.index, message: "the worker was killed by signal \(status)")
                    lock.release()
                }
                let state = sweep.status(worker.index)
                if status == 0 && !crashed {
                    if case .failed = state { summary.failed.append(worker.index) } else { summary.finished.append(worker.index) }
                } else if status == 130 || stopping {
                    // Stopped by Ctrl-C after its checkpoint: resumable, not a failure.
                } else if case .running = state {
                    // Another process took the run between our look and the worker's start
                    // (the worker was refused): it is that process's to finish.
                } else if attempts[worker.index]! <= retries, case .failed(let message, _) = state, !message.hasPrefix("training diverged") {
                    events(.retrying(index: worker.index, reason: message))
                    queue.append(worker.index)
                    continue
                } else {
                    summary.failed.append(worker.index)
                }
                events(.finished(index: worker.index, status: state, seconds: (clock.now - worker.started).seconds))
            } else {
                Thread.sleep(forTimeInterval: 0.02)
            }
        }
        return summary
    }

    private func launch(_ sweep: SweepDirectory, _ index: Int) throws -> Process {
        let log = sweep.runPath(index) + "/task.log"
        if !FileManager.default.fileExists(atPath: log) { _ = FileManager.default.createFile(atPath: log, contents: nil) }
        let handle: FileHandle
        do {
            handle = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        } catch {
            throw FileError(log, "cannot be opened for the worker's output: \(FileIO.reason(error))")
        }
        handle.seekToEndOfFile()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = ["sweep", "task", sweep.path, String(index), "--threads", String(threadsPerJob)] + extraArguments
        process.standardOutput = handle
        process.standardError = handle
        process.standardInput = FileHandle.nullDevice
        do { try process.run() } catch {
            throw FileError(executable, "cannot start a worker: \(FileIO.reason(error))")
        }
        return process
    }
}
