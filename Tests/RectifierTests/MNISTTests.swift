import Foundation
import Rectifier
import Testing

@Suite struct MNISTTests {
    @Test func embeddedSubsetHasTheDocumentedSplit() throws {
        let s = try MNISTDataset.loadShippedSubset()
        #expect(s.train.count == 5000 && s.validation.count == 1000 && s.test.count == 2000)
        #expect(s.train.featureCount == 784 && s.train.classes == 10)
        #expect(s.train.inputs.densified().storage.allSatisfy { $0 >= 0 && $0 <= 1 })
        #expect(s.train.inputs.densified().storage.contains(1), "the brightest pixels map to exactly 1")
        // every digit is present in reasonable numbers
        #expect(s.train.classCounts.allSatisfy { $0 > 350 })
        // MNIST's first training label is 5, its first test label 7
        #expect(s.train.labels[0] == 5 && s.test.labels[0] == 7)
    }

    @Test(.enabled(if: TestSupport.sharedMNIST != nil, "needs ../shared/data/mnist"))
    func fullMNISTSplitsLikeThePaper() throws {
        let s = try MNISTDataset.load(directory: TestSupport.sharedMNIST!)
        #expect(s.train.count == 50_000 && s.validation.count == 10_000 && s.test.count == 10_000)
        #expect(s.test.classCounts == [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009])
        // the shipped subset is the head of the real files
        let embedded = try MNISTDataset.loadShippedSubset()
        #expect(embedded.train.inputs.row(17) == s.train.inputs.row(17))
        #expect(embedded.validation.labels == Array(s.train.labels[5000..<6000]))
        #expect(embedded.test.labels == Array(s.test.labels.prefix(2000)))
    }

    @Test func missingDirectoryAndFilesAreNamed() throws {
        do {
            _ = try MNISTDataset.load(directory: "/nonexistent/mnist")
            Issue.record("accepted a missing directory")
        } catch let e as FileError {
            #expect(e.path == "/nonexistent/mnist" && e.problem.contains("no such directory"))
        }
        let dir = TestSupport.temporaryDirectory()
        do {
            _ = try MNISTDataset.load(directory: dir)
            Issue.record("accepted an empty directory")
        } catch let e as FileError {
            #expect(e.problem.contains("train-images-idx3-ubyte"))
        }
    }

    @Test func mismatchedImageAndLabelCountsAreRefused() throws {
        let dir = TestSupport.temporaryDirectory()
        func put(_ a: IDXArray, _ name: String) {
            _ = FileManager.default.createFile(atPath: dir + "/" + name, contents: Data(a.encoded()))
        }
        put(IDXArray(shape: [4, 2, 2], bytes: [UInt8](repeating: 1, count: 16)), "train-images-idx3-ubyte")
        put(IDXArray(shape: [3], bytes: [1, 2, 3]), "train-labels-idx1-ubyte")
        put(IDXArray(shape: [2, 2, 2], bytes: [UInt8](repeating: 1, count: 8)), "t10k-images-idx3-ubyte")
        put(IDXArray(shape: [2], bytes: [1, 2]), "t10k-labels-idx1-ubyte")
        #expect(throws: FileError.self) { try MNISTDataset.load(directory: dir, validationSize: 1) }
        put(IDXArray(shape: [4], bytes: [1, 2, 3, 12]), "train-labels-idx1-ubyte")
        do {
            _ = try MNISTDataset.load(directory: dir, validationSize: 1)
            Issue.record("accepted label 12")
        } catch let e as FileError {
            #expect(e.problem.contains("label 12"))
        }
        put(IDXArray(shape: [4], bytes: [1, 2, 3, 4]), "train-labels-idx1-ubyte")
        put(IDXArray(shape: [2, 1, 2], bytes: [1, 1, 1, 1]), "t10k-images-idx3-ubyte")  // 1x2 test images, 2x2 training
        do {
            _ = try MNISTDataset.load(directory: dir, validationSize: 1)
            Issue.record("accepted test images of another size")
        } catch let e as FileError {
            #expect(e.path.hasSuffix("t10k-images-idx3-ubyte") && e.problem.contains("1x2"))
        }
        put(IDXArray(shape: [2, 2, 2], bytes: [UInt8](repeating: 1, count: 8)), "t10k-images-idx3-ubyte")
        let s = try MNISTDataset.load(directory: dir, validationSize: 1)
        #expect(s.train.count == 3 && s.validation.count == 1 && s.test.count == 2)
        #expect(s.train.inputs.densified()[0, 0] == Float(1) / 255)
    }

    @Test func stratifiedSampleKeepsClassProportions() throws {
        let train = try MNISTDataset.loadShippedSubset().train
        var rng = RandomSource(seed: 4)
        let sample = train.stratifiedSample(fraction: 0.1, rng: &rng)
        for (full, part) in zip(train.classCounts, sample.classCounts) {
            #expect(abs(Double(part) - 0.1 * Double(full)) <= 1)
        }
        var rng2 = RandomSource(seed: 4)
        #expect(train.stratifiedSample(fraction: 0.1, rng: &rng2) == sample, "same seed, same sample")
    }
}
