import Foundation
import Rectifier
import Testing

/// Sweeps through the `rectifier` executable: local workers, failures, and a real Slurm
/// (started by `scripts/slurm-local.sh`, as CI does) running the same runs as job arrays.
@Suite(.serialized) struct SweepCommandLineTests {
    typealias CLI = CommandLineTests

    static let spec = """
        [base]
        layers = "24"
        epochs = 2
        batch-size = 20
        [grid]
        learning-rate = [0.1, 0.05, 0.02]
        seed = [1, 2]
        """

    /// A sweep directory planned from `text`.
    static func planned(_ text: String = spec) throws -> String {
        let root = TestSupport.temporaryDirectory()
        try text.write(toFile: root + "/sweep.toml", atomically: true, encoding: .utf8)
        let plan = try CLI.run(["sweep", "plan", root + "/sweep.toml", "--out", root + "/sweep"])
        #expect(plan.status == 0, "\(plan.stderr)")
        return root + "/sweep"
    }

    static func modelTensors(_ path: String) throws -> [String: SafeTensors.Tensor] {
        try SafeTensors.read(path).tensors
    }

    @Test(.enabled(if: CLI.executable != nil, "needs the rectifier executable"))
    func localWorkersRunEveryRunOnceAndCollectTheTable() throws {
        let dir = try Self.planned()
        let run = try CLI.run(["sweep", "run", dir, "--jobs", "2", "--threads-per-job", "1", "--backend", "builtin"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("6 finished, 0 failed"), "\(run.stdout)")
        let status = try CLI.run(["sweep", "status", dir])
        #expect(status.stdout.contains("6 runs: 0 planned, 0 running, 6 finished, 0 failed"), "\(status.stdout)")
        let collect = try CLI.run(["sweep", "collect", dir])
        #expect(collect.status == 0, "\(collect.stderr)")
        let csv = try String(contentsOfFile: dir + "/results.csv", encoding: .utf8).split(separator: "\n")
        #expect(csv.count == 7 && csv[0].hasPrefix("index,status,learning-rate,seed,validation_error"))
        #expect(csv.dropFirst().allSatisfy { $0.contains(",finished,") })
        // A second run has nothing to do.
        let again = try CLI.run(["sweep", "run", dir, "--jobs", "2"])
        #expect(again.stdout.contains("0 finished, 0 failed") && !again.stdout.contains("started"), "\(again.stdout)")
        // A task of a finished run reuses its result.
        let task = try CLI.run(["sweep", "task", dir, "3"])
        #expect(task.status == 0 && task.stdout.contains("already finished"), "\(task.stdout)")
    }

    /// Ctrl-C stops the workers after their checkpoints and `sweep run` exits at once, leaving
    /// the runs it had not started planned; running it again finishes them all.
    @Test(.enabled(if: CLI.executable != nil, "needs the rectifier executable"))
    func ctrlCStopsTheWorkersAndARerunFinishes() throws {
        let dir = try Self.planned(Self.spec.replacingOccurrences(of: "epochs = 2", with: "epochs = 30"))
        let status = try CLI.interrupt(["sweep", "run", dir, "--jobs", "1", "--backend", "builtin"], signal: SIGINT,
                                       after: "run 0000 started")
        #expect(status == 130)
        let after = try CLI.run(["sweep", "status", dir])
        #expect(after.stdout.contains("0 running") && !after.stdout.contains("6 finished"), "\(after.stdout)")
        let rerun = try CLI.run(["sweep", "run", dir, "--jobs", "2", "--backend", "builtin"])
        #expect(rerun.status == 0, "\(rerun.stderr)")
        let done = try CLI.run(["sweep", "status", dir])
        #expect(done.stdout.contains("6 finished"), "\(done.stdout)")
    }

    @Test(.enabled(if: CLI.executable != nil, "needs the rectifier executable"))
    func aFailingRunIsRecordedAndTheOthersGoOn() throws {
        let dir = try Self.planned("""
            [base]
            layers = "300,300"
            epochs = 1
            l1 = 0.0
            [grid]
            learning-rate = [10000.0, 0.05]
            """)
        let run = try CLI.run(["sweep", "run", dir, "--jobs", "2", "--retries", "1"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("1 finished, 1 failed"), "\(run.stdout)")
        let status = try CLI.run(["sweep", "status", dir])
        #expect(status.stdout.contains("1 finished, 1 failed") && status.stdout.contains("run 0000 failed: training diverged"), "\(status.stdout)")
        let bad = try CLI.run(["sweep", "plan", "/nonexistent.toml", "--out", dir])
        #expect(bad.status != 0 && bad.stderr.contains("/nonexistent.toml: no such file"))
        let root = TestSupport.temporaryDirectory()
        try "[grid]\nlearning-rat = [0.1]".write(toFile: root + "/s.toml", atomically: true, encoding: .utf8)
        let unknown = try CLI.run(["sweep", "plan", root + "/s.toml", "--out", root + "/out"])
        #expect(unknown.status != 0 && unknown.stderr.contains("learning-rat"), "\(unknown.stderr)")
        #expect(!FileManager.default.fileExists(atPath: root + "/out/runs"), "nothing planned")
    }

    /// The sweep files shipped in sweeps/ plan: 200 and 12 networks, the same data path.
    @Test(.enabled(if: CLI.executable != nil, "needs the rectifier executable"))
    func theShippedSweepFilesPlan() throws {
        for (file, count) in [("figure3-mnist.toml", 200), ("figure3-mnist-small.toml", 12)] {
            let dir = TestSupport.temporaryDirectory() + "/sweep"
            let r = try CLI.run(["sweep", "plan", TestSupport.projectRoot.path + "/sweeps/" + file, "--out", dir])
            #expect(r.status == 0 && r.stdout.contains("\(count) runs planned"), "\(file): \(r.stdout) \(r.stderr)")
            let record = try SweepDirectory(dir).record(0)
            #expect(record.specification.data.directory == TestSupport.projectRoot.appendingPathComponent("../shared/data/mnist").standardized.path)
            #expect(record.specification.training?.hiddenSizes == [1000, 1000, 1000])
            let l1 = try SweepDirectory(dir).records().compactMap { $0.specification.training?.l1 }
            #expect(l1.allSatisfy { $0 >= 0 && $0 <= 0.01 } && Set(l1).count == count)
        }
    }

    /// `sweep submit --dry-run` with a value that would add a command to the script: refused
    /// in one line naming the option, no script written; a sweep directory with spaces and
    /// shell syntax in its path gets a script with the path quoted.
    @Test(.enabled(if: CLI.executable != nil, "needs the rectifier executable"))
    func submittedScriptsTakeNoInjectedCommand() throws {
        let dir = try Self.planned()
        for (option, value) in [("--partition", "debug\ntouch /tmp/pwned"), ("--time", "1:00\ntouch /tmp/pwned"),
                                ("--mem", "2G\ntouch /tmp/pwned"), ("--backend", "auto\ntouch /tmp/pwned")] {
            let r = try CLI.run(["sweep", "submit", dir, "--slurm", "--dry-run", option, value])
            #expect(r.status == 1)
            #expect(r.stderr.contains("\(option) \"") && r.stderr.contains(#"\ntouch"#), "\(r.stderr)")
            #expect(r.stderr.split(separator: "\n").count == 1 && r.stdout.isEmpty, "\(r.stderr)\(r.stdout)")
            #expect(!FileManager.default.fileExists(atPath: dir + "/slurm/submit.sbatch"))
        }
        let root = TestSupport.temporaryDirectory() + "/a b $(touch x) `id` 'q'"
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        try Self.spec.write(toFile: root + "/sweep.toml", atomically: true, encoding: .utf8)
        #expect(try CLI.run(["sweep", "plan", root + "/sweep.toml", "--out", root + "/sweep"]).status == 0)
        let dry = try CLI.run(["sweep", "submit", root + "/sweep", "--slurm", "--dry-run", "--partition", "gpu", "--time", "1-00:00"])
        #expect(dry.status == 0, "\(dry.stderr)")
        #expect(dry.stdout.contains(" sweep task '\(root.replacingOccurrences(of: "'", with: #"'\''"#))/sweep' \"$SLURM_ARRAY_TASK_ID\""),
                "\(dry.stdout)")
        #expect(dry.stdout.split(separator: "\n").count == 11, "\(dry.stdout)")
    }

    /// A directory that cannot be created (here: under a file, which even root cannot do) is
    /// one line naming it and the system's reason, not Foundation's error dump.
    @Test(.enabled(if: CLI.executable != nil, "needs the rectifier executable"))
    func directoriesThatCannotBeMadeAreNamed() throws {
        let root = TestSupport.temporaryDirectory()
        try Self.spec.write(toFile: root + "/sweep.toml", atomically: true, encoding: .utf8)
        _ = FileManager.default.createFile(atPath: root + "/file", contents: Data())
        for (arguments, message) in [
            (["sweep", "plan", root + "/sweep.toml", "--out", root + "/file/sweep"], root + "/file/sweep: cannot create the sweep directory: Not a directory"),
            (["train", "--layers", "8", "--out", root + "/file/run"], root + "/file/run: cannot create the run directory: Not a directory"),
            (["reproduce", "table1", "--budget", "smoke", "--out", root + "/file/out"], root + "/file/out: cannot create the experiment directory: Not a directory"),
            (["sweep", "status", root + "/nothing"], root + "/nothing: no such sweep directory"),
            (["sweep", "submit", root + "/nothing", "--slurm", "--dry-run"], root + "/nothing: holds no planned runs"),
        ] {
            let r = try CLI.run(arguments)
            #expect(r.status == 1)
            #expect(r.stderr.contains(message) && r.stderr.split(separator: "\n").count == 1, "\(r.stderr)")
        }
    }

    // MARK: Slurm

    /// Whether Slurm is installed and a local cluster can be started (root, slurm-wlm, munge).
    static let slurm: Bool = {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/sbatch"), getuid() == 0, CLI.executable != nil else { return false }
        let start = Process()
        start.executableURL = URL(fileURLWithPath: TestSupport.projectRoot.path + "/scripts/slurm-local.sh")
        start.arguments = ["start"]
        start.standardOutput = FileHandle.nullDevice
        start.standardError = FileHandle.nullDevice
        // Bounded: a start that hangs skips the Slurm tests instead of hanging the suite.
        let exited = DispatchSemaphore(value: 0)
        start.terminationHandler = { _ in exited.signal() }
        guard (try? start.run()) != nil else { return false }
        guard exited.wait(timeout: .now() + 180) == .success else {
            start.terminate()
            return false
        }
        return start.terminationStatus == 0
    }()

    /// Waits until Slurm has no pending or running task of `job` (at most `seconds`).
    static func wait(for job: String, seconds: Double = 600) throws {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            let q = Process()
            q.executableURL = URL(fileURLWithPath: "/usr/bin/squeue")
            q.arguments = ["-h", "-j", job]
            let out = Pipe()
            q.standardOutput = out
            q.standardError = FileHandle.nullDevice
            try q.run()
            let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            q.waitUntilExit()
            if text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { return }
            Thread.sleep(forTimeInterval: 0.5)
        }
        Issue.record("Slurm job \(job) did not finish in \(seconds) s")
    }

