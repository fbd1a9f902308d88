import Foundation
import Rectifier
import Testing

/// One process per run directory and per sweep plan: `DirectoryLock`, and the commands that
/// hold it, with real second processes.
@Suite(.serialized) struct DirectoryLockTests {
    typealias CLI = CommandLineTests

    @Test func aSecondHolderIsRefusedUntilTheFirstReleases() throws {
        let dir = TestSupport.temporaryDirectory()
        #expect(!DirectoryLock.isHeld(dir), "no lock file yet")
        let first = try DirectoryLock(dir)
        #expect(DirectoryLock.isHeld(dir))
        // Another descriptor of this very process is refused too, naming the holder.
        do {
            _ = try DirectoryLock(dir)
            Issue.record("a second lock was granted")
        } catch let e as DirectoryInUse {
            #expect(e.holder?.pid == getpid())
            #expect(e.description.hasPrefix("\(dir): in use by process \(getpid()) (started "), "\(e)")
        }
        first.release()
        #expect(!DirectoryLock.isHeld(dir))
        let again = try DirectoryLock(dir)
        #expect(DirectoryLock.isHeld(dir))
        again.release()
        // Trying the lock (`isHeld`) does not stand in the way of the next owner.
        #expect(!DirectoryLock.isHeld(dir))
        try DirectoryLock.holding(dir) { #expect(DirectoryLock.isHeld(dir)) }
    }

    /// Starts `rectifier ARGUMENTS` and reads its standard output until it holds `marker`.
    static func start(_ arguments: [String], until marker: String) throws -> (Process, seen: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: CLI.executable!)
        process.arguments = arguments
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        var seen = ""
        while !seen.contains(marker) {
            let chunk = out.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            seen += String(decoding: chunk, as: UTF8.self)
        }
        return (process, seen)
    }

    static func seed(_ configPath: String) throws -> Int? {
        let record = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: configPath))) as? [String: Any]
        return ((record?["specification"] as? [String: Any])?["training"] as? [String: Any])?["seed"] as? Int
    }

    /// `train --out D` while another `train --out D` runs: refused with one line naming the
    /// first process, which goes on with its own settings in D.
    @Test(.enabled(if: CLI.executable != nil, "needs the rectifier executable"))
    func aSecondTrainingInOneDirectoryIsRefused() throws {
        let dir = TestSupport.temporaryDirectory() + "/run"
        let arguments = ["train", "--layers", "64", "--epochs", "1000", "--patience", "0", "--backend", "builtin", "--threads", "1",
                         "--out", dir]
        // The data line comes after the run has taken its directory.
        let (first, seen) = try Self.start(arguments + ["--seed", "1"], until: "data:")
        defer { if first.isRunning { kill(first.processIdentifier, SIGKILL) } }
        #expect(seen.contains("data:"), "\(seen)")
        let second = try CLI.run(arguments + ["--seed", "2"], timeout: 300)
        #expect(second.status == 1)
        #expect(second.stderr.contains("\(dir): in use by process \(first.processIdentifier) (started "), "\(second.stderr)")
        #expect(second.stderr.split(separator: "\n").count == 1, "one line: \(second.stderr)")
        #expect(first.isRunning, "the first run goes on")
        kill(first.processIdentifier, SIGINT)
        first.waitUntilExit()
        #expect(first.terminationStatus == 130)
        #expect(try Self.seed(dir + "/config.json") == 1, "config.json is the first run's")
        #expect(try Checkpoint.read(dir + "/checkpoint.bin").config.seed == 1)
        #expect(!DirectoryLock.isHeld(dir), "Ctrl-C released it")
    }

    /// A run killed with SIGKILL leaves its lock to the kernel, which frees it: the run is
    /// taken up again (and resumes) without any cleaning.
    @Test(.enabled(if: CLI.executable != nil, "needs the rectifier executable"))
    func aKilledHoldersLockIsFree() throws {
        let dir = TestSupport.temporaryDirectory() + "/run"
        let (child, _) = try Self.start(CLI.trainArguments + ["--out", dir, "--epochs", "1000", "--patience", "0"], until: "epoch 1 ")
        defer { if child.isRunning { kill(child.processIdentifier, SIGKILL) } }
        #expect(DirectoryLock.isHeld(dir))
        let holder = DirectoryLock.Holder(pid: child.processIdentifier, host: ProcessInfo.processInfo.hostName, started: try Self.started(dir))
        #expect(throws: DirectoryInUse(directory: dir, holder: holder)) { _ = try DirectoryLock(dir) }
        kill(child.processIdentifier, SIGKILL)
        child.waitUntilExit()
        #expect(child.terminationReason == .uncaughtSignal)
        #expect(!DirectoryLock.isHeld(dir))
        try DirectoryLock.holding(dir) {}
    }

    static func started(_ dir: String) throws -> String {
        let holder = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir + "/" + DirectoryLock.fileName)))
        return (holder as? [String: Any])?["started"] as? String ?? ""
    }
}

