import Foundation
import Rectifier
import Testing

/// Every dataset of the registry on small files written here in its real format: loaded
/// through `DataReference` (splits, shapes, values, class names) and trained one epoch through
/// the command line.
@Suite(.serialized) struct DatasetRegistryTests {
    /// A directory of tiny files in `dataset`'s format: images whose pixels encode their index
    /// and label (label = index % classes).
    static func write(_ dataset: String) throws -> String {
        let dir = TestSupport.temporaryDirectory() + "/" + dataset
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        func put(_ bytes: [UInt8], _ name: String) { FormatTestSupport.write(bytes, name, in: dir) }
        switch dataset {
        case "idx":
            // 12x10 images, 7 classes, 24 training and 7 test images
            for (prefix, count) in [("train", 24), ("t10k", 7)] {
                let pixels: [UInt8] = (0..<(count * 120)).map { (i: Int) -> UInt8 in UInt8((i / 120 * 11 + i % 120) % 256) }
                put(Gzip.compress(IDXArray(shape: [count, 12, 10], bytes: pixels).encoded()), "\(prefix)-images-idx3-ubyte.gz")
                put(IDXArray(shape: [count], bytes: (0..<count).map { UInt8($0 % 7) }).encoded(), "\(prefix)-labels-idx1-ubyte")
            }
        case "cifar10":
            var members: [(name: String, contents: [UInt8])] = []
            for name in CIFAR10Binary.trainingFiles + [CIFAR10Binary.testFile] {
                let count = 4
                let pixels: [UInt8] = (0..<(count * 3072)).map { (i: Int) -> UInt8 in UInt8(i % 251) }
                let batch = CIFAR10Batch(pixels: pixels, labels: (0..<count).map { UInt8($0 % 10) })
                members.append(("cifar-10-batches-bin/" + name, batch.encoded()))
            }
            let names = ["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"]
            members.append(("cifar-10-batches-bin/batches.meta.txt", Array((names.joined(separator: "\n") + "\n\n").utf8)))
            put(Gzip.compress(TarWriter.archive(members)), CIFAR10Dataset.archive)
        case "norb-small", "norb":
            let (size, classes, stems): (Int, Int, [String]) = dataset == "norb"
                ? (108, 6, (1...10).map { String(format: "norb-5x46789x9x18x6x2x108x108-training-%02d", $0) }
                    + (1...2).map { String(format: "norb-5x01235x9x18x6x2x108x108-testing-%02d", $0) })
                : (96, 5, ["smallnorb-5x46789x9x18x6x2x96x96-training", "smallnorb-5x01235x9x18x6x2x96x96-testing"])
            for stem in stems {
                let count = dataset == "norb" ? 3 : 10
                let plane = size * size
                let pixels: [UInt8] = (0..<(count * 2 * plane)).map { (i: Int) -> UInt8 in UInt8(i / plane * 40 % 256) }
                put(Gzip.compress(BinaryMatrix(shape: [count, 2, size, size], elements: .uint8(pixels)).encoded()), stem + "-dat.mat.gz")
                put(BinaryMatrix(shape: [count], elements: .int32((0..<count).map { Int32($0 % classes) })).encoded(), stem + "-cat.mat")
                put(BinaryMatrix(shape: [count, 4], elements: .int32([Int32](repeating: 1, count: count * 4))).encoded(), stem + "-info.mat")
            }
        case "emnist-byclass", "nistp":
            let f = EMNIST.fileNames(split: "byclass")
            for (images, labels, count) in [(f.trainImages, f.trainLabels, 30), (f.testImages, f.testLabels, 8)] {
                // stored transposed, as EMNIST does: column c of the upright image is row c here
                var stored = [UInt8](repeating: 0, count: count * 784)
                for i in 0..<count { for r in 0..<28 { stored[i * 784 + 3 * 28 + r] = UInt8(100 + i) } }  // upright: column... row 3
                put(Gzip.compress(IDXArray(shape: [count, 28, 28], bytes: stored).encoded()), images)
                put(Gzip.compress(IDXArray(shape: [count], bytes: (0..<count).map { UInt8($0 % 62) }).encoded()), labels)
            }
            let chars = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
            put(Array(chars.enumerated().map { "\($0.offset) \($0.element.asciiValue!)\n" }.joined().utf8), f.mapping)
        default:
            Issue.record("no writer for \(dataset)")
        }
        return dir
    }

