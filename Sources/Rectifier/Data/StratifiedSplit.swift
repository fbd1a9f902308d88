/// A seeded division of one labelled file into training, validation and test examples, for data
/// that comes without a separate test file (the sentiment reviews), keeping each class's share
/// the same in every part (stratified).
///
/// Within each class the examples are shuffled with the given generator; then the first
/// round(n_c · testFraction) go to the test set, the next ones up to
/// round(n_c · (testFraction + validationFraction)) to validation, the rest to training. The
/// three index sets are disjoint, cover every example, and are sorted.
public struct StratifiedSplit: Equatable, Sendable, Codable {
    /// Indices of the training examples, increasing.
    public var train: [Int]
    /// Indices of the validation examples, increasing.
    public var validation: [Int]
    /// Indices of the test examples, increasing.
    public var test: [Int]

    /// Index sets as given.
    public init(train: [Int], validation: [Int], test: [Int]) {
        self.train = train
        self.validation = validation
        self.test = test
    }

    /// Splits the examples whose classes are `labels` (class indices, 0 or more). A `UsageError`
    /// for a negative label, or fractions that are not in [0, 1) or sum to 1 or more.
    public init(labels: [Int32], testFraction: Double = 0.2, validationFraction: Double = 0.1,
                rng: inout RandomSource) throws {
        guard (0..<1).contains(testFraction), (0..<1).contains(validationFraction),
              testFraction + validationFraction < 1 else {
            throw UsageError("split fractions must be in [0, 1) and sum to less than 1 (test \(testFraction), validation \(validationFraction))")
        }
        train = []
        validation = []
        test = []
        for members in try Self.shuffledClasses(labels, &rng) {
            let n = Double(members.count)
            let testEnd = Int((n * testFraction).rounded())
            let validationEnd = max(testEnd, Int((n * (testFraction + validationFraction)).rounded()))
            test += members[..<testEnd]
            validation += members[testEnd..<validationEnd]
            train += members[validationEnd...]
        }
        train.sort()
        validation.sort()
        test.sort()
    }

    /// The fold (0..<folds) of each example for stratified k-fold cross-validation: each
    /// class's examples, shuffled, are dealt to the folds in turn, each class starting where the
    /// previous one stopped. So within every class the fold sizes differ by at most one, and so
    /// do the folds' total sizes. A `UsageError` for fewer than 2 folds or a negative label.
    public static func folds(labels: [Int32], count folds: Int, rng: inout RandomSource) throws -> [Int] {
        guard folds >= 2 else { throw UsageError("k-fold cross-validation needs at least 2 folds, not \(folds)") }
        var fold = [Int](repeating: 0, count: labels.count)
        var next = 0
        for members in try shuffledClasses(labels, &rng) {
            for example in members {
                fold[example] = next
                next = (next + 1) % folds
            }
        }
        return fold
    }

    /// The indices of each class's examples (classes in increasing order), each list shuffled.
    static func shuffledClasses(_ labels: [Int32], _ rng: inout RandomSource) throws -> [[Int]] {
        if let bad = labels.firstIndex(where: { $0 < 0 }) {
            throw UsageError("label \(labels[bad]) of example \(bad) is not a class index (0 or more)")
        }
        var byClass: [Int32: [Int]] = [:]
        for (k, label) in labels.enumerated() { byClass[label, default: []].append(k) }
        return byClass.keys.sorted().map { label in
            var members = byClass[label]!
            rng.shuffle(&members)
            return members
        }
    }
}

extension StratifiedSplit {
    /// The split a single-file dataset's `reference` asks for, of examples of `classes`: fold
    /// `fold` of `folds` as the test set (stratified, seeded by `split-seed`) and `validation`
    /// examples (10%) of the rest for validation; or, without folds, a stratified
    /// `test-fraction` (0.2) / `validation` (10%) / the rest. A `UsageError` for more folds than
    /// the smallest class has examples, or a split that leaves a part empty.
    public init(classes: [Int32], reference: DataReference) throws {
        var rng = RandomSource(seed: UInt64(reference.integer(.splitSeed) ?? 0)).derived("split")
        func validationFraction(of count: Int) -> Double {
            reference.validation.map { Double($0) / Double(max(1, count)) } ?? 0.1
        }
        if let folds = reference.folds, let fold = reference.fold {
            var sizes: [Int32: Int] = [:]
            for c in classes { sizes[c, default: 0] += 1 }
            let smallest = sizes.values.min() ?? 0
            guard folds <= smallest else {
                throw UsageError("--folds \(folds): the smallest class has \(smallest) example\(smallest == 1 ? "" : "s"), "
                    + "so at most \(smallest) folds can each test every class")
            }
            let assignment = try StratifiedSplit.folds(labels: classes, count: folds, rng: &rng)
            let test = assignment.indices.filter { assignment[$0] == fold }
            let rest = assignment.indices.filter { assignment[$0] != fold }
            let inner = try StratifiedSplit(labels: rest.map { classes[$0] }, testFraction: validationFraction(of: rest.count),
                                            validationFraction: 0, rng: &rng)
            self.init(train: inner.train.map { rest[$0] }, validation: inner.test.map { rest[$0] }, test: test)
        } else {
            try self.init(labels: classes, testFraction: reference.number(.testFraction) ?? 0.2,
                          validationFraction: validationFraction(of: classes.count), rng: &rng)
        }
    }
}
