import Foundation
import Rectifier
import Testing

/// The library's run API: a specification executed into a directory, stopped and resumed with
/// the same bytes, reused when finished, refused when the directory holds another run.
@Suite(.serialized) struct RunTests {
    /// A small run on the shipped subset (1,600 training images: the other 4,400 are validation).
    static func specification(epochs: Int = 3, pretrain: Bool = false, activation: Activation = .rectifier) -> RunSpecification {
        var t = TrainingConfig()
        t.hiddenSizes = [48, 32]
        t.activation = activation
        t.epochs = epochs
        t.learningRate = 0.05
        t.seed = 11
        t.l1 = activation == .rectifier ? 0.001 : 0
        var spec = RunSpecification(data: DataReference(validation: 4_400), training: t)
        if pretrain {
            var p = PretrainingConfig()
            p.hiddenSizes = t.hiddenSizes
            p.activation = activation
            p.l1 = t.l1
            p.epochs = 2
            p.learningRates = [0.01]
            p.seed = t.seed
            spec.pretraining = p
        }
        return spec
    }

    static var options: RunOptions { RunOptions(linearAlgebra: .builtin(threads: 2), checkpointInterval: .milliseconds(1)) }

    static func bytes(_ path: String) throws -> Data { try Data(contentsOf: URL(fileURLWithPath: path)) }

    /// result.json without the fields that measure time.
    static func timeless(_ path: String) throws -> Data {
        let object = try JSONSerialization.jsonObject(with: bytes(path)) as! [String: Any]
        let kept = object.filter { !$0.key.contains("seconds") && $0.key != "pretraining" }
        return try JSONSerialization.data(withJSONObject: kept, options: .sortedKeys)
    }

    /// Runs `spec` into `dir`, stopping after `steps` steps (nil: never), and returns whether it was interrupted.
    static func run(_ spec: RunSpecification, into dir: String, stopAfter steps: Int?) throws -> RunResult? {
        var options = Self.options
        var count = 0
        options.shouldStop = { count += 1; return steps.map { count > $0 } ?? false }
        do {
            return try Run(spec, directory: dir, options: options).execute()
        } catch is RunInterrupted {
            return nil
        }
    }

    @Test func stoppedAndResumedRunHasTheBytesOfAnUninterruptedOne() throws {
        let spec = Self.specification()
        let root = TestSupport.temporaryDirectory()
        let straight = try #require(try Self.run(spec, into: root + "/straight", stopAfter: nil))
        #expect(!straight.reused && straight.training != nil && straight.specHash == spec.hash)
        // Stop mid-epoch 2 (160 steps of 10 per epoch), then continue in a new Run value.
        #expect(try Self.run(spec, into: root + "/stopped", stopAfter: 250) == nil)
        #expect(FileManager.default.fileExists(atPath: root + "/stopped/checkpoint.bin"))
        #expect(!FileManager.default.fileExists(atPath: root + "/stopped/result.json"))
        let resumed = try #require(try Self.run(spec, into: root + "/stopped", stopAfter: nil))
        #expect(!resumed.reused)
        #expect(try Self.bytes(root + "/straight/model.safetensors") == Self.bytes(root + "/stopped/model.safetensors"))
        #expect(try Self.timeless(root + "/straight/result.json") == Self.timeless(root + "/stopped/result.json"))
        #expect(resumed.training?.testError == straight.training?.testError)
    }

    @Test func aFinishedRunIsReusedAndAnotherRunIsRefused() throws {
        let spec = Self.specification(epochs: 1)
        let dir = TestSupport.temporaryDirectory() + "/run"
        let first = try #require(try Self.run(spec, into: dir, stopAfter: nil))
        let model = try Self.bytes(dir + "/model.safetensors")
        var events: [RunEvent] = []
        let again = try Run(spec, directory: dir, options: Self.options).execute { events.append($0) }
        #expect(again.reused)
        #expect(again.training == first.training, "the recorded result comes back as it was")
        #expect(events.count == 1, "nothing ran: \(events)")
        #expect(try Self.bytes(dir + "/model.safetensors") == model)
        #expect(try Run.specification(in: dir) == spec)

        var other = spec
        other.training!.learningRate = 0.02
        do {
            _ = try Run(other, directory: dir, options: Self.options).execute()
            Issue.record("a directory holding another run was used")
        } catch let e as FileError {
            #expect(e.path == dir && e.problem.contains("holds another run") && e.problem.contains("training.learning_rate: 0.05 → 0.02"), "\(e)")
        }
        // Files of a run without its record are not taken over either.
        let stray = TestSupport.temporaryDirectory()
        _ = FileManager.default.createFile(atPath: stray + "/checkpoint.bin", contents: Data([1, 2, 3]))
        #expect(throws: FileError.self) { try Run(spec, directory: stray, options: Self.options).execute() }
    }