    /// An info file cut short (or with bytes after its data) is refused: only its header was
    /// read before.
    @Test func norbInfoFilesAreReadWhole() throws {
        let dir = try Self.write("norb-small")
        let info = dir + "/smallnorb-5x46789x9x18x6x2x96x96-training-info.mat"
        let whole = try FileIO.read(info)
        for (bytes, fragment) in [(Array(whole.dropLast(4)), "truncated"), (whole + [0], "unexpected bytes after")] {
            FormatTestSupport.write(bytes, (info as NSString).lastPathComponent, in: dir)
            do {
                _ = try DataReference(dataset: "norb-small", directory: dir).load()
                Issue.record("a damaged info file was accepted (\(fragment))")
            } catch let e as FileError {
                #expect(e.path == info && e.problem.contains(fragment), "\(e)")
            }
        }
    }

    @Test func idxTakesAnyImageSizeAndClassCount() throws {
        let dir = try Self.write("idx")
        let data = try DataReference(dataset: "idx", directory: dir).load()
        #expect(data.train.count == 20 && data.validation.count == 4 && data.test.count == 7, "the last sixth validates")
        #expect(data.train.featureCount == 120 && data.train.classes == 7)
        #expect(data.train.inputs.row(1)[0] == Float(11) / 255)
        let nine = try DataReference(dataset: "idx", directory: dir, validation: 9).load()
        #expect(nine.train.count == 15 && nine.validation.count == 9)
        #expect(throws: FileError.self) { try DataReference(dataset: "idx", directory: dir, validation: 24).load() }
    }

    @Test func cifar10ReadsTheArchiveAndHalvesTheTestBatch() throws {
        let dir = try Self.write("cifar10")
        let data = try DataReference(dataset: "cifar10", directory: dir).load()
        #expect(data.train.count == 20 && data.validation.count == 2 && data.test.count == 2)
        #expect(data.train.featureCount == 3072 && data.train.classNames[9] == "truck")
        #expect(data.test.labels == [2, 3] && data.validation.labels == [0, 1])
        // pixel 5 of the second training image: (3072 + 5) % 251
        #expect(abs(data.train.inputs.row(1)[5] - Float((3072 + 5) % 251) / 255) < 1e-6)
        if case .bytes = data.train.inputs {} else { Issue.record("CIFAR-10 inputs are kept as bytes") }
        let other = try DataReference(dataset: "cifar10", directory: dir, validation: 5).load()
        #expect(other.train.count == 15 && other.validation.count == 5 && other.test.count == 4)
    }

    @Test(arguments: ["norb-small", "norb"])
    func norbShrinksStereoPairsTo32x32InMinusOneToOne(_ dataset: String) throws {
        let dir = try Self.write(dataset)
        let data = try DataReference(dataset: dataset, directory: dir).load()
        let (train, test) = dataset == "norb" ? (30, 6) : (10, 10)
        #expect(data.train.count + data.validation.count == train && data.validation.count == train / 5 && data.test.count == test)
        #expect(data.train.featureCount == 2048 && data.train.classes == (dataset == "norb" ? 6 : 5))
        // pair 1's two planes are constant 80 and 120 (plane index × 40): their averages are exact.
        let row = data.train.inputs.row(1)
        #expect(abs(row[0] - (Float(80) * 2 / 255 - 1)) < 1e-6 && abs(row[1024] - (Float(120) * 2 / 255 - 1)) < 1e-6)
        #expect(row.allSatisfy { $0 >= -1 && $0 <= 1 })
        if dataset == "norb" {
            #expect(FileManager.default.fileExists(atPath: dir + "/" + NORBDataset.cacheFile))
            let again = try DataReference(dataset: dataset, directory: dir).load()
            #expect(again.train == data.train && again.test == data.test, "the cache gives the same set")
            // A changed source file invalidates the cache.
            let cat = dir + "/norb-5x01235x9x18x6x2x108x108-testing-02-cat.mat"
            let labels = BinaryMatrix(shape: [3], elements: .int32([5, 5, 5])).encoded()
            FormatTestSupport.write(labels + [], (cat as NSString).lastPathComponent, in: dir)
            try FileManager.default.setAttributes([.modificationDate: Date().addingTimeInterval(100)], ofItemAtPath: cat)
            let changed = try DataReference(dataset: dataset, directory: dir).load()
            #expect(changed.test.labels.suffix(3) == [5, 5, 5])
        }
    }

