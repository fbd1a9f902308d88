import Foundation
import Rectifier
import Testing

/// Sweep files, their expansion into runs, planning into a directory, and collection.
@Suite struct SweepTests {
    static func parse(_ text: String) throws -> SweepSpecification { try SweepSpecification.parse(text, path: "s.toml") }

    static let example = """
        seed = 7
        count = 3
        [base]
        dataset = "mnist"
        layers = [40, 30]
        epochs = 1
        [grid]
        learning-rate = [0.1, 0.01]
        seed = [1, 2]
        [zip]
        activation = ["rectifier", "tanh"]
        momentum = [0.0, 0.5]
        [random]
        l1 = { uniform = [0.0, 0.01] }
        """

    @Test func aSweepFileExpandsIntoEveryCombination() throws {
        let spec = try Self.parse(Self.example)
        #expect(spec.seed == 7 && spec.count == 3)
        #expect(spec.base["layers"] == .string("40,30"), "a list of whole numbers is a layer list")
        let runs = spec.expand()
        #expect(runs.count == 3 * 2 * 2 * 2)
        #expect(Set(runs.map(\.options)).count == runs.count, "every run differs")
        // zipped axes vary together; grid axes in key order, the last fastest
        #expect(runs.allSatisfy { ($0.axes["activation"] == .string("tanh")) == ($0.axes["momentum"] == .double(0.5)) })
        #expect(runs[0].axes["learning-rate"] == .double(0.1) && runs[0].axes["seed"] == .int(1))
        #expect(runs[2].axes["seed"] == .int(2) && runs[2].axes["learning-rate"] == .double(0.1))
        let l1 = runs.compactMap { $0.axes["l1"]?.number }
        #expect(Set(l1).count == 3 && l1.allSatisfy { $0 >= 0 && $0 < 0.01 })
        #expect(try Self.parse(Self.example).expand() == runs, "the same file gives the same runs")
        #expect(runs[0].arguments.contains("--layers") && runs[0].arguments.contains("40,30"))
        let other = try Self.parse(Self.example.replacingOccurrences(of: "seed = 7", with: "seed = 8")).expand()
        #expect(other.map { $0.axes["l1"] } != runs.map { $0.axes["l1"] }, "the sweep's seed draws the random axes")
    }

    @Test func logUniformAndChoiceDrawFromTheirRanges() throws {
        let spec = try Self.parse("""
            count = 400
            [random]
            l1 = { log-uniform = [1e-5, 1e-2] }
            activation = { choice = ["rectifier", "softplus"] }
            seed = { integer = [1, 3] }
            """)
        let runs = spec.expand()
        let l1 = runs.compactMap { $0.axes["l1"]?.number }
        #expect(l1.allSatisfy { $0 >= 1e-5 && $0 <= 1e-2 })
        let logs = l1.map { log10($0) }
        let below = logs.filter { $0 < -3.5 }.count
        #expect(below > 150 && below < 250, "log-uniform: half the draws below the geometric middle, got \(below)")
        let choices = runs.compactMap { $0.axes["activation"] }
        #expect(Set(choices) == [.string("rectifier"), .string("softplus")])
        #expect(Set(runs.compactMap { $0.axes["seed"] }) == [.int(1), .int(2), .int(3)])
    }

