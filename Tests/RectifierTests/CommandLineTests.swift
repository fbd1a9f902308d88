import Foundation
import Rectifier
import Testing

/// The `rectifier` executable, run as a user would: killed and resumed, interrupted, fed bad
/// options. Skipped when the executable was not built next to the tests.
@Suite(.serialized) struct CommandLineTests {
    static let executable: String? = {
        // Under `--backend auto` the tool would measure this machine on first use and keep the
        // result in the user's cache; the tests compare results across processes, so they use
        // the fixed rule (CalibrationTests checks the measured one).
        setenv("RECTIFIER_CALIBRATION", "off", 1)
        let dir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        let candidates = [dir, dir.deletingLastPathComponent()].map { $0.appendingPathComponent("rectifier").path }
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) }
    }()

    struct Output {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// Runs the tool to completion, killing it (and recording a failure) after `timeout` seconds,
    /// so a command that should have failed at once but trains instead cannot hang the suite.
    /// `environment` adds to (or replaces) variables of this process's environment.
    static func run(_ arguments: [String], environment: [String: String] = [:], timeout: Double = 900) throws -> Output {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable!)
        process.arguments = arguments
        if !environment.isEmpty {
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let watchdog = DispatchWorkItem { [process] in
            guard process.isRunning else { return }
            Issue.record("rectifier \(arguments.joined(separator: " ")) still ran after \(timeout) s: killed")
            process.interrupt()
            kill(process.processIdentifier, SIGKILL)
        }
        DispatchQueue.global().asyncAfter(deadline: .now() + timeout, execute: watchdog)
        defer { watchdog.cancel() }
        // stderr is read on another thread so that neither pipe can fill and block the tool.
        final class Box: @unchecked Sendable { var data = Data() }
        let errBox = Box()
        let readErr = DispatchGroup()
        readErr.enter()
        DispatchQueue.global().async {
            errBox.data = err.fileHandleForReading.readDataToEndOfFile()
            readErr.leave()
        }
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        readErr.wait()
        let stderr = errBox.data
        process.waitUntilExit()
        return Output(status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
                      stderr: String(decoding: stderr, as: UTF8.self))
    }

    /// Starts the tool and sends `signal` once its output contains `marker`; kills it (and
    /// records a failure) when it has not exited `timeout` seconds after starting.
    static func interrupt(_ arguments: [String], signal: Int32, after marker: String, timeout: Double = 600) throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable!)
        process.arguments = arguments
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        let watchdog = DispatchWorkItem { [process] in
            guard process.isRunning else { return }
            Issue.record("rectifier \(arguments.joined(separator: " ")) still ran after \(timeout) s: killed")
            kill(process.processIdentifier, SIGKILL)
        }
        DispatchQueue.global().asyncAfter(deadline: .now() + timeout, execute: watchdog)
        defer { watchdog.cancel() }
        var seen = ""
        while !seen.contains(marker) {
            let chunk = out.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            seen += String(decoding: chunk, as: UTF8.self)
        }
        kill(process.processIdentifier, signal)
        process.waitUntilExit()
        return process.terminationStatus
    }

    static let trainArguments = ["train", "--layers", "64,48", "--epochs", "4", "--learning-rate", "0.05", "--seed", "3",
                                 "--checkpoint-minutes", "0.002", "--backend", "builtin", "--threads", "2"]

    /// result.json without the fields that measure time.
    static func timeless(_ path: String) throws -> Data {
        let object = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as! [String: Any]
        return try JSONSerialization.data(withJSONObject: object.filter { !$0.key.contains("seconds") }, options: .sortedKeys)
    }

    /// `--help` on the tool and on every subcommand prints the help (exit 0), as does `help SUB`.
    @Test(.enabled(if: executable != nil, "needs the rectifier executable"))
    func helpIsPrintedForEverySubcommand() throws {
        let subcommands = ["demo", "train", "pretrain", "evaluate", "predict", "export", "bench", "datasets", "sweep", "reproduce", "report"]
        for arguments in [["--help"], ["help", "train"]] + subcommands.map({ [$0, "--help"] }) {
            let out = try Self.run(arguments)
            #expect(out.status == 0, "rectifier \(arguments.joined(separator: " ")): \(out.stderr)")
            #expect(out.stdout.contains("USAGE:"), "rectifier \(arguments.joined(separator: " "))")
        }
    }

    /// `rectifier` with no subcommand runs the demo: one table row per activation, the
    /// rectifier network learning and exactly sparse, the others dense. (Small layers and few
    /// epochs: the full demo is a release-build minute.)
    @Test(.enabled(if: executable != nil, "needs the rectifier executable"))
    func demoPrintsTheComparisonTable() throws {
        let out = try Self.run(["--layers", "100", "--epochs", "2", "--learning-rate", "0.05"])
        #expect(out.status == 0, "\(out.stderr)")
        var rows: [String: [String]] = [:]
        for line in out.stdout.split(separator: "\n") {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
            if let name = fields.first, ["rectifier", "softplus", "tanh"].contains(name), fields.count >= 7 {
                rows[name] = fields
            }
        }
        #expect(rows.count == 3, "\(out.stdout)")
        func percent(_ text: String) -> Double { Double(text.dropLast()) ?? .nan }
        // columns: activation, L1, test error, valid error, mean sparsity, dead units, time
        if let r = rows["rectifier"], let t = rows["tanh"] {
            #expect(r[1] == "0.001" && t[1] == "0")
            #expect(percent(r[2]) < 20, "rectifier test error \(r[2])")
            #expect(percent(r[4]) > 20, "rectifier sparsity \(r[4])")
            #expect(percent(t[4]) == 0, "tanh sparsity \(t[4])")
        }
    }

    @Test(.enabled(if: executable != nil, "needs the rectifier executable"))
    func killedAndResumedRunIsIdenticalToAnUninterruptedOne() throws {
        let dir = TestSupport.temporaryDirectory()
        let straight = try Self.run(Self.trainArguments + ["--out", dir + "/straight"])
        #expect(straight.status == 0, "\(straight.stderr)")
        // SIGKILL after the second epoch line: the last checkpoint is mid-epoch or at an epoch end.
        _ = try Self.interrupt(Self.trainArguments + ["--out", dir + "/killed"], signal: SIGKILL, after: "epoch 2 ")
        #expect(!FileManager.default.fileExists(atPath: dir + "/killed/result.json"), "the run was killed before finishing")
        let resumed = try Self.run(["train", "--resume", dir + "/killed", "--backend", "builtin", "--threads", "2"])
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(resumed.stdout.contains("resuming"))
        let a = try Data(contentsOf: URL(fileURLWithPath: dir + "/straight/model.safetensors"))
        let b = try Data(contentsOf: URL(fileURLWithPath: dir + "/killed/model.safetensors"))
        #expect(a == b, "model bytes differ")
        #expect(try Self.timeless(dir + "/straight/result.json") == Self.timeless(dir + "/killed/result.json"))
        // no temporary files are left behind
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: dir + "/killed").filter { $0.contains(".tmp") }
        #expect(leftovers.isEmpty || leftovers.allSatisfy { $0.hasPrefix(".") }, "\(leftovers)")
    }

    @Test(.enabled(if: executable != nil, "needs the rectifier executable"))
    func ctrlCSavesACheckpointAndSaysHowToResume() throws {
        let dir = TestSupport.temporaryDirectory() + "/run"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.executable!)
        process.arguments = Self.trainArguments + ["--out", dir, "--epochs", "1000", "--patience", "0"]
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        var seen = ""
        while !seen.contains("epoch 1 ") {
            let chunk = out.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            seen += String(decoding: chunk, as: UTF8.self)
        }
        kill(process.processIdentifier, SIGINT)
        let message = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 130)
        #expect(message.contains("--resume \(dir)"), "\(message)")
        #expect(FileManager.default.fileExists(atPath: dir + "/checkpoint.bin"))
        #expect(try Checkpoint.read(dir + "/checkpoint.bin").state.epoch >= 1)
    }

    @Test(.enabled(if: executable != nil, "needs the rectifier executable"),
          arguments: [
              (["train", "--activation", "swish"], "swish"),
              (["train", "--layers", "10,,5"], "--layers"),
              (["train", "--layers", "", "--pretrain"], "nothing to pre-train"),
              (["train", "--batch-size", "0"], "batch size"),
              (["train", "--learning-rate=-1"], "learning rate"),
              (["train", "--l1=-0.1"], "L1"),
              (["train", "--dataset", "cifar"], "unknown dataset"),
              (["train", "--data-dir", "/nonexistent/mnist"], "/nonexistent/mnist: no such directory"),
              (["train", "--epochs", "0"], "epochs"),
              (["train", "--label-fraction", "2"], "label fraction"),
              (["train", "--noise", "gaussian:0.1", "--layers", "8", "--epochs", "1"], "noise"),
              (["train", "--pretrain-learning-rate", "fast", "--layers", "8", "--epochs", "1"], "--pretrain-learning-rate"),
              (["reproduce", "tabel1", "--budget", "smoke"], "unknown experiment 'tabel1'"),
              (["reproduce", "table1", "--slurm", "--max-parallel", "0"], "--max-parallel must be positive"),
              (["sweep", "submit", "/tmp", "--slurm", "--max-parallel", "0"], "--max-parallel must be positive"),
              (["reproduce", "table1", "--budget", "smoke", "--slurm", "--partition", "a\nb", "--out", "/nonexistent/out"], #"--partition "a\nb""#),
              (["sweep", "run", "/tmp", "--backend", "mkl"], #"--backend "mkl" is not a GEMM backend"#),
              (["bench", "--sentiment", "--data-dir", "/tmp"], "--sentiment makes its own bag-of-words data"),
              (["reproduce", "table1", "--budget", "quick", "--data-dir", "/nonexistent/mnist", "--out", "/nonexistent/out"], "/nonexistent/mnist: no such directory"),
              (["report", "/nonexistent/dir"], "/nonexistent/dir"),
              (["train", "--resume", "/nonexistent/run"], "/nonexistent/run"),
              (["predict", "/nonexistent/model.safetensors", "/nonexistent/input"], "no such file"),
              (["pretrain", "--pretrain-epochs", "0"], "epochs"),
              (["evaluate", "/nonexistent/model.safetensors"], "no such file"),
              (["train", "--unknown-option"], "unknown-option"),
          ])
    func badInputGetsOneClearError(arguments: [String], fragment: String) throws {
        let r = try Self.run(arguments)
        #expect(r.status != 0)
        #expect(r.stderr.contains("Error"), "\(r.stderr)")
        #expect(r.stderr.contains(fragment), "expected '\(fragment)' in: \(r.stderr)")
        #expect(!r.stderr.contains("Fatal error") && !r.stderr.contains("Stack dump"))
    }

    /// An environment variable with a value it cannot take stops the tool before it does
    /// anything, in one line naming the variable and the value (they were ignored).
    @Test(.enabled(if: executable != nil, "needs the rectifier executable"),
          arguments: [
              ("RECTIFIER_MAX_FILE_BYTES", "-5"), ("RECTIFIER_MAX_FILE_BYTES", "abc"), ("RECTIFIER_MAX_FILE_BYTES", "0"),
              ("RECTIFIER_THREADS", "0"), ("RECTIFIER_THREADS", "many"), ("RECTIFIER_SPARSE_MAX_BATCH", "-1"),
              ("RECTIFIER_SPARSE_DENSITY", "2"), ("RECTIFIER_SPARSE_DENSITY", "0.5,x"), ("RECTIFIER_SPARSE_DENSITY", "0.1,0.2,0.3"),
              ("RECTIFIER_GEMM", "mkl"), ("RECTIFIER_THREAD_CHOICE", "no"), ("RECTIFIER_SPARSE", "disabled"),
              ("RECTIFIER_MAX_FILE_BYTES", "1\u{1B}[2J"),
          ])
    func invalidEnvironmentVariablesAreRefused(variable: String, value: String) throws {
        let r = try Self.run(["datasets", "list"], environment: [variable: value])
        #expect(r.status == 1)
        #expect(r.stderr.contains("\(variable)=\"\(ErrorText.escaped(value))\" is not"), "\(r.stderr)")
        #expect(r.stderr.split(separator: "\n").count == 1 && !r.stderr.contains("\u{1B}"), "\(r.stderr)")
        let fine = try Self.run(["datasets", "list"], environment: [variable: ""])
        #expect(fine.status == 0, "an empty variable is an unset one: \(fine.stderr)")
    }

    /// `bench --model` times inference on a trained network and reports its sparsity; a model
    /// that does not fit the data is refused before any timing.
    /// `bench --perturbation-level` times each batch size three times, in turn, for the full
    /// time each: clean, on NISTP-style perturbed images stored beforehand, and perturbed on the
    /// fly a batch ahead; records which is which and prints the ratios.
    @Test(.enabled(if: executable != nil, "needs the rectifier executable"))
    func benchTimesPerturbedTrainingBesideClean() throws {
        let dir = TestSupport.temporaryDirectory()
        let r = try Self.run(["bench", "--seconds", "0.3", "--batch-sizes", "10", "--perturbation-level", "0.7", "--skip-gemm",
                              "--skip-inference", "--skip-sparse-products", "--json", dir + "/bench.json"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("training, batch 10, perturbed at 0.70"), "\(r.stdout)")
        let report = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir + "/bench.json"))) as! [String: Any]
        let training = try #require(report["training"] as? [[String: Any]])
        #expect(training.count == 3 && training[0]["perturbation_level"] == nil && training[0]["perturbed_beforehand"] == nil)
        #expect(training[1...].allSatisfy { ($0["perturbation_level"] as? Double).map { abs($0 - 0.7) < 1e-6 } == true })
        #expect(training[1]["perturbed_beforehand"] as? Bool == true && training[2]["perturbed_beforehand"] as? Bool == false)
        #expect(training.allSatisfy { ($0["samples_per_second"] as? Double ?? 0) > 0 && $0["batch"] as? Int == 10 })
        #expect(training.allSatisfy { ($0["seconds"] as? Double ?? 0) >= 0.3 })
        #expect(r.stdout.contains("training, batch 10: perturbed on the fly / stored perturbed"), "\(r.stdout)")
        #expect(r.stdout.contains("training, batch 10: perturbed on the fly / clean"), "\(r.stdout)")
        let bad = try Self.run(["bench", "--perturbation-level", "2"])
        #expect(bad.status != 0 && bad.stderr.contains("--perturbation-level"))
    }

    @Test(.enabled(if: executable != nil, "needs the rectifier executable"))
    func benchTimesInferenceOnAGivenModel() throws {
        let dir = TestSupport.temporaryDirectory()
        let trained = try Self.run(["train", "--layers", "32", "--epochs", "1", "--out", dir + "/run"])
        #expect(trained.status == 0, "\(trained.stderr)")
        let model = dir + "/run/model.safetensors"
        let r = try Self.run(["bench", "--skip-training", "--skip-gemm", "--skip-sparse-products", "--model", model,
                              "--json", dir + "/bench.json"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("inference timed on \(model)"), "\(r.stdout)")
        let report = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir + "/bench.json"))) as! [String: Any]
        #expect(report["inference_model"] as? String == model)
        let sparsity = try #require(report["inference_model_sparsity"] as? Double)
        #expect(sparsity > 0 && sparsity < 1)
        let inference = try #require(report["inference"] as? [[String: Any]])
        #expect(inference.count == 4)
        #expect(inference.allSatisfy { ($0["samples_per_second"] as? Double ?? 0) > 0 })
        // --train-from starts the timed training from the model: its weights, its sparsity
        let resumed = try Self.run(["bench", "--train-from", model, "--batch-sizes", "10", "--seconds", "0.2", "--skip-inference",
                                    "--skip-gemm", "--skip-sparse-products", "--json", dir + "/from.json"])
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(resumed.stdout.contains("training started from \(model)"), "\(resumed.stdout)")
        let from = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir + "/from.json"))) as! [String: Any]
        #expect(from["training_start"] as? String == model)
        #expect(from["training_start_sparsity"] as? Double == sparsity)
        #expect((from["training"] as? [[String: Any]])?.count == 1)
        // A model for other data (12 inputs) is refused, naming the file.
        var rng = RandomSource(seed: 1)
        let net = Network(Architecture(inputSize: 12, hiddenSizes: [4], classes: 10, activation: .rectifier), rng: &rng)
        try net.save(to: dir + "/small.safetensors")
        for option in ["--model", "--train-from"] {
            let refused = try Self.run(["bench", "--skip-training", "--skip-gemm", option, dir + "/small.safetensors"])
            #expect(refused.status != 0)
            #expect(refused.stderr.contains(dir + "/small.safetensors") && refused.stderr.contains("expects 12 inputs"), "\(refused.stderr)")
        }
    }

    @Test(.enabled(if: executable != nil, "needs the rectifier executable"))
    func corruptModelFileIsNamed() throws {
        let path = TestSupport.temporaryDirectory() + "/model.safetensors"
        _ = FileManager.default.createFile(atPath: path, contents: Data((0..<1000).map { UInt8(($0 * 37) % 251) }))
        let r = try Self.run(["evaluate", path, "--data-dir", MNISTDataset.shippedSubsetDirectory, "--validation", "1000"])
        #expect(r.status != 0)
        #expect(r.stderr.contains(path))
    }

    @Test(.enabled(if: executable != nil, "needs the rectifier executable"))
    func divergedRunKeepsItsBestModelAndSaysWhy() throws {
        let dir = TestSupport.temporaryDirectory() + "/run"
        let r = try Self.run(["train", "--layers", "300,300", "--epochs", "2", "--learning-rate", "10000", "--l1", "0", "--out", dir])
        #expect(r.status != 0)
        #expect(r.stderr.contains("training diverged in epoch 1"), "\(r.stderr)")
        #expect(r.stderr.contains("learning rate"))
        let result = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir + "/result.json"))) as! [String: Any]
        #expect(result["divergence"] != nil)
        #expect(try Network.load(from: dir + "/model.safetensors").network.layers.count == 3)
    }

    static func json(_ path: String) throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as! [String: Any]
    }

    static let small = ["--layers", "32", "--epochs", "1", "--backend", "builtin", "--threads", "2"]

    /// `evaluate` measures a trained model: the same test error as the run's result, as text and JSON.
    @Test(.enabled(if: executable != nil, "needs the rectifier executable"))
    func evaluateReportsWhatTrainingMeasured() throws {
        let dir = TestSupport.temporaryDirectory() + "/run"
        let trained = try Self.run(["train"] + Self.small + ["--out", dir])
        #expect(trained.status == 0, "\(trained.stderr)")
        let result = try Self.json(dir + "/result.json")
        let testError = try #require(result["test_error"] as? Double)
        let text = try Self.run(["evaluate", dir + "/model.safetensors", "--backend", "builtin"])
        #expect(text.status == 0, "\(text.stderr)")
        #expect(text.stdout.contains("test error: \(String(format: "%.2f", testError * 100))%"), "\(text.stdout)")
        #expect(text.stdout.contains("784-32-10 rectifier"))
        let json = try Self.run(["evaluate", dir + "/model.safetensors", "--backend", "builtin", "--json"])
        #expect(json.status == 0, "\(json.stderr)")
        let report = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as! [String: Any]
        let evaluation = try #require(report["evaluation"] as? [String: Any])
        #expect(evaluation["error_rate"] as? Double == testError)
        #expect(evaluation["examples"] as? Int == 2000)
        #expect(report["seed"] as? String == "1")
    }

    /// A model of another architecture (12 inputs) is refused by `evaluate`, naming the file and the mismatch.
    @Test(.enabled(if: executable != nil, "needs the rectifier executable"))
    func evaluateRefusesAModelOfAnotherShape() throws {
        let path = TestSupport.temporaryDirectory() + "/small.safetensors"
        var rng = RandomSource(seed: 1)
        try Network(Architecture(inputSize: 12, hiddenSizes: [4], classes: 10, activation: .rectifier), rng: &rng).save(to: path)
        let r = try Self.run(["evaluate", path, "--data-dir", MNISTDataset.shippedSubsetDirectory, "--validation", "1000"])
        #expect(r.status != 0)
        #expect(r.stderr.contains(path) && r.stderr.contains("expects 12 inputs") && r.stderr.contains("has 784"), "\(r.stderr)")
        #expect(!r.stderr.contains("Fatal error"))
    }

    /// `pretrain` saves a stack; `train --init-from` fine-tunes it (and refuses a stack of another
    /// shape); `train --pretrain` does both in one run.
    @Test(.enabled(if: executable != nil, "needs the rectifier executable"))
    func pretrainingThroughTheCommandLine() throws {
        let dir = TestSupport.temporaryDirectory()
        let pre = ["--pretrain-epochs", "1", "--pretrain-learning-rate", "0.01"]
        let stacked = try Self.run(["pretrain", "--layers", "32", "--out", dir + "/stack", "--backend", "builtin"] + pre)
        #expect(stacked.status == 0, "\(stacked.stderr)")
        #expect(stacked.stdout.contains("layer 1 epoch 1"))
        let stackResult = try Self.json(dir + "/stack/result.json")
        #expect((stackResult["layers"] as? [Any])?.count == 1)
        let fine = try Self.run(["train"] + Self.small + ["--init-from", dir + "/stack/stack.safetensors", "--out", dir + "/fine"])
        #expect(fine.status == 0, "\(fine.stderr)")
        let fineResult = try Self.json(dir + "/fine/result.json")
        #expect((fineResult["test_error"] as? Double ?? 1) < 0.5)
        let stack = try PretrainedStack.load(from: dir + "/stack/stack.safetensors")
        let untouched = try Network.load(from: dir + "/fine/model.safetensors").network
        #expect(untouched.layers[0] != stack.layers[0], "fine-tuning changed the pre-trained layer")
        let wrong = try Self.run(["train", "--layers", "40", "--epochs", "1", "--init-from", dir + "/stack/stack.safetensors"])
        #expect(wrong.status != 0 && wrong.stderr.contains("784-32 rectifier stack"), "\(wrong.stderr)")
        let both = try Self.run(["train"] + Self.small + ["--pretrain", "--out", dir + "/both"] + pre)
        #expect(both.status == 0, "\(both.stderr)")
        let bothResult = try Self.json(dir + "/both/result.json")
        #expect((bothResult["pretraining"] as? [Any])?.count == 1)
        #expect(FileManager.default.fileExists(atPath: dir + "/both/stack.safetensors"))
        #expect(FileManager.default.fileExists(atPath: dir + "/both/pretrain-metrics.jsonl"))
    }

    /// Text pre-training defaults to the paper's text reconstruction (sigmoid + cross-entropy of
    /// the bag of words) and reports each layer's noise and L1; `--input-dropout` reaches the
    /// recorded training configuration.
    @Test(.enabled(if: executable != nil, "needs the rectifier executable"))
    func textPretrainingAndInputDropoutThroughTheCommandLine() throws {
        let data = try TextPipelineTests.amazon()
        let dir = TestSupport.temporaryDirectory()
        let text = ["--dataset", "amazon-sentiment", "--data-dir", data, "--domain", "books", "--vocabulary", "60", "--layers", "8,8"]
        let pre = try Self.run(["pretrain"] + text + ["--noise", "0.8,0.3", "--pretrain-l1", "0.0001,0.001", "--pretrain-epochs", "1",
                                                       "--pretrain-learning-rate", "0.01", "--out", dir + "/stack"])
        #expect(pre.status == 0, "\(pre.stderr)")
        #expect(pre.stdout.contains("sigmoid-cross-entropy, noise salt-and-pepper:0.8,masking:0.3, L1 0.0001,0.001"), "\(pre.stdout)")
        let explicit = try Self.run(["pretrain"] + text + ["--reconstruction", "softplus-quadratic", "--pretrain-epochs", "1",
                                                            "--pretrain-learning-rate", "0.01"])
        #expect(explicit.status == 0 && explicit.stdout.contains("softplus-quadratic"), "\(explicit.stdout)")
        let dropout = try Self.run(["train"] + text + ["--epochs", "1", "--input-dropout", "0.25", "--out", dir + "/dropout"])
        #expect(dropout.status == 0, "\(dropout.stderr)")
        let config = try Self.json(dir + "/dropout/config.json")
        let training = (config["specification"] as? [String: Any])?["training"] as? [String: Any]
        #expect(training?["input_dropout"] as? Double == 0.25, "\(config)")
        let bad = try Self.run(["train"] + text + ["--epochs", "1", "--input-dropout", "1"])
        #expect(bad.status != 0 && bad.stderr.contains("input dropout"), "\(bad.stderr)")
    }

    /// `--refit` retrains on training + validation data and saves that model too;
    /// `--on-divergence reduce-lr` backs off a learning rate that diverges and finishes.
    @Test(.enabled(if: executable != nil, "needs the rectifier executable"))
    func refitAndReduceLearningRate() throws {
        let dir = TestSupport.temporaryDirectory()
        let refit = try Self.run(["train", "--layers", "32", "--epochs", "2", "--refit", "--out", dir + "/refit"])
        #expect(refit.status == 0, "\(refit.stderr)")
        #expect(refit.stdout.contains("refit on 6000 examples"), "\(refit.stdout)")
        let result = try Self.json(dir + "/refit/result.json")
        let r = try #require(result["refit"] as? [String: Any])
        #expect(r["examples"] as? Int == 6000 && r["epochs"] as? Int == result["best_epoch"] as? Int)
        #expect(FileManager.default.fileExists(atPath: dir + "/refit/model-refit.safetensors"))
        let reduced = try Self.run(["train", "--layers", "300,300", "--epochs", "1", "--learning-rate", "10000", "--l1", "0",
                                    "--on-divergence", "reduce-lr", "--out", dir + "/reduced"])
        #expect(reduced.status == 0, "\(reduced.stderr)")
        #expect(reduced.stderr.contains("--on-divergence reduce-lr: back to the start of epoch 1"), "\(reduced.stderr)")
        let metrics = try String(contentsOfFile: dir + "/reduced/metrics.jsonl", encoding: .utf8)
        let line = try JSONSerialization.jsonObject(with: Data(metrics.split(separator: "\n")[0].utf8)) as! [String: Any]
        #expect((line["learning_rate"] as? Double ?? 1e9) < 10000)
    }

    /// `predict` classifies IDX images and text rows: one JSON line each, probabilities that sum
    /// to one, the same classes as the library; a row of the wrong width is refused with its line.
    @Test(.enabled(if: executable != nil, "needs the rectifier executable"))
    func predictWritesOneLinePerExample() throws {
        let dir = TestSupport.temporaryDirectory()
        #expect(try Self.run(["train"] + Self.small + ["--out", dir + "/run"]).status == 0)
        let model = dir + "/run/model.safetensors"
        let test = try MNISTDataset.loadShippedSubset().test.slice(0..<5)
        let pixels = test.inputs.densified().storage.map { UInt8(($0 * 255).rounded()) }
        try Data(IDXArray(shape: [5, 28, 28], bytes: pixels).encoded()).write(to: URL(fileURLWithPath: dir + "/five.idx"))
        let r = try Self.run(["predict", model, dir + "/five.idx", "--backend", "builtin"])
        #expect(r.status == 0, "\(r.stderr)")
        let lines = r.stdout.split(separator: "\n").map { try! JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
        #expect(lines.count == 5)
        let network = try Network.load(from: model).network
        let p = network.probabilities(for: test.inputs, using: .builtin(threads: 1))
        for (i, line) in lines.enumerated() {
            let probabilities = try #require(line["probabilities"] as? [Double])
            #expect(line["index"] as? Int == i && probabilities.count == 10)
            #expect(abs(probabilities.reduce(0, +) - 1) < 1e-4)
            let best = p.row(i).indices.max { p.row(i)[$0] < p.row(i)[$1] }! - p.row(i).startIndex
            #expect(line["class"] as? Int == best)
            #expect(line["label"] as? String == String(best))
        }
        let row = test.inputs.row(0).map { String($0) }.joined(separator: ",")
        try (row + "\n" + row + "\n").write(toFile: dir + "/rows.csv", atomically: true, encoding: .utf8)
        let csv = try Self.run(["predict", model, dir + "/rows.csv"])
        #expect(csv.status == 0 && csv.stdout.split(separator: "\n").count == 2, "\(csv.stderr)")
        try "1,2,3\n".write(toFile: dir + "/bad.csv", atomically: true, encoding: .utf8)
        let bad = try Self.run(["predict", model, dir + "/bad.csv"])
        #expect(bad.status != 0 && bad.stderr.contains(dir + "/bad.csv: line 1: 3 values, the model expects 784"), "\(bad.stderr)")
    }

    /// The same command on a finished run does nothing and prints its result; other settings on
    /// that directory are refused.
    @Test(.enabled(if: executable != nil, "needs the rectifier executable"))
    func rerunningIsIdempotentAndAnotherRunIsRefused() throws {
        let dir = TestSupport.temporaryDirectory() + "/run"
        let first = try Self.run(["train"] + Self.small + ["--out", dir])
        #expect(first.status == 0, "\(first.stderr)")
        let model = try Data(contentsOf: URL(fileURLWithPath: dir + "/model.safetensors"))
        let again = try Self.run(["train"] + Self.small + ["--out", dir])
        #expect(again.status == 0, "\(again.stderr)")
        #expect(again.stdout.contains("already finished") && !again.stdout.contains("train err"), "\(again.stdout)")
        let testLine = { (out: String) in out.split(separator: "\n").first { $0.hasPrefix("test error") } }
        #expect(testLine(again.stdout) != nil && testLine(again.stdout) == testLine(first.stdout))
        #expect(try Data(contentsOf: URL(fileURLWithPath: dir + "/model.safetensors")) == model)
        let other = try Self.run(["train"] + Self.small + ["--learning-rate", "0.02", "--out", dir])
        #expect(other.status != 0)
        #expect(other.stderr.contains("\(dir): holds another run"), "\(other.stderr)")
    }
}