/// Every other writer of an owned directory: pre-training alone, cross-validation, downloads.
@Suite struct OtherOwnersTests {
    @Test func pretrainingCrossValidationAndDownloadsAreRefusedToo() throws {
        let dir = TestSupport.temporaryDirectory()
        var training = TrainingConfig()
        training.hiddenSizes = [8]
        var pretrainingConfig = PretrainingConfig()
        pretrainingConfig.hiddenSizes = [8]
        let pretraining = RunSpecification(data: DataReference(), pretraining: pretrainingConfig, training: nil)
        var folds = RunSpecification(training: training)
        folds.data.folds = 2
        let file = RemoteFile(name: "x.bin", size: 1)
        try DirectoryLock.holding(dir) {
            #expect(throws: DirectoryInUse.self) { try Run(pretraining, directory: dir).execute() }
            #expect(throws: DirectoryInUse.self) { try CrossValidation(folds, directory: dir).execute() }
            #expect(throws: DirectoryInUse.self) {
                try Downloader().download(file, from: URL(string: "http://127.0.0.1:9/x.bin")!, into: dir)
            }
        }
        #expect(!FileManager.default.fileExists(atPath: dir + "/" + RunDirectory.recordFile), "nothing was written")
    }
}

/// Sweeps: a run is claimed by its directory's lock, not by a pid in a file.
@Suite(.serialized) struct SweepClaimTests {
    typealias CLI = CommandLineTests

    static func planned(_ text: String) throws -> SweepDirectory {
        let root = TestSupport.temporaryDirectory()
        let dir = SweepDirectory(root + "/sweep")
        try text.write(toFile: root + "/s.toml", atomically: true, encoding: .utf8)
        _ = try dir.plan(try SweepSpecification.read(root + "/s.toml"), from: root + "/s.toml", specification: SweepTests.specification)
        return dir
    }

    /// The old claim file named a pid; a live process that is not the run's (here: this test
    /// process) made the run look running forever.
    @Test func aRunIsRunningOnlyWhileItsLockIsHeld() throws {
        let dir = try Self.planned("[grid]\nlearning-rate = [0.1, 0.05]")
        let stale = #"{"host": "\#(ProcessInfo.processInfo.hostName)", "pid": \#(getpid())}"#
        try stale.write(toFile: dir.runPath(0) + "/running.json", atomically: true, encoding: .utf8)
        #expect(dir.status(0) == .planned(resumable: false))
        try DirectoryLock.holding(dir.runPath(0)) {
            #expect(dir.status(0) == .running)
            // A task on a held run is refused, and that is no failure of the run.
            #expect(throws: DirectoryInUse.self) { try dir.runTask(0, options: RunOptions(linearAlgebra: .builtin(threads: 1))) }
            #expect(!FileManager.default.fileExists(atPath: dir.runPath(0) + "/failure.json"))
            // Slurm's queue still counts, for tasks not started yet.
            #expect(dir.status(1, activeSlurmTasks: [1]) == .running)
        }
        #expect(dir.status(0) == .planned(resumable: false))
    }

