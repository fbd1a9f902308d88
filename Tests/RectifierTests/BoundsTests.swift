import CZlib
import Foundation
import Rectifier
import Testing

/// Every size a file or an option declares is checked before anything that large is built:
/// absurd input is one clear error with the figure, under a memory cap that an allocation of
/// the declared size would break.
@Suite(.serialized) struct BoundsTests {
    /// Runs the tool under `IDXMemoryBoundTests`'s address-space cap (400 MB).
    static func capped(_ arguments: [String]) throws -> (status: Int32, reason: Process.TerminationReason, output: String) {
        try IDXMemoryBoundTests.runCapped("exec \"$@\"", [CommandLineTests.executable!] + arguments)
    }
    static let enabled = CommandLineTests.executable != nil && FileManager.default.isExecutableFile(atPath: IDXMemoryBoundTests.shell)

    @Test(.enabled(if: enabled, "needs the rectifier executable and /bin/sh"))
    func hugeNetworksAreRefusedWithTheFigure() throws {
        for layers in ["100000,100000,100000", "1000000,1000000"] {
            let run = try Self.capped(["train", "--layers", layers, "--epochs", "1"])
            #expect(run.reason == .exit && run.status == 1, "\(run.output)")
            #expect(run.output.contains("needs about") && run.output.contains("--max-memory"), "\(run.output)")
        }
        // The budget is the user's to set: a small network under a tiny budget is refused too.
        let tight = try Self.capped(["train", "--layers", "100", "--epochs", "1", "--max-memory", "10M"])
        #expect(tight.status == 1 && tight.output.contains("the budget is 10 MB"), "\(tight.output)")
        let bad = try Self.capped(["train", "--max-memory", "lots"])
        #expect(bad.status != 0 && bad.output.contains("--max-memory"), "\(bad.output)")
    }

    /// One svmlight index of 2^31 - 2 makes a first layer of two billion rows: refused.
    @Test(.enabled(if: enabled, "needs the rectifier executable and /bin/sh"))
    func aHugeSVMLightIndexIsRefused() throws {
        let lines = ["1 2147483646:1"] + (0..<20).map { "\($0 % 2) \($0 + 1):1" }
        let path = writeTextFile(lines.joined(separator: "\n") + "\n", "huge.svm")
        let run = try Self.capped(["train", "--data-file", path, "--epochs", "1"])
        #expect(run.reason == .exit && run.status == 1 && run.output.contains("needs about"), "\(run.output)")
    }

    /// An IDX gzip whose header honestly declares 1.5M 28x28 images is measured before it is read.
    @Test(.enabled(if: enabled, "needs the rectifier executable and /bin/sh"))
    func declaredImagesAreCountedBeforeTheyAreRead() throws {
        let dir = TestSupport.temporaryDirectory()
        // Magic (unsigned bytes, rank 3), then each dimension as a big-endian 32-bit count.
        let header: [UInt8] = [0, 0, 8, 3] + [1_500_000, 28, 28].flatMap { withUnsafeBytes(of: UInt32($0).bigEndian, Array.init) }
        FormatTestSupport.write(FormatTestSupport.gzipBomb(head: header, zeros: 1 << 20), "train-images-idx3-ubyte.gz", in: dir)
        FormatTestSupport.write(IDXArray(shape: [3, 28, 28], bytes: [UInt8](repeating: 0, count: 3 * 784)).encoded(), "t10k-images-idx3-ubyte", in: dir)
        FormatTestSupport.write(IDXArray(shape: [3], bytes: [1, 2, 3]).encoded(), "train-labels-idx1-ubyte", in: dir)
        FormatTestSupport.write(IDXArray(shape: [3], bytes: [1, 2, 3]).encoded(), "t10k-labels-idx1-ubyte", in: dir)
        let run = try Self.capped(["train", "--dataset", "idx", "--data-dir", dir, "--max-memory", "1G"])
        #expect(run.reason == .exit && run.status == 1, "\(run.output)")
        #expect(run.output.contains("1176002352 pixels") && run.output.contains("the budget is 1 GB"), "\(run.output)")
    }

    /// A predict line of ten million values is refused after the model's width, not held.
    @Test(.enabled(if: enabled, "needs the rectifier executable and /bin/sh"))
    func aPredictLineIsReadOnlyAsFarAsTheModelNeeds() throws {
        let dir = TestSupport.temporaryDirectory()
        var rng = RandomSource(seed: 1)
        try Network(Architecture(inputSize: 4, hiddenSizes: [3], classes: 2, activation: .rectifier), rng: &rng).save(to: dir + "/m.safetensors")
        let line = [UInt8](repeating: UInt8(ascii: "1"), count: 1).flatMap { _ in Array(String(repeating: "1,", count: 10_000_000).utf8) }
        FormatTestSupport.write(line + [0x0A], "rows.txt", in: dir)
        let run = try Self.capped(["predict", dir + "/m.safetensors", dir + "/rows.txt"])
        #expect(run.reason == .exit && run.status == 1 && run.output.contains("more than 4 values"), "\(run.output)")
    }

    @Test func sweepsAreBoundedInRuns() throws {
        for text in ["count = 9223372036854775807\n[random]\nl1 = { uniform = [0.0, 0.01] }\n",
                     "[grid]\nseed = [" + (1...400).map(String.init).joined(separator: ",") + "]\nl1 = ["
                        + (1...400).map { "\(Double($0) / 1000)" }.joined(separator: ",") + "]\n"] {
            do {
                _ = try SweepSpecification.parse(text, path: "big.toml")
                Issue.record("a sweep of more than 100,000 runs was accepted")
            } catch let e as FileError {
                #expect(e.problem.contains("more than the 100000 a sweep may plan"), "\(e)")
            }
        }
    }

