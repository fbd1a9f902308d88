import Foundation
import Rectifier
import Testing

/// Text end to end: the Amazon readers into sparse datasets (vocabulary from training
/// documents only), rating prediction and its RMSE, cross-validation, sparse pre-training,
/// text through the command line, and a short run on the real processed_acl files.
@Suite(.serialized) struct TextPipelineTests {
    /// processed_acl files of four domains: `n` documents per polarity; positive ones hold
    /// "good", negative ones "bad", every one "book" and its own id.
    static func amazon(_ n: Int = 20) throws -> String {
        let dir = TestSupport.temporaryDirectory() + "/amazon"
        for domain in AmazonSentimentDataset.domains {
            for polarity in ["positive", "negative"] {
                let word = polarity == "positive" ? "good" : "bad"
                let lines = (0..<n).map { i in "\(word):1 book:2 \(domain)\(polarity)\(i):1 #label#:\(polarity)" }
                FormatTestSupport.write(Array((lines.joined(separator: "\n") + "\n").utf8), "\(domain)/\(polarity).review", in: dir)
            }
        }
        return dir
    }

    /// Fold 2 of 5 of dvd, in the files of `amazon()`.
    static func dvdFold2() throws -> DataReference {
        var reference = DataReference(dataset: "amazon-sentiment", directory: try amazon())
        reference[.domain] = .text("dvd")
        reference.folds = 5
        reference.fold = 2
        return reference
    }