    /// A damaged run.json or slurm/jobs.json is an error naming the file (a raw DecodingError
    /// before, for a task and a submission).
    @Test func damagedSweepRecordsAreNamed() throws {
        let dir = try Self.planned("[grid]\nlearning-rate = [0.1]")
        try "{}".write(toFile: dir.runPath(0) + "/run.json", atomically: true, encoding: .utf8)
        #expect { try dir.record(0) } throws: { error in
            (error as? FileError)?.description.hasPrefix(dir.runPath(0) + "/run.json: not a sweep run record") == true
        }
        try FileManager.default.createDirectory(atPath: dir.slurmPath, withIntermediateDirectories: true)
        try "[{}]".write(toFile: dir.slurmPath + "/jobs.json", atomically: true, encoding: .utf8)
        #expect { try dir.slurmJobs() } throws: { error in
            (error as? FileError)?.description.hasPrefix(dir.slurmPath + "/jobs.json: not a list of submitted Slurm jobs") == true
        }
    }

    /// A plan (or submission) owns the sweep directory; replanning removes no run a process holds.
    @Test func planningOwnsTheSweepAndSparesHeldRuns() throws {
        let dir = try Self.planned("[grid]\nlearning-rate = [0.1, 0.05]")
        let file = TestSupport.temporaryDirectory() + "/s.toml"
        try "[grid]\nlearning-rate = [0.1]".write(toFile: file, atomically: true, encoding: .utf8)
        let spec = try SweepSpecification.read(file)
        try DirectoryLock.holding(dir.path) {
            #expect(throws: DirectoryInUse.self) { try dir.plan(spec, from: file, specification: SweepTests.specification) }
        }
        try DirectoryLock.holding(dir.runPath(1)) {
            do {
                _ = try dir.plan(spec, from: file, specification: SweepTests.specification)
                Issue.record("a held run was removed")
            } catch let e as FileError {
                #expect(e.problem.contains("run 0001") && e.problem.contains("is running"), "\(e)")
            }
        }
        #expect(try dir.records().count == 2)
        #expect(try dir.plan(spec, from: file, specification: SweepTests.specification).removed == [1])
    }

    /// `sweep run` with a stale `running.json` naming a live process (this test's) runs the run.
    @Test(.enabled(if: CLI.executable != nil, "needs the rectifier executable"))
    func aStaleClaimFileDoesNotStopSweepRun() throws {
        let root = TestSupport.temporaryDirectory()
        try "[base]\nlayers = \"16\"\nepochs = 1\n[grid]\nseed = [1]".write(toFile: root + "/s.toml", atomically: true, encoding: .utf8)
        let plan = try CLI.run(["sweep", "plan", root + "/s.toml", "--out", root + "/sweep"])
        #expect(plan.status == 0, "\(plan.stderr)")
        for pid in [getpid(), 1] {
            let stale = #"{"host": "\#(ProcessInfo.processInfo.hostName)", "pid": \#(pid)}"#
            try stale.write(toFile: root + "/sweep/runs/0000/running.json", atomically: true, encoding: .utf8)
            let status = try CLI.run(["sweep", "status", root + "/sweep"])
            #expect(status.stdout.contains("1 runs: 1 planned, 0 running"), "\(status.stdout)")
        }
        let run = try CLI.run(["sweep", "run", root + "/sweep", "--jobs", "1", "--backend", "builtin"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("1 finished, 0 failed"), "\(run.stdout)")
    }
}

/// The temporary files of a writer killed before its rename are removed by the next owner of
/// the directory (they were left forever, and a replan kept them).
@Suite struct LeftoverTemporaryTests {
    @Test func replanningRemovesAKilledPlansTemporaries() throws {
        let dir = try SweepClaimTests.planned("[grid]\nlearning-rate = [0.1, 0.05]")
        let stale = [dir.runPath(0) + "/.run.json.tmp-99999", dir.runPath(1) + "/.run.json.tmp-1", dir.path + "/.sweep.toml.tmp-42"]
        let kept = [dir.runPath(0) + "/.notes.tmp-x", dir.runPath(0) + "/run.json.tmp-5", dir.path + "/.sweep.toml.tmp-"]
        for path in stale + kept { _ = FileManager.default.createFile(atPath: path, contents: Data([1])) }
        let file = TestSupport.temporaryDirectory() + "/s.toml"
        try "[grid]\nlearning-rate = [0.1, 0.05]".write(toFile: file, atomically: true, encoding: .utf8)
        let report = try dir.plan(try SweepSpecification.read(file), from: file, specification: SweepTests.specification)
        #expect(report.added.isEmpty && report.runs.count == 2)
        #expect(stale.allSatisfy { !FileManager.default.fileExists(atPath: $0) })
        #expect(kept.allSatisfy { FileManager.default.fileExists(atPath: $0) })
    }

    @Test func aRunRemovesAKilledRunsTemporaries() throws {
        let dir = TestSupport.temporaryDirectory() + "/run"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let stale = [dir + "/.checkpoint.bin.tmp-4242", dir + "/.metrics.jsonl.tmp-7"]
        for path in stale { _ = FileManager.default.createFile(atPath: path, contents: Data(count: 1000)) }
        var training = TrainingConfig()
        training.hiddenSizes = [8]
        training.epochs = 1
        _ = try Run(RunSpecification(training: training), directory: dir, options: RunOptions(linearAlgebra: .builtin(threads: 1))).execute()
        #expect(stale.allSatisfy { !FileManager.default.fileExists(atPath: $0) })
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir).allSatisfy { !$0.contains(".tmp-") })
    }
}
