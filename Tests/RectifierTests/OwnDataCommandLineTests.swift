import Foundation
import Rectifier
import Testing

/// Your own data and your own networks through the command line: the data a command uses is
/// the data named (never a silent fallback), models carry their preprocessing and data, runs
/// can grow, PyTorch files go in and out.
@Suite(.serialized, .enabled(if: CommandLineTests.executable != nil, "needs the rectifier executable beside the tests"))
struct OwnDataCommandLineTests {
    static func run(_ arguments: [String]) throws -> CommandLineTests.Output { try CommandLineTests.run(arguments, timeout: 300) }
    static let small = ["--layers", "16", "--epochs", "3", "--backend", "builtin", "--threads", "1"]

    /// `--data-file` alone trains on that file, and says so; it never falls back to MNIST.
    @Test func aDataFileIsTheDataUsed() throws {
        let path = TableAndArrayTests.unscaledTable()
        let out = try Self.run(["train", "--data-file", path] + Self.small)
        #expect(out.status == 0, "\(out.stderr)")
        #expect(out.stdout.contains("data: csv (\(path))") && !out.stdout.contains("mnist"), "\(out.stdout)")
        let unknown = try Self.run(["train", "--data-file", path + ".parquet"] + Self.small)
        #expect(unknown.status != 0 && unknown.stderr.contains("cannot tell the dataset") && unknown.stderr.contains("--dataset"))
    }

    /// An option the dataset does not read is refused, naming it.
    @Test func optionsTheDatasetDoesNotReadAreRefused() throws {
        let path = TableAndArrayTests.unscaledTable()
        let out = try Self.run(["train", "--data-file", path, "--folds", "5", "--domain", "books"] + Self.small)
        #expect(out.status != 0 && out.stderr.contains("--domain is not an option of the csv dataset"), "\(out.stderr)")
        let mnist = try Self.run(["train", "--folds", "5"] + Self.small)
        #expect(mnist.status != 0 && mnist.stderr.contains("--folds is not an option of the mnist dataset"), "\(mnist.stderr)")
    }

    /// Only with no data option at all is the shipped subset used, and then the output says so.
    @Test func theShippedSubsetOnlyWithoutDataOptions() throws {
        let out = try Self.run(["train"] + Self.small + ["--epochs", "1"])
        #expect(out.status == 0 && out.stdout.contains("shipped subset") && out.stdout.contains("no data option given"), "\(out.stdout)")
        let dir = TestSupport.temporaryDirectory()
        let named = try Self.run(["train", "--dataset", "mnist", "--data-dir", dir + "/nowhere"] + Self.small)
        #expect(named.status != 0 && named.stderr.contains(dir + "/nowhere"), "\(named.stderr)")
    }

    /// MNIST-named IDX files of another size are not split as MNIST silently.
    @Test func otherIDXFilesSuggestTheIDXDataset() throws {
        let dir = TestSupport.temporaryDirectory()
        for file in try FileManager.default.contentsOfDirectory(atPath: MNISTDataset.shippedSubsetDirectory) {
            try FileManager.default.copyItem(atPath: MNISTDataset.shippedSubsetDirectory + "/" + file, toPath: dir + "/" + file)
        }
        let out = try Self.run(["train", "--data-dir", dir] + Self.small)
        #expect(out.status != 0 && out.stderr.contains("6000 training images") && out.stderr.contains("--dataset idx"), "\(out.stderr)")
        let idx = try Self.run(["train", "--dataset", "idx", "--data-dir", dir] + Self.small + ["--epochs", "1"])
        #expect(idx.status == 0 && idx.stdout.contains("5000 training / 1000 validation / 2000 test"), "\(idx.stdout)\(idx.stderr)")
    }