    @Test(arguments: [
        ("bogus = 1", "unknown key \"bogus\""),
        ("[grid]\nl1 = []", "[grid] l1 is empty"),
        ("count = 0\n[random]\nl1 = { uniform = [0, 1] }", "count must be at least 1"),
        ("count = 2\n[random]\nl1 = { uniform = [0.5, 0.1] }", "min 0.5 > max 0.1"),
        ("count = 2\n[random]\nl1 = { gaussian = [0, 1] }", "unknown distribution 'gaussian'"),
        ("[random]\nl1 = { uniform = [0, 1] }", "needs count"),
        ("count = 3", "draws nothing"),
        ("[base]\nout = \"x\"", "[base] out: sets how a run executes"),
        ("[base]\nl1 = 0.1\n[grid]\nl1 = [0.2]", "'l1' is both in [base] and swept"),
        ("[zip]\nl1 = [0.1, 0.2]\nseed = [1]", "[zip] seed has 1 values"),
        ("[grid\nl1 = 1", "line 1"),
        // Found by fuzzing: toml++ aborted the process on a non-ASCII character where a key starts.
        ("[\u{FFFD}ase]\nepochs = 2", "line 1: a non-ASCII character outside quotes"),
        ("[base]\nepochs = 2\n# é in a comment\nl1 = 0.1\n[grid]\né = [1]", "line 6: a non-ASCII"),
        ("[base]\nx = \"\"\"\né\n\"\"\"\ny = 'é'\nz = \"\\\"é\"\n[grid]\né = [1]", "line 8: a non-ASCII"),
        ("[base]\nepochs = 2\n[= { log-uniform = [1e-5, 1e-2] }", "line 3: a key must start"),
        ("[base]\nl1 = { a = 1, = 2 }", "line 2: a key must start"),
        ("[base]\na. = 1", "line 2: a key must start"),
        ("[[base]]\n[base.]", "line 2: a key must start"),
        ("seed = [}}b6\ncount = 1", "line 1: a value is missing before '}'"),
        ("[grid]\nl1 = [0.1, , 0.2]", "line 2: a value is missing before ','"),
        ("seed = 7\n[#r}o", "line 2: a key is missing before the comment"),
        ("seed = 7\n[\rrect]", "line 2: a key must start"),
        ("[base]\nl1 =\nepochs = 2", "line 2: a value is missing before the end of the line"),
    ])
    func badSweepFilesAreRefusedNamingTheKey(text: String, fragment: String) {
        do {
            _ = try Self.parse(text)
            Issue.record("accepted: \(text)")
        } catch let e as FileError {
            #expect(e.path == "s.toml" && e.problem.contains(fragment), "\(e)")
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }

    /// A stand-in for the command line's option parser: the learning rate and seed of each run.
    static func specification(_ run: PlannedRun) throws -> RunSpecification {
        var t = TrainingConfig()
        t.hiddenSizes = [8]
        t.epochs = 1
        if let lr = run.options["learning-rate"]?.number { t.learningRate = Float(lr) }
        if let seed = run.options["seed"]?.number { t.seed = UInt64(seed) }
        if run.options["bad"] != nil { throw UsageError("unknown option '--bad'") }
        return RunSpecification(training: t)
    }

    @Test func replanningKeepsRunsAndAddsNewOnes() throws {
        let dir = SweepDirectory(TestSupport.temporaryDirectory() + "/sweep")
        let file = TestSupport.temporaryDirectory() + "/s.toml"
        func plan(_ text: String) throws -> SweepDirectory.PlanReport {
            try text.write(toFile: file, atomically: true, encoding: .utf8)
            return try dir.plan(try SweepSpecification.read(file), from: file, specification: Self.specification)
        }
        let first = try plan("[grid]\nlearning-rate = [0.1, 0.01]\nseed = [1, 2]")
        #expect(first.runs.map(\.index) == [0, 1, 2, 3] && first.added == [0, 1, 2, 3])
        #expect(FileManager.default.fileExists(atPath: dir.path + "/runs/0003/run.json"))
        let again = try plan("[grid]\nlearning-rate = [0.1, 0.01]\nseed = [1, 2]")
        #expect(again.added.isEmpty && again.runs == first.runs)
        let more = try plan("[grid]\nlearning-rate = [0.1, 0.01, 0.001]\nseed = [1, 2]")
        #expect(more.added == [4, 5] && more.runs.count == 6)
        #expect(Set(more.runs.map(\.hash)).isSuperset(of: first.runs.map(\.hash)))
        // A started run that the new plan changes is refused, naming the option.
        try "{}".write(toFile: dir.runPath(0) + "/metrics.jsonl", atomically: true, encoding: .utf8)
        do {
            _ = try plan("[base]\nepochs = 1\n[grid]\nlearning-rate = [0.2, 0.01, 0.001]\nseed = [1, 2]")
            Issue.record("a started run was replanned")
        } catch let e as FileError {
            #expect(e.problem.contains("run 0000 has started") && e.problem.contains("learning-rate: 0.1 → 0.2"), "\(e)")
        }
        #expect(try dir.records().count == 6, "nothing was written by the refused plan")
        // A run whose specification cannot be made is refused before anything is written.
        #expect(throws: FileError.self) { try plan("[grid]\nbad = [1]\nlearning-rate = [0.1]") }
    }

    @Test func collectListsEveryRunAndItsState() throws {
        let dir = SweepDirectory(TestSupport.temporaryDirectory() + "/sweep")
        let file = TestSupport.temporaryDirectory() + "/s.toml"
        try "[grid]\nlearning-rate = [0.1, 0.05, 0.01]".write(toFile: file, atomically: true, encoding: .utf8)
        _ = try dir.plan(try SweepSpecification.read(file), from: file, specification: Self.specification)
        let la = LinearAlgebra.builtin(threads: 1)
        _ = try dir.runTask(0, options: RunOptions(linearAlgebra: la))
        try dir.recordFailure(2, message: "something broke, \"badly\"")
        let rows = try dir.collect()
        #expect(rows.map(\.status) == ["finished", "planned", "failed"])
        #expect(rows[0].testError != nil && rows[0].sparsityPerLayer?.count == 1 && rows[1].testError == nil)
        #expect(rows[2].message == "something broke, \"badly\"")
        try dir.writeResults(rows)
        let csv = try String(contentsOfFile: dir.path + "/results.csv", encoding: .utf8).split(separator: "\n")
        #expect(csv.count == 4 && csv[0].hasPrefix("index,status,learning-rate,validation_error,test_error"))
        #expect(csv[3].hasSuffix("\"something broke, \"\"badly\"\"\""), "\(csv[3])")
        let jsonl = try String(contentsOfFile: dir.path + "/results.jsonl", encoding: .utf8).split(separator: "\n")
        #expect(jsonl.count == 3)
        // A task on a finished run does nothing and returns its result.
        #expect(try dir.runTask(0, options: RunOptions(linearAlgebra: la)).reused)
        #expect(throws: FileError.self) { try dir.record(7) }
    }

    @Test func slurmScriptsListTheUnfinishedRuns() throws {
        #expect(SlurmSubmission.arrayRanges([0, 1, 2, 3, 5, 8, 9]) == "0-3,5,8-9")
        var options = SlurmSubmission.Options()
        options.partition = "gpu"
        options.maxParallel = 4
        options.memory = "2G"
        let script = try SlurmSubmission.script(for: SweepDirectory("/shared/sweep"), indices: [1, 2, 4], executable: "/opt/rectifier",
                                                options: options)
        #expect(script.contains("#SBATCH --array=1-2,4%4\n") && script.contains("#SBATCH --requeue\n"))
        #expect(script.contains("#SBATCH --partition=gpu\n") && script.contains("#SBATCH --mem=2G\n"))
        #expect(script.contains("exec '/opt/rectifier' sweep task '/shared/sweep' \"$SLURM_ARRAY_TASK_ID\""))
        #expect(script.contains("#SBATCH --output=\"/shared/sweep/slurm/task-%A_%a.out\"\n"))
    }

    /// Values that would add a line (a command) to the sbatch script, or that sbatch would not
    /// take, are refused naming the option; every one of Slurm's own forms is taken.
    @Test(arguments: [
        ("partition", "debug\ntouch /tmp/pwned"), ("partition", "gpu;touch x"), ("partition", "$(touch x)"), ("partition", "a b"),
        ("partition", ""), ("partition", "gpu,,cpu"), ("partition", "gpu\r"),
        ("time", "1:00\ntouch /tmp/pwned"), ("time", "`touch x`"), ("time", "1-2-3"), ("time", "1:2:3:4"), ("time", "1-"),
        ("time", "1h"), ("time", ""),
        ("mem", "2G\ntouch /tmp/pwned"), ("mem", "0"), ("mem", "-1"), ("mem", "2X"), ("mem", "G"), ("mem", "2 G"), ("mem", "'2G'"),
    ])
    func slurmSettingsOutsideSlurmsSyntaxAreRefused(option: String, value: String) throws {
        var options = SlurmSubmission.Options()
        switch option {
        case "partition": options.partition = value
        case "time": options.time = value
        default: options.memory = value
        }
        do {
            _ = try SlurmSubmission.script(for: SweepDirectory("/shared/sweep"), indices: [0], executable: "/opt/rectifier", options: options)
            Issue.record("--\(option) \(value) made a script")
        } catch let e as UsageError {
            #expect(e.message.hasPrefix("--\(option) \""), "\(e)")
            #expect(!e.message.contains("\n") && !e.message.contains("\r"), "the message is one line: \(e)")
        }
    }

    @Test func slurmsOwnFormsAreTaken() throws {
        for (partition, time, memory) in [("gpu", "30", "512"), ("gpu,debug_2.a-b", "30:00", "2G"), ("a", "1:30:00", "16g"),
                                          ("b", "2-0", "1T"), ("c", "2-12:00", "100K"), ("d", "2-12:00:00", "3M"), ("e", "UNLIMITED", "1")] {
            var options = SlurmSubmission.Options()
            options.partition = partition
            options.time = time
            options.memory = memory
            let script = try SlurmSubmission.script(for: SweepDirectory("/s"), indices: [0], executable: "/r", options: options)
            #expect(script.contains("#SBATCH --partition=\(partition)\n#SBATCH --time=\(time)\n#SBATCH --mem=\(memory)\n"))
        }
        var counts = SlurmSubmission.Options()
        counts.cpusPerTask = 0
        #expect(throws: UsageError.self) { try counts.validate() }
        counts.cpusPerTask = 1
        counts.maxParallel = 0
        #expect(throws: UsageError.self) { try counts.validate() }
        counts.maxParallel = nil
        counts.taskArguments = ["--backend", "builtin\nid"]
        #expect(throws: UsageError.self) { try counts.validate() }
    }

    /// A sweep directory (and executable) whose path holds spaces, quotes, `$(...)` and
    /// backquotes: the script passes it to the task literally, and runs nothing it holds. A
    /// line break is refused.
    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/bin/bash"), "needs bash to run the script"))
    func slurmScriptsQuoteEveryPath() throws {
        let root = TestSupport.temporaryDirectory()
        let dir = root + "/my sweep 'q' \"dq\" $(touch injected) `touch injected2` ; touch injected3 # 100%"
        // The "executable" prints its arguments, one per line.
        let executable = root + "/bin 'x' $(touch injected4)"
        try "#!/bin/sh\nfor a in \"$@\"; do printf '%s\\n' \"$a\"; done\n".write(toFile: executable, atomically: true, encoding: .utf8)
        chmod(executable, 0o755)
        var options = SlurmSubmission.Options()
        options.taskArguments = ["--backend", "builtin"]
        let script = try SlurmSubmission.script(for: SweepDirectory(dir), indices: [3], executable: executable, options: options)
        let lines = script.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.count == 10 && lines.last == "", "\(script)")
        #expect(!lines.contains { $0.hasPrefix("touch") || $0.contains("\ntouch") })
        // sbatch reads #SBATCH lines itself: double quotes, backslash escapes, %% for a literal %.
        #expect(script.contains(#"#SBATCH --output="\#(root)/my sweep 'q' \"dq\" $(touch injected) `touch injected2` ; touch injected3 # 100%%/slurm/task-%A_%a.out""#),
                "\(script)")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = ["-c", script]
        process.currentDirectoryURL = URL(fileURLWithPath: root)
        process.environment = ["SLURM_ARRAY_TASK_ID": "3", "SLURM_CPUS_PER_TASK": "2", "SLURM_ARRAY_JOB_ID": "77", "PATH": "/usr/bin:/bin"]
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        let printed = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(printed.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
                == ["sweep", "task", dir[...], "3", "--threads", "2", "--slurm-job", "77_3", "--backend", "builtin"], "\(printed)")
        let created = try FileManager.default.contentsOfDirectory(atPath: root).filter { $0.hasPrefix("injected") }
        #expect(created.isEmpty, "the script ran \(created)")
        for bad in ["/shared/a\ntouch x/sweep", "/shared/a\u{1B}[2J", "/shared/a\\b"] {
            #expect(throws: UsageError.self, "\(bad)") {
                try SlurmSubmission.script(for: SweepDirectory(bad), indices: [0], executable: "/r", options: options)
            }
        }
        #expect(throws: UsageError.self) {
            try SlurmSubmission.script(for: SweepDirectory("/s"), indices: [0], executable: "/r\nid", options: options)
        }
    }
}