    @Test func emnistIsReadUprightAndPaddedTo32x32() throws {
        let dir = try Self.write("emnist-byclass")
        let data = try DataReference(dataset: "emnist-byclass", directory: dir).load()
        #expect(data.train.count == 25 && data.validation.count == 5 && data.test.count == 8)
        #expect(data.train.featureCount == 1024 && data.train.classes == 62 && data.train.classNames[36] == "a")
        // The stored row 3 is the upright column 3, which padding moves to column 5 of 32.
        let image = data.train.inputs.row(2)
        #expect(abs(image[(2 + 10) * 32 + 5] - Float(102) / 255) < 1e-6 && image[(2 + 10) * 32 + 6] == 0)
        #expect(image[0 * 32 + 5] == 0 && image[31 * 32 + 5] == 0, "two rows of padding above and below")
    }

    @Test func nistpPerturbsTrainingBatchesAndKeepsTheTestSetClean() throws {
        let dir = try Self.write("nistp")
        let clean = try DataReference(dataset: "emnist-byclass", directory: dir).load()
        let data = try DataReference(dataset: "nistp", directory: dir).load()
        #expect(data.train.perturbation?.0.level == Perturbation.paperLevel)
        #expect(data.test.inputs == clean.test.inputs && data.test.perturbation == nil, "clean test images by default")
        // Gathered batches are perturbed, the same way whether made ahead or not, and anew each epoch.
        let seed = PerturbationSeed(runSeed: 3)
        let direct = Minibatch(capacity: 4, for: data.train)
        let prefetcher = BatchPrefetcher(capacity: 4, for: data.train)
        func values(_ m: Minibatch) -> [Float] {
            guard case .dense(let x) = m.input else { return [] }
            return Array(UnsafeBufferPointer(start: x, count: m.count * 1024))
        }
        direct.gather(data.train, rows: [4, 1, 7, 2], epoch: 1, seed: seed)
        prefetcher.prefetch(data.train, rows: [4, 1, 7, 2], epoch: 1, seed: seed)
        let ahead = prefetcher.take(data.train, rows: [4, 1, 7, 2], epoch: 1, seed: seed)
        #expect(values(ahead) == values(direct))
        #expect((0..<4).map { ahead.labels.pointer[$0] } == [4, 1, 7, 2], "labels are untouched")
        // Perturbed by a pool's workers between its regions (and by the caller), batch after
        // batch, while the caller runs parallel products: the same images.
        let la = LinearAlgebra.builtin(threads: 2)
        let pooled = BatchPrefetcher(capacity: 4, for: data.train, pool: la.pool)
        let batches: [[Int]] = [[4, 1, 7, 2], [0, 3, 5], [6, 2, 1, 0], [7]]
        pooled.prefetch(data.train, rows: batches[0], epoch: 1, seed: seed)
        for (i, rows) in batches.enumerated() {
            let batch = pooled.take(data.train, rows: rows, epoch: 1, seed: seed)
            let got = values(batch)
            if i + 1 < batches.count { pooled.prefetch(data.train, rows: batches[i + 1], epoch: 1, seed: seed) }
            var product = Matrix(rows: 128, columns: 128)
            la.gemm(Matrix(rows: 128, columns: 128, repeating: 1), Matrix(rows: 128, columns: 128, repeating: 0.5), into: &product)
            #expect(product.storage.allSatisfy { $0 == 64 })
            let expected = Minibatch(capacity: 4, for: data.train)
            expected.gather(data.train, rows: rows, epoch: 1, seed: seed)
            #expect(got == values(expected), "batch \(i)")
        }
        let plain = Minibatch(capacity: 4, for: clean.train)
        plain.gather(clean.train, rows: [4, 1, 7, 2])
        #expect(values(direct) != values(plain))
        let later = Minibatch(capacity: 4, for: data.train)
        later.gather(data.train, rows: [4, 1, 7, 2], epoch: 2, seed: seed)
        #expect(values(later) != values(direct))
        var reference = DataReference(dataset: "nistp", directory: dir)
        reference[.perturbTest] = .flag(true)
        let perturbed = try reference.load()
        #expect(perturbed.test.inputs.densified() != clean.test.inputs.densified())
        #expect(try reference.load().test == perturbed.test, "the test set is perturbed the same way every time")
        reference.dataset = "mnist"
        #expect(throws: UsageError.self) { try reference.validate() }
    }

    /// Batches made ahead on a worker thread do not change a run: the same seed trains the same
    /// network twice, and another seed perturbs differently.
    @Test func aNISTPRunIsFixedByItsSeed() throws {
        let data = try DataReference(dataset: "nistp", directory: try Self.write("nistp")).load()
        var config = TrainingConfig()
        config.hiddenSizes = [16]
        config.epochs = 2
        config.batchSize = 3
        func train(_ seed: UInt64) -> Network {
            config.seed = seed
            let trainer = Trainer(config: config, linearAlgebra: .builtin(threads: 1))
            var state = trainer.initialState(for: data)
            trainer.run(&state, data: data)
            return state.network
        }
        #expect(train(4) == train(4))
        #expect(train(4) != train(5))
    }