    /// A label column with more distinct values than classes allowed names the bound and the way out.
    @Test func classesAreBounded() throws {
        let rows = (0..<3000).map { "\($0 % 7),\($0 % 11),id\($0)" }.joined(separator: "\n")
        let path = writeTextFile("a,b,label\n" + rows + "\n", "ids.csv")
        do {
            _ = try DataReference(dataset: CSVDataset().name, directory: nil, arguments: ["data-file": path]).load()
            Issue.record("3000 classes accepted")
        } catch let e as FileError {
            #expect(e.problem.contains("3000 distinct label values") && e.problem.contains("--max-classes"), "\(e)")
        }
        let text = writeTextFile("text,label\n" + (0..<2000).map { "word \($0),l\($0)" }.joined(separator: "\n") + "\n", "text.csv")
        #expect(throws: FileError.self) {
            try DataReference(dataset: TextCSVDataset().name, directory: nil, arguments: ["data-file": text]).load()
        }
    }

    /// A text table of many short rows is measured as it is read, against the budget.
    @Test func textTablesAreMeasuredAsTheyAreRead() throws {
        let rows = String(repeating: "a b,1\n", count: 70_000)
        let dir = TestSupport.temporaryDirectory()
        let path = FormatTestSupport.write(Gzip.compress(Array(("text,label\n" + rows).utf8)), "many.csv.gz", in: dir)
        var limits = Limits()
        limits.memoryBytes = 1_000_000
        do {
            _ = try DataReference(dataset: TextCSVDataset().name, directory: nil, arguments: ["data-file": path]).load(limits: limits)
            Issue.record("read past the budget")
        } catch let e as UsageError {
            #expect(e.message.contains("65536 rows so far") && e.message.contains("the budget is 1 MB"), "\(e)")
        }
    }

    /// Numbers from files that become sizes or names cannot trap: a rating of 1e300 is a class.
    @Test func extremeRatingsAreClassesNotCrashes() throws {
        let rows = (0..<40).map { "\($0 % 2 == 0 ? "good" : "bad") text \($0),\($0 % 2 == 0 ? "1e300" : "1e19")" }
        let path = writeTextFile("text,stars\n" + rows.joined(separator: "\n") + "\n", "ratings.csv")
        let splits = try DataReference(dataset: TextCSVDataset().name, directory: nil,
                                       arguments: ["data-file": path, "label-column": "stars", "task": "rating"]).load()
        #expect(splits.train.classNames == ["1e+19", "1e+300"] && splits.train.classValues == [1e19, 1e300])
    }

    /// A NORB cache with a valid CRC but impossible counts or labels is rebuilt, never trusted.
    @Test func craftedNORBCachesAreNotTrusted() throws {
        let dir = TestSupport.temporaryDirectory()
        let source = FormatTestSupport.write([1, 2, 3], "source.mat", in: dir)
        func cache(train: Int, test: Int, labels: [UInt8], pixels: Int) throws -> String {
            struct Header: Codable { var sources: [Source]; var trainCount: Int; var testCount: Int }
            struct Source: Codable { var file: String; var size: Int; var modified: Double }
            let attributes = try FileManager.default.attributesOfItem(atPath: source)
            let header = try FileIO.jsonEncoder().encode(Header(
                sources: [Source(file: "source.mat", size: 3, modified: (attributes[.modificationDate] as! Date).timeIntervalSince1970)],
                trainCount: train, testCount: test))
            var bytes = Array("RECTNORB".utf8) + [1, 0, 0, 0]
            withUnsafeBytes(of: UInt32(header.count).littleEndian) { bytes += $0 }
            bytes += header
            bytes += [UInt8](repeating: 7, count: pixels) + labels
            let crc = bytes.withUnsafeBufferPointer { UInt32(truncatingIfNeeded: CZlib.crc32(0, $0.baseAddress, uInt($0.count))) }
            withUnsafeBytes(of: crc.littleEndian) { bytes += $0 }
            return FormatTestSupport.write(bytes, "norb-32x32.cache", in: dir)
        }
        func accepted(_ path: String) throws -> Bool { try NORBCache.read(path, sources: [source], classes: 6, limit: 1 << 30) != nil }
        #expect(try accepted(try cache(train: 1, test: 1, labels: [1, 2], pixels: 4096)))
        #expect(try !accepted(try cache(train: -1, test: 2, labels: [1], pixels: 2048)))
        #expect(try !accepted(try cache(train: Int.max / 1024, test: 0, labels: [], pixels: 0)))
        #expect(try !accepted(try cache(train: 1, test: 1, labels: [1, 9], pixels: 4096)))
    }

    /// processed_acl files hold two labels: a third is refused (or skipped), an empty file too.
    @Test func amazonFilesHoldTheirPolarityOnly() throws {
        let dir = try TextPipelineTests.amazon(6)
        let path = dir + "/books/positive.review"
        var text = try String(contentsOfFile: path, encoding: .utf8)
        text += "good:1 #label#:maybe\n"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        var reference = DataReference(dataset: "amazon-sentiment", directory: dir)
        reference[.domain] = .text("books")
        expectFileError(path, containing: "label \"maybe\" in the positive reviews") { _ = try reference.load() }
        reference[.skipBadLines] = .flag(true)
        #expect(try reference.load().train.classNames == ["negative", "positive"])
        try "".write(toFile: dir + "/dvd/negative.review", atomically: true, encoding: .utf8)
        reference[.domain] = .text("dvd")
        expectFileError(dir + "/dvd/negative.review", containing: "holds no reviews") { _ = try reference.load() }
    }
}
