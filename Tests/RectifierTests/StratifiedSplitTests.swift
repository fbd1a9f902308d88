import Rectifier
import Testing

/// Seeded stratified train/validation/test splits and k-fold assignments.
@Suite struct StratifiedSplitTests {
    /// 50 examples of class 0, 30 of class 1, 20 of class 2, interleaved.
    static let labels: [Int32] = (0..<100).map { k in k % 10 < 5 ? 0 : k % 10 < 8 ? 1 : 2 }

    func classCounts(_ indices: [Int], _ labels: [Int32] = labels) -> [Int] {
        var counts = [Int](repeating: 0, count: Int(labels.max()! + 1))
        for k in indices { counts[Int(labels[k])] += 1 }
        return counts
    }

    @Test func partsAreDisjointCoverAllAndKeepEachClassShare() throws {
        var rng = RandomSource(seed: 7)
        let split = try StratifiedSplit(labels: Self.labels, rng: &rng)
        #expect(Set(split.train + split.validation + split.test) == Set(0..<100))
        #expect(split.train.count + split.validation.count + split.test.count == 100)
        #expect(split.train == split.train.sorted() && split.test == split.test.sorted())
        // Per class: test round(0.2 n), validation round(0.3 n) - round(0.2 n), the rest training.
        #expect(classCounts(split.test) == [10, 6, 4])
        #expect(classCounts(split.validation) == [5, 3, 2])
        #expect(classCounts(split.train) == [35, 21, 14])
    }

    @Test func fractionsAreConfigurable() throws {
        var rng = RandomSource(seed: 1)
        let split = try StratifiedSplit(labels: Self.labels, testFraction: 0.5, validationFraction: 0, rng: &rng)
        #expect(classCounts(split.test) == [25, 15, 10] && split.validation.isEmpty && split.train.count == 50)
        var small = RandomSource(seed: 1)
        let tiny = try StratifiedSplit(labels: [0, 1], rng: &small)
        #expect(tiny.train == [0, 1], "a class of one example has round(0.2) = round(0.3) = 0 test and validation examples")
    }

    @Test func sameSeedSameSplitOtherSeedOtherSplit() throws {
        var a = RandomSource(seed: 42)
        var b = RandomSource(seed: 42)
        var c = RandomSource(seed: 43)
        let first = try StratifiedSplit(labels: Self.labels, rng: &a)
        #expect(try StratifiedSplit(labels: Self.labels, rng: &b) == first)
        #expect(try StratifiedSplit(labels: Self.labels, rng: &c) != first)
    }

    @Test func refusesBadArguments() {
        var rng = RandomSource(seed: 1)
        #expect(throws: UsageError.self) { try StratifiedSplit(labels: [0, 1], testFraction: 0.7, validationFraction: 0.3, rng: &rng) }
        #expect(throws: UsageError.self) { try StratifiedSplit(labels: [0, 1], testFraction: -0.1, rng: &rng) }
        #expect(throws: UsageError.self) { try StratifiedSplit(labels: [0, -1], rng: &rng) }
        #expect(throws: UsageError.self) { try StratifiedSplit.folds(labels: [0, 1], count: 1, rng: &rng) }
        #expect(throws: UsageError.self) { try StratifiedSplit.folds(labels: [-3], count: 2, rng: &rng) }
    }

    @Test func foldsAreStratifiedAndBalanced() throws {
        // 23 of class 0, 17 of class 1, 1 of class 2.
        let labels: [Int32] = Array(repeating: 0, count: 23) + Array(repeating: 1, count: 17) + [2]
        var rng = RandomSource(seed: 3)
        let folds = try StratifiedSplit.folds(labels: labels, count: 5, rng: &rng)
        #expect(folds.count == labels.count && folds.allSatisfy { (0..<5).contains($0) })
        let members = (0..<5).map { f in folds.indices.filter { folds[$0] == f } }
        for c in 0..<3 {
            let perFold = members.map { classCounts($0, labels)[c] }
            #expect(perFold.max()! - perFold.min()! <= 1, "class \(c): \(perFold)")
        }
        let sizes = members.map(\.count)
        #expect(sizes.max()! - sizes.min()! <= 1 && sizes.reduce(0, +) == 41)
        var again = RandomSource(seed: 3)
        #expect(try StratifiedSplit.folds(labels: labels, count: 5, rng: &again) == folds)
        var other = RandomSource(seed: 4)
        #expect(try StratifiedSplit.folds(labels: labels, count: 5, rng: &other) != folds)
    }
}