    static func submit(_ dir: String) throws -> String {
        let r = try CLI.run(["sweep", "submit", dir, "--slurm", "--cpus-per-task", "1", "--max-parallel", "2", "--backend", "builtin"])
        #expect(r.status == 0, "\(r.stderr)")
        let words = r.stdout.split(separator: " ")
        return try #require(words.firstIndex(of: "job").map { String(words[$0 + 1].dropLast()) }, "\(r.stdout)")
    }

    @Test(.enabled(if: slurm, "needs Slurm (apt-get install slurm-wlm munge) and root to start a local cluster"))
    func aSlurmArrayGivesTheRunsOfLocalWorkers() throws {
        let slurmDir = try Self.planned()
        let localDir = try Self.planned()
        let dry = try CLI.run(["sweep", "submit", slurmDir, "--slurm", "--dry-run", "--max-parallel", "2"])
        #expect(dry.stdout.contains("#SBATCH --array=0-5%2"), "\(dry.stdout)")
        let job = try Self.submit(slurmDir)
        let local = try CLI.run(["sweep", "run", localDir, "--jobs", "2", "--threads-per-job", "1", "--backend", "builtin"])
        #expect(local.status == 0, "\(local.stderr)")
        try Self.wait(for: job)
        let collect = try CLI.run(["sweep", "collect", slurmDir])
        #expect(collect.status == 0 && !collect.stdout.contains("not finished"), "\(collect.stdout)")
        for i in 0..<6 {
            let name = SweepDirectory.name(i)
            #expect(try Self.modelTensors("\(slurmDir)/runs/\(name)/model.safetensors")
                    == Self.modelTensors("\(localDir)/runs/\(name)/model.safetensors"), "run \(name)")
        }
        let log = try String(contentsOfFile: "\(slurmDir)/slurm/task-\(job)_0.out", encoding: .utf8)
        #expect(log.contains("test error"), "\(log)")
        let nothing = try CLI.run(["sweep", "submit", slurmDir, "--slurm"])
        #expect(nothing.stdout.contains("nothing to submit"))
    }

    /// Slurm itself reads the quoted paths of the script: a sweep directory with spaces,
    /// quotes, shell syntax and a percent sign gets its task's output file and its result.
    @Test(.enabled(if: slurm, "needs Slurm (apt-get install slurm-wlm munge) and root to start a local cluster"))
    func slurmRunsASweepWhosePathNeedsQuoting() throws {
        let root = TestSupport.temporaryDirectory() + "/a b 'q' \"dq\" $(touch x) 100%"
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        try Self.spec.replacingOccurrences(of: "seed = [1, 2]", with: "seed = [1]")
            .replacingOccurrences(of: "learning-rate = [0.1, 0.05, 0.02]", with: "learning-rate = [0.1]")
            .write(toFile: root + "/sweep.toml", atomically: true, encoding: .utf8)
        let plan = try CLI.run(["sweep", "plan", root + "/sweep.toml", "--out", root + "/sweep"])
        #expect(plan.status == 0, "\(plan.stderr)")
        let job = try Self.submit(root + "/sweep")
        try Self.wait(for: job)
        let log = try String(contentsOfFile: "\(root)/sweep/slurm/task-\(job)_0.out", encoding: .utf8)
        #expect(log.contains("test error"), "\(log)")
        #expect(SweepDirectory(root + "/sweep").status(0) == .finished)
        #expect(!FileManager.default.fileExists(atPath: root + "/x"), "nothing in the path ran")
    }

    @Test(.enabled(if: slurm, "needs Slurm (apt-get install slurm-wlm munge) and root to start a local cluster"))
    func aCancelledArrayTaskResumesFromItsCheckpoint() throws {
        let longer = Self.spec.replacingOccurrences(of: "epochs = 2", with: "epochs = 12")
            .replacingOccurrences(of: "seed = [1, 2]", with: "seed = [1]")
        let dir = try Self.planned(longer)
        let reference = try Self.planned(longer)
        let job = try Self.submit(dir)
        // Cancel task 1 once it has finished an epoch (its first checkpoint is on disk).
        let metrics = "\(dir)/runs/0001/metrics.jsonl"
        let deadline = Date().addingTimeInterval(300)
        while Date() < deadline, ((try? String(contentsOfFile: metrics, encoding: .utf8))?.split(separator: "\n").count ?? 0) < 1 {
            Thread.sleep(forTimeInterval: 0.1)
        }
        let cancel = Process()
        cancel.executableURL = URL(fileURLWithPath: "/usr/bin/scancel")
        cancel.arguments = ["\(job)_1"]
        try cancel.run()
        cancel.waitUntilExit()
        try Self.wait(for: job)
        let status = try CLI.run(["sweep", "status", dir])
        #expect(status.stdout.contains("2 finished") && status.stdout.contains("1 planned") && status.stdout.contains("1 resumable"),
                "\(status.stdout)")
        let second = try Self.submit(dir)
        try Self.wait(for: second)
        let log = try String(contentsOfFile: "\(dir)/slurm/task-\(second)_1.out", encoding: .utf8)
        #expect(log.contains("resuming"), "the resubmitted task continued its checkpoint: \(log)")
        let local = try CLI.run(["sweep", "run", reference, "--jobs", "2", "--backend", "builtin"])
        #expect(local.status == 0, "\(local.stderr)")
        for i in 0..<3 {
            let name = SweepDirectory.name(i)
            #expect(try Self.modelTensors("\(dir)/runs/\(name)/model.safetensors")
                    == Self.modelTensors("\(reference)/runs/\(name)/model.safetensors"), "run \(name)")
        }
        let epochs = try String(contentsOfFile: metrics, encoding: .utf8).split(separator: "\n")
            .map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }.map { $0["epoch"] as! Int }
        #expect(epochs == Array(1...12), "no epoch lost or repeated: \(epochs)")
    }
}