    @Test(arguments: ["idx", "cifar10", "norb-small", "norb", "emnist-byclass", "nistp"])
    func everyDatasetTrainsThroughTheCommandLine(_ dataset: String) throws {
        try #require(CommandLineTests.executable != nil, "needs the rectifier executable")
        let dir = try Self.write(dataset)
        let out = TestSupport.temporaryDirectory() + "/run"
        let r = try CommandLineTests.run(["train", "--dataset", dataset, "--data-dir", dir, "--layers", "8", "--epochs", "1",
                                          "--batch-size", "2", "--out", out])
        #expect(r.status == 0, "\(dataset): \(r.stderr)")
        let result = try CommandLineTests.json(out + "/result.json")
        #expect(result["test_error"] is Double)
        let record = try CommandLineTests.json(out + "/config.json")
        #expect((record["specification"] as? [String: Any]).flatMap { $0["data"] as? [String: Any] }?["dataset"] as? String == dataset)
    }
}

/// `rectifier datasets download` against a real HTTP server on 127.0.0.1.
@Suite(.serialized) struct DatasetDownloadCommandTests {
    @Test(.enabled(if: CommandLineTests.executable != nil && TestSupport.sharedMNIST != nil && TestHTTPServer.python != nil,
                   "needs the rectifier executable, python3, and MNIST in ../shared/data/mnist"))
    func downloadsVerifiesAndTrainsMNISTFromAMirror() throws {
        let mnist = try #require(TestSupport.sharedMNIST)
        try TestHTTPServer.with { server in
            // The mirror recompressed the files: the published MD5s differ, their content's SHA-256 does not.
            for name in ["train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"] {
                let raw = try FileIO.read(mnist + "/" + name)
                FormatTestSupport.write(Gzip.compress(raw, level: 1), name + ".gz", in: server.root)
            }
            let dir = TestSupport.temporaryDirectory() + "/mnist"
            let r = try CommandLineTests.run(["datasets", "download", "mnist", "--dir", dir, "--mirror", "http://127.0.0.1:\(server.port)/"])
            #expect(r.status == 0, "\(r.stderr)")
            #expect(r.stdout.components(separatedBy: "verified by its SHA-256 of the decompressed content").count == 5, "\(r.stdout)")
            let verify = try CommandLineTests.run(["datasets", "verify", dir, "--dataset", "mnist"])
            #expect(verify.status == 0 && verify.stdout.contains("50000 / 10000 / 10000"), "\(verify.stdout)")
            let train = try CommandLineTests.run(["train", "--data-dir", dir, "--layers", "8", "--epochs", "1", "--batch-size", "100"])
            #expect(train.status == 0 && train.stdout.contains("test error"), "\(train.stderr)")
        }
    }