    /// evaluate and predict use the data and preprocessing the model records; data of another
    /// dataset is refused before any work; a header picks the table's columns.
    @Test func modelsCarryTheirDataAndPreprocessing() throws {
        let path = TableAndArrayTests.unscaledTable()
        let dir = TestSupport.temporaryDirectory() + "/run"
        let train = try Self.run(["train", "--data-file", path, "--out", dir] + Self.small)
        #expect(train.status == 0, "\(train.stderr)")
        let result = try JSONSerialization.jsonObject(with: Data(FileIO.read(dir + "/result.json"))) as! [String: Any]
        let evaluated = try Self.run(["evaluate", dir + "/model.safetensors", "--json"])
        #expect(evaluated.status == 0, "\(evaluated.stderr)")
        let report = try JSONSerialization.jsonObject(with: Data(evaluated.stdout.utf8)) as! [String: Any]
        #expect((report["evaluation"] as! [String: Any])["error_rate"] as! Double == result["test_error"] as! Double)
        let other = try Self.run(["evaluate", dir + "/model.safetensors", "--dataset", "mnist"])
        #expect(other.status != 0 && other.stderr.contains("was trained on csv") && other.stderr.contains("mnist"), "\(other.stderr)")
        // The table's own rows, label column and all, are read by the header's names and standardised.
        let predict = try Self.run(["predict", dir + "/model.safetensors", path])
        #expect(predict.status == 0, "\(predict.stderr)")
        let rows = try NumericTable.read(path)
        let model = try Model.load(dir + "/model.safetensors")
        let p = model.network.probabilities(for: model.prepared(.dense(rows.features)), using: .builtin(threads: 1))
        let lines = predict.stdout.split(separator: "\n")
        #expect(lines.count == rows.labels.count)
        for (r, line) in lines.enumerated().prefix(20) {
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: Any]
            let probabilities = (object["probabilities"] as! [Double]).map(Float.init)
            #expect(TestSupport.maxRelativeError(probabilities, Array(p.row(r))) < 1e-5)
        }
        // Moved data is named.
        let moved = TestSupport.temporaryDirectory() + "/moved.csv"
        try FileManager.default.moveItem(atPath: path, toPath: moved)
        let gone = try Self.run(["evaluate", dir + "/model.safetensors"])
        #expect(gone.status != 0 && gone.stderr.contains(path) && gone.stderr.contains("--data-file"), "\(gone.stderr)")
    }

    /// Rows of raw grey levels for an image model are scaled as the IDX reader scales pixels.
    @Test func rawPixelRowsAreScaledLikeTheImages() throws {
        let dir = TestSupport.temporaryDirectory() + "/run"
        #expect(try Self.run(["train", "--out", dir] + Self.small + ["--epochs", "1"]).status == 0)
        let images = try IDXArray.read(MNISTDataset.shippedSubsetDirectory + "/t10k-images-idx3-ubyte.gz")
        let rows = (0..<3).map { r in images.bytes[(r * 784)..<((r + 1) * 784)].map(String.init).joined(separator: ",") }
        let text = writeTextFile(rows.joined(separator: "\n") + "\n", "pixels.csv")
        let idx = FormatTestSupport.write(IDXArray(shape: [3, 28, 28], bytes: Array(images.bytes[0..<(3 * 784)])).encoded(), "three-idx3-ubyte",
                                          in: TestSupport.temporaryDirectory())
        let fromText = try Self.run(["predict", dir + "/model.safetensors", text])
        let fromImages = try Self.run(["predict", dir + "/model.safetensors", idx])
        #expect(fromText.status == 0 && fromText.stdout == fromImages.stdout, "\(fromText.stderr)")
    }

    /// Ties in validation error go to the lower validation loss; every epoch records it.
    @Test func tiesInValidationErrorAreBrokenByLoss() throws {
        let dir = TestSupport.temporaryDirectory() + "/run"
        let out = try Self.run(["train", "--data-file", TableAndArrayTests.unscaledTable(), "--out", dir, "--layers", "16", "--epochs", "12",
                                "--patience", "0", "--backend", "builtin"])
        #expect(out.status == 0, "\(out.stderr)")
        let lines = try String(contentsOfFile: dir + "/metrics.jsonl", encoding: .utf8).split(separator: "\n")
        let epochs = try lines.map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
        let errors = epochs.map { $0["validation_error"] as! Double }, losses = epochs.map { $0["validation_loss"] as! Double }
        #expect(epochs.allSatisfy { $0["validation_sparsity_per_layer"] != nil && $0["validation_dead_units"] != nil })
        let best = errors.min()!
        let tied = errors.indices.filter { errors[$0] == best }
        let expected = tied.min { losses[$0] < losses[$1] }! + 1
        let result = try JSONSerialization.jsonObject(with: Data(FileIO.read(dir + "/result.json"))) as! [String: Any]
        #expect(result["best_epoch"] as! Int == expected, "errors \(errors), losses \(losses)")
        let last = try Self.run(["train", "--data-file", TableAndArrayTests.unscaledTable(), "--out", dir + "-last", "--keep", "last",
                                 "--layers", "16", "--epochs", "4", "--backend", "builtin"])
        let lastResult = try JSONSerialization.jsonObject(with: Data(FileIO.read(dir + "-last/result.json"))) as! [String: Any]
        #expect(last.status == 0 && lastResult["best_epoch"] as! Int == 4)
    }

    /// Without validation examples the last epoch is kept, and the output says so.
    @Test func noValidationKeepsTheLastEpoch() throws {
        let dir = TestSupport.temporaryDirectory() + "/run"
        let out = try Self.run(["train", "--validation", "0", "--dataset", "idx", "--data-dir", MNISTDataset.shippedSubsetDirectory,
                                "--out", dir] + Self.small)
        #expect(out.status == 0 && out.stderr.contains("no validation examples: the last epoch"), "\(out.stderr)")
        let result = try JSONSerialization.jsonObject(with: Data(FileIO.read(dir + "/result.json"))) as! [String: Any]
        #expect(result["best_epoch"] as! Int == 3 && (result["test_error"] as! Double) < 0.5)
    }

    /// Unscaled inputs that kill a layer in the first epoch are named as the likely cause.
    @Test func aDeadFirstEpochIsWarnedAbout() throws {
        let dir = TestSupport.temporaryDirectory() + "/run"
        let out = try Self.run(["train", "--data-file", TableAndArrayTests.unscaledTable(), "--standardize", "off", "--learning-rate", "0.1",
                                "--out", dir] + Self.small)
        #expect(out.status == 0 && out.stderr.contains("warning:") && out.stderr.contains("standardise"), "\(out.stderr)")
        let result = try JSONSerialization.jsonObject(with: Data(FileIO.read(dir + "/result.json"))) as! [String: Any]
        #expect(!(result["warnings"] as? [String] ?? []).isEmpty)
    }

    /// A finished run trains longer with --resume --epochs N, to the bytes of a run started
    /// with N; another option changed is refused naming it.
    @Test func aFinishedRunCanGrow() throws {
        let root = TestSupport.temporaryDirectory()
        let base = ["--layers", "24", "--seed", "4", "--backend", "builtin", "--threads", "1"]
        #expect(try Self.run(["train", "--out", root + "/grown", "--epochs", "2"] + base).status == 0)
        let changed = try Self.run(["train", "--out", root + "/grown", "--epochs", "3"] + base)
        #expect(changed.status != 0 && changed.stderr.contains("training.epochs: 2 → 3"), "\(changed.stderr)")
        let grown = try Self.run(["train", "--resume", root + "/grown", "--epochs", "4"])
        #expect(grown.status == 0, "\(grown.stderr)")
        #expect(try Self.run(["train", "--out", root + "/straight", "--epochs", "4"] + base).status == 0)
        #expect(try FileIO.read(root + "/grown/model.safetensors") == FileIO.read(root + "/straight/model.safetensors"))
        let record = try String(contentsOfFile: root + "/grown/config.json", encoding: .utf8)
        #expect(record.contains("training.epochs: 2 → 4"), "\(record)")
        let again = try Self.run(["train", "--resume", root + "/grown", "--epochs", "3"])
        #expect(again.status != 0 && again.stderr.contains("already run 4 epochs"), "\(again.stderr)")
    }

    /// A PyTorch MLP written by numpy in nn.Sequential's layout evaluates to numpy's own error
    /// and zeros; a Rectifier model exported for PyTorch gives numpy what `predict` gives.
    @Test(.enabled(if: PythonTools.safetensors != nil, "needs python3 with numpy and safetensors (pip install numpy safetensors)"))
    func modelsFromAndToPyTorch() throws {
        let dir = TestSupport.temporaryDirectory()
        let mnist = MNISTDataset.shippedSubsetDirectory
        let numpyReport = try PythonTools.run("""
            import numpy as np, gzip, sys, json
            from safetensors.numpy import save_file
            d, out = sys.argv[1], sys.argv[2]
            x = np.frombuffer(gzip.open(d + '/t10k-images-idx3-ubyte.gz').read()[16:], np.uint8).reshape(-1, 784) / np.float32(255)
            y = np.frombuffer(gzip.open(d + '/t10k-labels-idx1-ubyte.gz').read()[8:], np.uint8)
            rng = np.random.default_rng(0)
            sizes = [784, 64, 32, 10]
            w = {}
            for i in range(3):
                w[f'{2 * i}.weight'] = (rng.standard_normal((sizes[i + 1], sizes[i])) * np.sqrt(2 / sizes[i])).astype(np.float32)
                w[f'{2 * i}.bias'] = (rng.standard_normal(sizes[i + 1]) * 0.1).astype(np.float32)
            save_file(w, out)
            h = x.astype(np.float32); zeros = []; dead = []
            for i in range(3):
                h = h @ w[f'{2 * i}.weight'].T + w[f'{2 * i}.bias']
                if i < 2:
                    h = np.maximum(h, 0); zeros.append(float((h == 0).mean())); dead.append(int((h == 0).all(axis=0).sum()))
            print(json.dumps({'error': float((h.argmax(1) != y).mean()), 'zeros': zeros, 'dead': dead}))
            """, [mnist, dir + "/torch.safetensors"])
        let expected = try JSONSerialization.jsonObject(with: Data(numpyReport.utf8)) as! [String: Any]
        let evaluated = try Self.run(["evaluate", dir + "/torch.safetensors", "--dataset", "idx", "--data-dir", mnist, "--json"])
        #expect(evaluated.status == 0, "\(evaluated.stderr)")
        let e = (try JSONSerialization.jsonObject(with: Data(evaluated.stdout.utf8)) as! [String: Any])["evaluation"] as! [String: Any]
        #expect(e["error_rate"] as! Double == expected["error"] as! Double)
        let zeros = e["sparsity_per_layer"] as! [Double], numpyZeros = expected["zeros"] as! [Double]
        #expect(zip(zeros, numpyZeros).allSatisfy { abs($0 - $1) < 1e-6 }, "\(zeros) vs \(numpyZeros)")
        #expect(e["dead_units_per_layer"] as! [Int] == expected["dead"] as! [Int])
        let noData = try Self.run(["evaluate", dir + "/torch.safetensors"])
        #expect(noData.status != 0 && noData.stderr.contains("records no data"), "\(noData.stderr)")

        // Out: a model with the sign trick, its signs folded into the next layer's columns.
        let run = dir + "/run"
        #expect(try Self.run(["train", "--out", run, "--layers", "32,16", "--sign-trick", "--epochs", "1", "--backend", "builtin"]).status == 0)
        let exported = try Self.run(["export", run + "/model.safetensors", "--to", "torch", "--out", dir + "/exported.safetensors"])
        #expect(exported.status == 0 && exported.stdout.contains("Linear(784, 32), ReLU(), Linear(32, 16), ReLU(), Linear(16, 10)"))
        let images = try IDXArray.read(mnist + "/t10k-images-idx3-ubyte.gz")
        let idx = FormatTestSupport.write(IDXArray(shape: [100, 28, 28], bytes: Array(images.bytes[0..<(100 * 784)])).encoded(),
                                          "hundred-idx3-ubyte", in: dir)
        let predicted = try Self.run(["predict", run + "/model.safetensors", idx, "--digits", "9"])
        let ours = try predicted.stdout.split(separator: "\n").map {
            (try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any])["probabilities"] as! [Double]
        }
        let theirs = try PythonTools.run("""
            import numpy as np, gzip, sys, json
            from safetensors.numpy import load_file
            w = load_file(sys.argv[2])
            x = np.frombuffer(gzip.open(sys.argv[1] + '/t10k-images-idx3-ubyte.gz').read()[16:], np.uint8).reshape(-1, 784)[:100] / np.float32(255)
            h = x.astype(np.float32)
            for i in (0, 2, 4):
                h = h @ w[f'{i}.weight'].T + w[f'{i}.bias']
                if i < 4: h = np.maximum(h, 0)
            p = np.exp(h - h.max(1, keepdims=True)); p /= p.sum(1, keepdims=True)
            print(json.dumps(p.tolist()))
            """, [mnist, dir + "/exported.safetensors"])
        let numpyProbabilities = try JSONSerialization.jsonObject(with: Data(theirs.utf8)) as! [[Double]]
        #expect(ours.count == 100 && numpyProbabilities.count == 100)
        let gap = zip(ours, numpyProbabilities).map { zip($0, $1).map { abs($0 - $1) }.max()! }.max()!
        #expect(gap < 1e-5, "largest difference \(gap)")
    }

    /// --log-every writes the running loss and sparsity; --tensorboard writes event files that
    /// TensorBoard's own reader reads back with every epoch's metrics.
    @Test func runsCanBeWatched() throws {
        let dir = TestSupport.temporaryDirectory() + "/run"
        let out = try Self.run(["train", "--data-file", TableAndArrayTests.unscaledTable(rows: 200), "--out", dir, "--log-every", "3",
                                "--tensorboard", "--batch-size", "10"] + Self.small)
        #expect(out.status == 0, "\(out.stderr)")
        let steps = try String(contentsOfFile: dir + "/steps.jsonl", encoding: .utf8).split(separator: "\n")
        let logs = try steps.map { try FileIO.jsonDecoder().decode(StepLog.self, from: Data($0.utf8)) }
        let perEpoch = try DataReference(dataset: CSVDataset().name, directory: nil,
                                         arguments: ["data-file": TableAndArrayTests.unscaledTable(rows: 200)]).load().train.count
        let stepsPerEpoch = (perEpoch + 9) / 10
        #expect(logs.count == 3 * (stepsPerEpoch / 3), "\(logs.count) lines for \(stepsPerEpoch) steps per epoch")
        #expect(logs.allSatisfy { $0.epochStep % 3 == 0 && $0.step == ($0.epoch - 1) * stepsPerEpoch + $0.epochStep && $0.sparsityPerLayer.count == 1 })
        let events = try FileManager.default.contentsOfDirectory(atPath: dir + "/tensorboard")
        #expect(events.count == 1 && events[0].hasPrefix("events.out.tfevents."))
    }

    @Test(.enabled(if: PythonTools.tensorboard != nil, "needs python3 with the tensorboard package (pip install tensorboard)"))
    func tensorBoardReadsTheEventFiles() throws {
        let dir = TestSupport.temporaryDirectory() + "/run"
        let out = try Self.run(["train", "--data-file", TableAndArrayTests.unscaledTable(rows: 200), "--out", dir, "--log-every", "3",
                                "--tensorboard", "--batch-size", "10"] + Self.small)
        #expect(out.status == 0, "\(out.stderr)")
        let events = try FileManager.default.contentsOfDirectory(atPath: dir + "/tensorboard")
        let logs = try String(contentsOfFile: dir + "/steps.jsonl", encoding: .utf8).split(separator: "\n")
        let read = try PythonTools.run("""
            import sys, json
            from tensorboard.backend.event_processing.event_file_loader import EventFileLoader
            values = {}
            for event in EventFileLoader(sys.argv[1]).Load():
                for v in event.summary.value:
                    values.setdefault(v.tag, []).append([event.step, v.simple_value if v.HasField('simple_value') else float(v.tensor.float_val[0])])
            print(json.dumps(values))
            """, [dir + "/tensorboard/" + events[0]])
        let tags = try JSONSerialization.jsonObject(with: Data(read.utf8)) as! [String: [[Double]]]
        let metrics = try String(contentsOfFile: dir + "/metrics.jsonl", encoding: .utf8).split(separator: "\n").map {
            try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any]
        }
        let validation = try #require(tags["validation/error"])
        #expect(validation.map { Int($0[0]) } == [1, 2, 3])
        for (e, m) in metrics.enumerated() {
            #expect(abs(validation[e][1] - (m["validation_error"] as! Double)) < 1e-6)
            #expect(abs(tags["validation/loss"]![e][1] - (m["validation_loss"] as! Double)) < 1e-5)
        }
        #expect(tags["train/running_loss"]?.count == logs.count && tags["validation/sparsity/layer_1"]?.count == 3)
    }
}