    @Test func amazonDomainsShareOneVocabularyFromTrainingDocumentsOnly() throws {
        var reference = try Self.dvdFold2()
        let data = try reference.load()
        #expect(data.train.count + data.validation.count == 32 && data.test.count == 8, "one fifth of dvd's 40 tests")
        #expect(data.train.classNames == ["negative", "positive"])
        if case .sparse = data.train.inputs {} else { Issue.record("text inputs are sparse") }
        let vocabulary = try #require(data.vocabulary)
        #expect(vocabulary.column(of: "good") != nil && vocabulary.column(of: "book") != nil)
        // No term that occurs only in test documents: the ids of dvd's test reviews are absent.
        let trainTerms = Set(vocabulary.terms)
        let dvdIDs = (0..<20).flatMap { ["dvdpositive\($0)", "dvdnegative\($0)"] }
        let inVocabulary = dvdIDs.filter { trainTerms.contains($0) }.count
        #expect(inVocabulary == data.train.count, "the ids of dvd's training documents, and no other dvd id")
        #expect(vocabulary.terms.contains { $0.hasPrefix("books") }, "other domains' training parts count too")
        // Binary features; the other domains' training parts feed pre-training.
        #expect(data.train.inputs.densified().storage.allSatisfy { $0 == 0 || $0 == 1 })
        let unlabeled = try #require(data.unlabeled)
        #expect(unlabeled.count == 3 * data.train.count, "three domains' training parts")
        reference[.domain] = .text("all")
        #expect(try reference.load().test.count == 32)
        #expect(throws: UsageError.self) {
            try DataReference(dataset: reference.dataset, directory: reference.directory, arguments: ["domain": "toys"])
        }
    }

    /// `vocabularyFrom: "domain"`: the named domain's training part alone chooses the terms (as
    /// the scikit-learn peer's vocabulary); pre-training still reads all four domains through it.
    @Test func amazonVocabularyFromTheDomainAlone() throws {
        var reference = try Self.dvdFold2()
        reference[.vocabularyFrom] = .text("domain")
        let data = try reference.load()
        let terms = try #require(data.vocabulary).terms
        #expect(terms.count == 3 + data.train.count, "good, bad, book and the ids of dvd's training reviews: \(terms.count)")
        #expect(!terms.contains { $0.hasPrefix("books") || $0.hasPrefix("kitchen") }, "no other domain's term")
        let unlabeled = try #require(data.unlabeled)
        #expect(unlabeled.count == 3 * data.train.count, "pre-training still reads the other domains")
        // Their reviews hold only good/bad and book of dvd's vocabulary: two terms each.
        #expect(unlabeled.densified().storage.reduce(0, +) == Float(2 * unlabeled.count))
        #expect(throws: UsageError.self) {
            try DataReference(dataset: reference.dataset, directory: reference.directory, arguments: ["vocabulary-from": "mine"])
        }
        var csv = DataReference(dataset: "text-csv")
        csv.dataFile = "x.csv"
        csv[.vocabularyFrom] = .text("domain")
        #expect(throws: UsageError.self) { try csv.validate() }
    }

    /// Softmax over the ratings, prediction the expected rating: RMSE by hand.
    @Test func rmseOfTheExpectedRating() throws {
        // No hidden layer, zero weights, biases giving the logits directly.
        var rng = RandomSource(seed: 1)
        var net = Network(Architecture(inputSize: 2, hiddenSizes: [], classes: 2, activation: .rectifier), rng: &rng)
        net.layers[0].weights = Matrix(rows: 2, columns: 2)
        net.layers[0].bias = [0, Float(log(3.0))]  // P = (1/4, 3/4)
        var data = Dataset(name: "r", features: Matrix(rows: 2, columns: 2), labels: [0, 1], classes: 2)
        data.classValues = [1, 5]
        let e = try net.evaluate(data, using: .builtin(threads: 1))
        // expected rating 1/4 + 15/4 = 4: errors 3 and 1, RMSE sqrt(5)
        #expect(abs((e.rmse ?? 0) - 5.0.squareRoot()) < 1e-5)
        #expect(e.criterion == e.rmse)
    }

    @Test func crossValidationRunsEveryFoldAndSummarises() throws {
        let dir = try Self.amazon()
        var t = TrainingConfig()
        t.hiddenSizes = []
        t.epochs = 20
        t.learningRate = 0.2
        var spec = RunSpecification(data: DataReference(dataset: "amazon-sentiment", directory: dir), training: t)
        spec.data[.domain] = .text("kitchen")
        spec.data.folds = 4
        let out = TestSupport.temporaryDirectory() + "/cv"
        let cv = CrossValidation(spec, directory: out, options: RunOptions(linearAlgebra: .builtin(threads: 1)))
        let summary = try cv.execute()
        #expect(summary.folds == 4 && summary.perFold.count == 4)
        #expect(abs(summary.testError - summary.perFold.map(\.testError).reduce(0, +) / 4) < 1e-12)
        #expect(summary.accuracy > 0.9, "good/bad separate the classes: \(summary.accuracy)")
        let testSets = try (0..<4).map { try cv.fold($0).data.load().test.count }
        #expect(testSets.reduce(0, +) == 40, "the folds' test sets cover the domain once")
        for k in 0..<4 { #expect(FileManager.default.fileExists(atPath: out + "/fold-\(k)/result.json")) }
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out + "/result.json"))) as! [String: Any]
        #expect(json["accuracy"] is Double && json["accuracy_sd"] is Double && (json["per_fold"] as? [Any])?.count == 4)
        #expect(try cv.execute() == summary, "a finished cross-validation is reused")
    }

    /// A sparse auto-encoder step gives the dense step's parameters: the same corruption draws,
    /// the encoder reading only the non-zero inputs.
    @Test(arguments: [Corruption.saltAndPepper(0.3), .masking(0.4)])
    func sparsePretrainingMatchesTheDenseStep(_ corruption: Corruption) throws {
        var rng = RandomSource(seed: 3)
        let width = 120
        let x = Matrix(rows: 6, columns: width, storage: (0..<(6 * width)).map { _ in rng.nextUnitFloat() < 0.05 ? 1 : 0 })
        var initRNG = RandomSource(seed: 4)
        let start = DenoisingAutoencoder(inputSize: width, hiddenSize: 30, activation: .rectifier, signTrick: false,
                                         corruption: corruption, strategy: .sigmoidCrossEntropy, targets: .identity, rng: &initRNG)
        let la = LinearAlgebra.builtin(threads: 1)
        var dense = start, sparse = start
        var denseNoise = RandomSource(seed: 9), sparseNoise = RandomSource(seed: 9)
        var sgd1 = SGD(learningRate: 0.1, for: start.network), sgd2 = sgd1
        let buffers = DenoisingAutoencoder.StepBuffers(for: start, capacity: 6)
        let costDense = x.storage.withUnsafeBufferPointer {
            dense.trainStep($0.baseAddress!, batch: 6, l1: 0.001, optimizer: &sgd1, buffers: buffers, noise: &denseNoise, using: la).cost
        }
        var costSparse = 0.0
        Inputs.sparse(SparseMatrix(x)).withBatches(size: 6) { batch, _ in
            guard case .sparse(let b) = batch else { return }
            costSparse = sparse.trainStep(b, l1: 0.001, optimizer: &sgd2, buffers: buffers, noise: &sparseNoise, using: la).cost
        }
        #expect(abs(costDense - costSparse) < 1e-4 * abs(costDense))
        #expect(denseNoise == sparseNoise, "the same number of draws")
        for l in 0..<2 {
            #expect(TestSupport.maxRelativeError(sparse.network.layers[l].weights.storage, dense.network.layers[l].weights.storage) < 1e-5)
        }
    }

    @Test(.enabled(if: CommandLineTests.executable != nil, "needs the rectifier executable"))
    func anyLabelledCSVTrainsAndPredictsRawText() throws {
        let dir = TestSupport.temporaryDirectory()
        var rows = ["id,review,opinion"]
        for i in 0..<60 {
            let positive = i % 2 == 0
            rows.append("\(i),\"\(positive ? "a great, lovely" : "a dull, awful") film \(i % 7)\",\(positive ? "liked" : "disliked")")
        }
        try (rows.joined(separator: "\n") + "\n").write(toFile: dir + "/reviews.csv", atomically: true, encoding: .utf8)
        let run = try CommandLineTests.run(["train", "--dataset", "text-csv", "--data-file", dir + "/reviews.csv", "--text-column", "review",
                                            "--label-column", "opinion", "--layers", "20", "--epochs", "10", "--out", dir + "/run"])
        #expect(run.status == 0, "\(run.stderr)")
        let result = try CommandLineTests.json(dir + "/run/result.json")
        #expect((result["test_error"] as? Double ?? 1) < 0.2, "\(run.stdout)")
        #expect(FileManager.default.fileExists(atPath: dir + "/run/vocabulary.txt"))
        try "a great, lovely film\na dull, awful film 2\n".write(toFile: dir + "/new.txt", atomically: true, encoding: .utf8)
        let predicted = try CommandLineTests.run(["predict", dir + "/run/model.safetensors", dir + "/new.txt"])
        #expect(predicted.status == 0, "\(predicted.stderr)")
        let lines = predicted.stdout.split(separator: "\n").map { try! JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
        #expect(lines.map { $0["label"] as? String } == ["liked", "disliked"], "\(predicted.stdout)")
        let bad = try CommandLineTests.run(["train", "--dataset", "text-csv", "--data-file", dir + "/reviews.csv", "--text-column", "nope"])
        #expect(bad.status != 0 && bad.stderr.contains("nope"), "\(bad.stderr)")
    }

    @Test(.enabled(if: CommandLineTests.executable != nil, "needs the rectifier executable"))
    func svmlightFilesAndRatingsThroughTheCommandLine() throws {
        let dir = TestSupport.temporaryDirectory()
        var lines: [String] = []
        for i in 0..<80 {
            let rating = [1, 2, 4, 5][i % 4]
            lines.append("\(rating) \(rating):1 \(10 + i % 5):0.5 # review \(i)")
        }
        try (lines.joined(separator: "\n") + "\n").write(toFile: dir + "/ratings.svm", atomically: true, encoding: .utf8)
        let r = try CommandLineTests.run(["train", "--dataset", "svmlight", "--data-file", dir + "/ratings.svm", "--task", "rating",
                                          "--layers", "", "--epochs", "20", "--learning-rate", "0.1", "--out", dir + "/run"])
        #expect(r.status == 0, "\(r.stderr)")
        let result = try CommandLineTests.json(dir + "/run/result.json")
        let rmse = try #require(result["test_rmse"] as? Double)
        #expect(rmse < 1, "the rating is in the features: RMSE \(rmse)")
        #expect(result["validation_rmse"] is Double)
    }

    /// Softmax regression (no hidden layer) on the real books reviews, 5-fold: well above chance.
    @Test(.enabled(if: FileManager.default.fileExists(atPath: TestSupport.projectRoot.path + "/../shared/data/amazon-sentiment/books/positive.review"),
                   "needs ../shared/data/amazon-sentiment"))
    func softmaxRegressionOnRealBooksReviews() throws {
        var t = TrainingConfig()
        t.hiddenSizes = []
        t.epochs = 15
        t.learningRate = 0.01
        var reference = DataReference(dataset: "amazon-sentiment", directory: TestSupport.projectRoot.path + "/../shared/data/amazon-sentiment")
        reference[.domain] = .text("books")
        reference.folds = 5
        reference.fold = 0
        let result = try #require(try Run(RunSpecification(data: reference, training: t), directory: nil,
                                          options: RunOptions(linearAlgebra: .builtin(threads: 2))).execute().training)
        #expect(result.testError < 0.25, "accuracy \(1 - result.testError)")
    }
}