    @Test(.enabled(if: CommandLineTests.executable != nil && TestHTTPServer.python != nil, "needs the rectifier executable and python3"))
    func aFileOfOtherContentIsRefusedAndNothingIsLeft() throws {
        try TestHTTPServer.with { server in
            // The shipped subset's files under MNIST's names: the right format, the wrong content.
            for name in ["train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"] {
                FormatTestSupport.write(try FileIO.read(MNISTDataset.shippedSubsetDirectory + "/" + name), name, in: server.root)
            }
            let dir = TestSupport.temporaryDirectory() + "/mnist"
            let r = try CommandLineTests.run(["datasets", "download", "mnist", "--dir", dir, "--mirror", "http://127.0.0.1:\(server.port)/"])
            #expect(r.status != 0)
            #expect(r.stderr.contains("train-images-idx3-ubyte.gz") && r.stderr.contains("MD5"), "\(r.stderr)")
            let left = (try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []
            #expect(!left.contains("train-images-idx3-ubyte.gz"), "no file that looks complete: \(left)")
        }
        let norb = try CommandLineTests.run(["datasets", "download", "norb-small"])
        #expect(norb.status != 0 && norb.stderr.contains("gives no checksums"), "\(norb.stderr)")
    }

    /// Data records written by earlier versions read back and write out unchanged, so their
    /// runs keep their specification hashes (`config.json` of a finished run, field for field).
    @Test func dataRecordsKeepTheirJSONAndHashes() throws {
        let specification = #"{"data":{"dataset":"amazon-sentiment","directory":"/data/amazon","domain":"books","vocabulary_size":1000},"#
            + #""refit":false,"training":{"activation":"rectifier","batch_size":10,"epochs":2,"evaluation_batch_size":1000,"#
            + #""hidden_sizes":[50],"l1":0.001,"label_fraction":1,"learning_rate":0.01,"momentum":0,"on_divergence":"stop","#
            + #""patience":15,"seed":1,"sign_trick":false}}"#
        let spec = try FileIO.jsonDecoder().decode(RunSpecification.self, from: Data(specification.utf8))
        #expect(spec.data.text(.domain) == "books" && spec.data.integer(.vocabulary) == 1000)
        #expect(String(decoding: try FileIO.jsonEncoder().encode(spec), as: UTF8.self) == specification)
        for data in [#"{"dataset":"nistp","directory":"d","perturb_test":true,"perturbation_level":0.3,"validation":50}"#,
                     #"{"data_file":"x.csv","dataset":"text-csv","fold":3,"folds":10,"label_column":"stars","skip_bad_lines":true,"#
                        + #""split_seed":4,"task":"rating","test_fraction":0.25,"text_column":"review"}"#] {
            let reference = try FileIO.jsonDecoder().decode(DataReference.self, from: Data(data.utf8))
            try reference.validate()
            #expect(String(decoding: try FileIO.jsonEncoder().encode(reference), as: UTF8.self) == data)
        }
        #expect(throws: DecodingError.self) {
            try FileIO.jsonDecoder().decode(DataReference.self, from: Data(#"{"dataset":"mnist","colour":"red"}"#.utf8))
        }
    }

    /// An option the dataset does not read is refused, naming it and what the dataset reads;
    /// a bad value names the option.
    @Test func optionsADatasetDoesNotReadAreRefused() throws {
        do {
            _ = try DataReference(dataset: MNISTDataset().name, directory: nil, arguments: ["folds": "5"])
            Issue.record("mnist took --folds")
        } catch let e as UsageError {
            #expect(e.message.contains("--folds") && e.message.contains("mnist") && e.message.contains("--validation"), "\(e)")
        }
        #expect(throws: UsageError.self) { try DataReference(dataset: "amazon-sentiment", directory: nil, arguments: ["folds": "1"]) }
        #expect(throws: UsageError.self) { try DataReference(dataset: "amazon-sentiment", directory: nil, arguments: ["task": "regression"]) }
        var reference = DataReference(dataset: "svmlight")
        reference.dataFile = "x.svm"
        reference[.textColumn] = .text("review")
        #expect(throws: UsageError.self) { try reference.validate() }
    }

    /// Without --dataset a data file's extension names the dataset, or the error lists the choices.
    @Test func aDataFileNamesItsDataset() throws {
        #expect(try Datasets.forFile("a/b.svm", given: []).name == "svmlight")
        #expect(try Datasets.forFile("reviews.csv", given: ["text-column"]).name == "text-csv")
        do {
            _ = try Datasets.forFile("data.parquet", given: [])
            Issue.record("a .parquet file named a dataset")
        } catch let e as UsageError {
            #expect(e.message.contains("data.parquet") && e.message.contains("--dataset") && e.message.contains(".svm"), "\(e)")
        }
    }

    /// Only the registry names datasets: no string literal outside `Data/Datasets/` is a
    /// dataset's name, so adding or renaming a dataset touches its own file alone.
    @Test func onlyTheRegistryNamesDatasets() throws {
        let sources = TestSupport.projectRoot.appendingPathComponent("Sources")
        let names = Set(Datasets.all.map(\.name))
        var found: [String] = []
        let files = FileManager.default.enumerator(atPath: sources.path)!.compactMap { $0 as? String }.filter { $0.hasSuffix(".swift") }
        #expect(files.count > 100)
        for file in files where !file.hasPrefix("Rectifier/Data/Datasets/") {
            let text = try String(contentsOfFile: sources.appendingPathComponent(file).path, encoding: .utf8)
            for (n, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated()
            where !line.trimmingCharacters(in: .whitespaces).hasPrefix("//") {
                let literals = line.split(separator: "\"", omittingEmptySubsequences: false).enumerated().filter { $0.offset % 2 == 1 }
                for literal in literals.map(\.element) where names.contains(String(literal)) {
                    found.append("\(file):\(n + 1): \"\(literal)\"")
                }
            }
        }
        #expect(found.isEmpty, "dataset names outside the registry: \(found)")
    }
}
