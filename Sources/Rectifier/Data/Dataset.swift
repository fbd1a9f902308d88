/// A labelled dataset held in memory: one example per row of `inputs`.
public struct Dataset: Sendable, Equatable {
    /// A short name for logs (`mnist/train`).
    public var name: String
    /// Examples, one per row, dense or sparse.
    public var inputs: Inputs
    /// Class of each example, in 0..<classes.
    public var labels: [Int32]
    /// Number of classes.
    public var classes: Int
    /// A name per class (`"0"`...`"9"` for digits, `"airplane"`... for CIFAR-10), or empty.
    public var classNames: [String]
    /// Perturbations drawn anew for every example in every epoch as training batches are
    /// gathered (NISTP), with the images' size; nil for the others.
    public var perturbation: (Perturbation, ImageSize)?
    /// For rating prediction: the rating of each class (the softmax is over the ratings, the
    /// prediction is the expected rating, and RMSE is measured); nil for classification.
    public var classValues: [Double]?

    public static func == (a: Dataset, b: Dataset) -> Bool {
        a.name == b.name && a.inputs == b.inputs && a.labels == b.labels && a.classes == b.classes
            && a.classNames == b.classNames && a.perturbation?.0 == b.perturbation?.0 && a.perturbation?.1 == b.perturbation?.1
            && a.classValues == b.classValues
    }

    /// A dataset of `inputs`; labels must be in `0..<classes`, one per example.
    public init(name: String, inputs: Inputs, labels: [Int32], classes: Int, classNames: [String] = []) {
        precondition(inputs.count == labels.count, "one label per example")
        precondition(labels.allSatisfy { $0 >= 0 && Int($0) < classes }, "labels must be in 0..<classes")
        precondition(classNames.isEmpty || classNames.count == classes, "one name per class")
        self.name = name
        self.inputs = inputs
        self.labels = labels
        self.classes = classes
        self.classNames = classNames
    }

    /// A dataset of dense inputs.
    public init(name: String, features: Matrix, labels: [Int32], classes: Int, classNames: [String] = []) {
        self.init(name: name, inputs: .dense(features), labels: labels, classes: classes, classNames: classNames)
    }

    /// Number of examples.
    public var count: Int { labels.count }
    /// Features per example.
    public var featureCount: Int { inputs.width }

    /// The examples at `indices`, in that order.
    public func subset<C: Collection>(_ indices: C, name: String? = nil) -> Dataset where C.Element == Int {
        var d = Dataset(name: name ?? self.name, inputs: inputs.gatherRows(indices),
                        labels: indices.map { labels[$0] }, classes: classes, classNames: classNames)
        d.perturbation = perturbation
        d.classValues = classValues
        return d
    }

    /// Examples `range`.
    public func slice(_ range: Range<Int>, name: String? = nil) -> Dataset {
        subset(Array(range), name: name)
    }

    /// Number of examples of each class.
    public var classCounts: [Int] {
        var counts = [Int](repeating: 0, count: classes)
        for l in labels { counts[Int(l)] += 1 }
        return counts
    }

    /// A seeded, stratified sample of about `fraction` of the examples: each class keeps
    /// round(fraction × its count) examples (at least one), chosen uniformly.
    public func stratifiedSample(fraction: Double, rng: inout RandomSource) -> Dataset {
        precondition(fraction > 0 && fraction <= 1)
        if fraction == 1 { return self }
        var byClass = [[Int]](repeating: [], count: classes)
        for (i, l) in labels.enumerated() { byClass[Int(l)].append(i) }
        var keep: [Int] = []
        for var members in byClass where !members.isEmpty {
            rng.shuffle(&members)
            let n = max(1, Int((fraction * Double(members.count)).rounded()))
            keep += members.prefix(n)
        }
        keep.sort()
        return subset(keep, name: "\(name)[\(fraction)]")
    }
}

/// Train, validation and test sets of one task.
public struct DataSplits: Sendable {
    public var train: Dataset
    public var validation: Dataset
    public var test: Dataset
    /// Text: the vocabulary the inputs were made with (saved with the model).
    public var vocabulary: Vocabulary?
    /// More inputs for unsupervised pre-training, beside the training inputs (Amazon: the
    /// training parts of the other domains); nil: none.
    public var unlabeled: Inputs?
    /// Tables and arrays: the standardisation applied to all three parts (fitted on the
    /// training part), which the model keeps; nil: none.
    public var standardization: Standardization?
    /// Records the reader left out (`--skip-bad-lines`).
    public var skipped = SkippedRecords()
    /// Tables: the name of each input feature (the file's column names), or nil.
    public var featureNames: [String]?
    /// Tables: the name of the label column, or nil.
    public var labelColumn: String?
    /// Tables and arrays: which examples (0-based, in the order read) went to each part, so
    /// that another tool can be compared on the same split (`RUN_DIR/split.json`); nil for
    /// datasets whose files come split.
    public var split: StratifiedSplit?
    public init(train: Dataset, validation: Dataset, test: Dataset) {
        self.train = train
        self.validation = validation
        self.test = test
    }
}

extension Dataset {
    /// This dataset followed by `other` (same features and classes).
    public func appending(_ other: Dataset, name: String? = nil) -> Dataset {
        precondition(featureCount == other.featureCount && classes == other.classes, "datasets do not match")
        var d = Dataset(name: name ?? "\(self.name)+\(other.name)", inputs: inputs.appending(other.inputs),
                        labels: labels + other.labels, classes: classes, classNames: classNames)
        d.perturbation = perturbation
        d.classValues = classValues
        return d
    }

    /// An empty dataset of the same width and classes (e.g. "no validation set").
    public func emptied(name: String) -> Dataset {
        var d = Dataset(name: name, inputs: inputs.gatherRows([]), labels: [], classes: classes, classNames: classNames)
        d.classValues = classValues
        return d
    }
}