    /// Pre-training stopped after its first layer resumes with the second, and a run stopped in
    /// fine-tuning keeps its stack: both end with the bytes of an uninterrupted run.
    @Test func aPretrainedRunResumesInEitherPhase() throws {
        let spec = Self.specification(epochs: 2, pretrain: true)
        let root = TestSupport.temporaryDirectory()
        _ = try #require(try Self.run(spec, into: root + "/straight", stopAfter: nil))
        // Pre-training steps: 160 per epoch, 2 epochs per layer: stop in layer 2.
        #expect(try Self.run(spec, into: root + "/a", stopAfter: 400) == nil)
        #expect(FileManager.default.fileExists(atPath: root + "/a/pretraining-checkpoint.safetensors"))
        #expect(!FileManager.default.fileExists(atPath: root + "/a/stack.safetensors"))
        #expect(try PretrainedStack.load(from: root + "/a/pretraining-checkpoint.safetensors").layers.count == 1)
        var events: [RunEvent] = []
        var options = Self.options
        options.shouldStop = { false }
        _ = try Run(spec, directory: root + "/a", options: options).execute { events.append($0) }
        #expect(events.contains { if case .pretrainingStarted(_, 1) = $0 { true } else { false } }, "resumed after layer 1")
        // Stopped in fine-tuning: the stack is on disk and is not trained again.
        #expect(try Self.run(spec, into: root + "/b", stopAfter: 640 + 200) == nil)
        #expect(FileManager.default.fileExists(atPath: root + "/b/stack.safetensors"))
        events = []
        _ = try Run(spec, directory: root + "/b", options: options).execute { events.append($0) }
        #expect(!events.contains { if case .pretrainingEpoch = $0 { true } else { false } })
        #expect(events.contains { if case .resumed = $0 { true } else { false } })
        for dir in ["a", "b"] {
            // (the stack's metadata records seconds, so compare its layers)
            #expect(try PretrainedStack.load(from: root + "/straight/stack.safetensors").layers
                    == PretrainedStack.load(from: root + "/\(dir)/stack.safetensors").layers)
            #expect(try Self.bytes(root + "/straight/model.safetensors") == Self.bytes(root + "/\(dir)/model.safetensors"))
            #expect(try Self.timeless(root + "/straight/result.json") == Self.timeless(root + "/\(dir)/result.json"))
        }
        let metrics = try String(contentsOfFile: root + "/a/pretrain-metrics.jsonl", encoding: .utf8)
        #expect(metrics.split(separator: "\n").count == 4, "two epochs for each of two layers, none twice")
    }

    /// tanh networks pre-train with sigmoid + cross-entropy on codes mapped to [0, 1], then fine-tune.
    @Test func tanhPretrainingEndToEnd() throws {
        var spec = Self.specification(epochs: 3, pretrain: true, activation: .tanh)
        spec.training!.learningRate = 0.1
        spec.pretraining!.learningRates = [0.05]
        #expect(spec.pretraining!.resolvedStrategy == .sigmoidCrossEntropy)
        let dir = TestSupport.temporaryDirectory() + "/tanh"
        let result = try #require(try Self.run(spec, into: dir, stopAfter: nil)?.training)
        let layers = try #require(result.pretraining)
        #expect(layers.count == 2 && layers.allSatisfy { $0.finalValidationReconstruction.isFinite })
        #expect(result.testError < 0.25, "test error \(result.testError)")
        #expect(result.meanSparsity < 0.01, "tanh units are dense")
        let stack = try PretrainedStack.load(from: dir + "/stack.safetensors")
        let model = try Network.load(from: dir + "/model.safetensors").network
        #expect(stack.layers.allSatisfy { $0.activation == .tanh } && model.architecture.activation == .tanh)
    }

    @Test func badSpecificationsAreRefusedBeforeAnythingRuns() throws {
        var spec = Self.specification()
        spec.data.dataset = "nope"
        let dir = TestSupport.temporaryDirectory() + "/bad"
        #expect(throws: UsageError.self) { try Run(spec, directory: dir, options: Self.options).execute() }
        #expect(!FileManager.default.fileExists(atPath: dir + "/config.json"))
        spec = Self.specification(pretrain: true)
        spec.initFrom = "/some/stack.safetensors"
        #expect(throws: UsageError.self) { try Run(spec, directory: nil).execute() }
    }

    /// Fields whose names hold acronyms (`testRMSE` is written `test_rmse`) are read back:
    /// Foundation's snake_case decoding alone gives `testRmse` and drops them.
    @Test func jsonFilesKeepFieldsNamedWithAcronyms() throws {
        struct Fields: Codable, Equatable {
            var testRMSE: Double?
            var trainNLL: Double
            var jobID: String
            var accuracySD: Double
            var baseURL: String
            var gemmGFLOPS: [String: Double]
            var exactPValue: Double
            var learningRate: Float
        }
        let value = Fields(testRMSE: 0.75, trainNLL: 1.5, jobID: "42", accuracySD: 0.01, baseURL: "http://x", gemmGFLOPS: ["blas": 60],
                           exactPValue: 0.03, learningRate: 0.01)
        let data = try FileIO.jsonEncoder().encode(value)
        let text = String(decoding: data, as: UTF8.self)
        #expect(["test_rmse", "train_nll", "job_id", "accuracy_sd", "base_url", "gemm_gflops", "exact_p_value"].allSatisfy { text.contains("\"\($0)\"") }, "\(text)")
        #expect(try FileIO.jsonDecoder().decode(Fields.self, from: data) == value)
    }
}
