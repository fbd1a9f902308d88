import Foundation

/// The Amazon multi-domain sentiment benchmark (Blitzer, Dredze & Pereira 2007) as the paper
/// uses it: 1000 positive and 1000 negative reviews in each of four domains, as
/// bag-of-words. `amazon-sentiment` reads the `processed_acl` files (`DIR/DOMAIN/positive.review`,
/// `negative.review`: `term:count ... #label#:positive`); `amazon-reviews` reads the raw reviews
/// (the same layout, pseudo-XML with star ratings) through `Tokenizer`, for sentiment or, with
/// `task: rating`, for the star rating.
///
/// Each domain is split on its own (a seeded, stratified fold of a `folds`-fold
/// cross-validation, or 70 / 10 / 20). The vocabulary is the `vocabularySize` (5000) terms of
/// highest document frequency over the training parts of all four domains of the same split
/// (never a test part), so that one vocabulary serves every domain and pre-training can use
/// the training parts of all four (`DataSplits.unlabeled`) for one domain's network. With
/// `vocabularyFrom: "domain"` the vocabulary comes from the named domain's training part alone
/// (as the scikit-learn peer's); pre-training still reads all four, through that vocabulary.
public struct AmazonSentimentDataset: DatasetKind {
    /// Whether the files are the raw reviews (`amazon-reviews`) rather than processed_acl.
    let raw: Bool

    public init(raw: Bool = false) { self.raw = raw }

    public static let domains = ["books", "dvd", "electronics", "kitchen"]
    public var name: String { raw ? "amazon-reviews" : "amazon-sentiment" }
    public var title: String {
        raw ? "Amazon reviews, raw text with star ratings, 4 domains x 2000 (sentiment or rating)"
            : "Amazon multi-domain sentiment, processed_acl bag of words, 4 domains x 2000, positive / negative"
    }
    public var files: [String] { Self.domains.flatMap { d in ["\(d)/positive.review", "\(d)/negative.review"] } }
    public var split: String { "per domain: one fold of a stratified K-fold CV (--folds K --fold F), or 70% / 10% / 20%" }
    public var preprocessing: String {
        (raw ? "lower-case unigrams and bigrams, numbers to <num> (as processed_acl); " : "")
            + "binary bag of words over the 5000 terms of highest document frequency in the training parts"
    }
    public var shape: ImageShape? { nil }
    public var downloadSize: String? { nil }
    public var source: String { "John Blitzer, Mark Dredze, Fernando Pereira, ACL 2007" }
    public var inputKind: InputKind { .text }
    public var options: [DataOption] { [.domain, .vocabularyFrom] + DataOption.bagOfWords + DataOption.singleFileSplit }

    public func validate(_ reference: DataReference) throws {
        if !raw && reference.text(.task) == "rating" {
            throw UsageError("processed_acl files hold no ratings: use amazon-reviews for the rating task")
        }
    }

    public func isPresent(in directory: String) -> Bool {
        files.allSatisfy { FileManager.default.fileExists(atPath: directory + "/" + $0) }
    }

    public func load(_ reference: DataReference, directory: String, limits: Limits) throws -> DataSplits {
        let limit = limits.fileBytes
        let wanted = reference.text(.domain) ?? "all"
        let task = reference.text(.task)
        var corpus = TextCorpus(documents: [], labels: [])
        var domainOf: [String] = []
        let policy: BadRecordPolicy = reference.flag(.skipBadLines) ? .skip : .fail
        let tokenizer = Tokenizer()
        for domain in Self.domains {
            for polarity in ["positive", "negative"] {
                let path = "\(directory)/\(domain)/\(polarity).review"
                guard FileManager.default.fileExists(atPath: path) else {
                    if wanted == "all" || wanted == domain { throw FileError(path, "no such file") }
                    continue
                }
                if raw {
                    let reviews = try ReviewFile.read(path, badRecords: policy, decodesEntities: false, limit: limit).reviews
                    guard !reviews.isEmpty else { throw FileError(path, "holds no reviews") }
                    corpus.documents += reviews.map { tokenizer.termCounts($0) }
                    corpus.labels += reviews.map { task == "rating" ? String($0.rating) : polarity }
                    domainOf += Array(repeating: domain, count: reviews.count)
                } else {
                    var docs = try ProcessedACL.read(path, badLines: policy, limit: limit).documents
                    // A file of one polarity holds that label alone: anything else would become a third class.
                    if let stray = docs.first(where: { $0.label != polarity }) {
                        let error = FileError(path, "line \(stray.line): label \"\(NumericTable.excerpt(stray.label))\" in the \(polarity) reviews")
                        var skipped = SkippedRecords()
                        try policy.handle(error, &skipped)
                        docs.removeAll { $0.label != polarity }
                    }
                    guard !docs.isEmpty else { throw FileError(path, "holds no reviews") }
                    corpus.documents += docs.map(\.termCounts)
                    corpus.labels += docs.map(\.label)
                    domainOf += Array(repeating: domain, count: docs.count)
                }
            }
        }
        let source = directory
        let classes = try corpus.classes(task: task, source: source, limits: limits).indices
        // Each domain split on its own; the vocabulary and the pre-training inputs from every domain's training part.
        var parts: [String: StratifiedSplit] = [:]
        for domain in Set(domainOf) {
            let members = domainOf.indices.filter { domainOf[$0] == domain }
            let s = try TextCorpus.split(members.map { classes[$0] }, reference: reference)
            parts[domain] = StratifiedSplit(train: s.train.map { members[$0] }, validation: s.validation.map { members[$0] },
                                            test: s.test.map { members[$0] })
        }
        let chosen = wanted == "all" ? Self.domains.filter { parts[$0] != nil } : [wanted]
        let split = StratifiedSplit(train: chosen.flatMap { parts[$0]!.train }, validation: chosen.flatMap { parts[$0]!.validation },
                                    test: chosen.flatMap { parts[$0]!.test })
        let vocabularyDomains = reference.text(.vocabularyFrom) == "domain" ? chosen : Self.domains
        let vocabularyTraining = vocabularyDomains.compactMap { parts[$0]?.train }.flatMap { $0 }
        var splits = try corpus.splits(split, reference: reference, name: "\(name)/\(wanted)", source: source,
                                       vocabularyDocuments: vocabularyTraining.map { corpus.documents[$0] }, limits: limits)
        if wanted != "all", let vocabulary = splits.vocabulary {
            let others = Self.domains.filter { $0 != wanted }.compactMap { parts[$0]?.train }.flatMap { $0 }
            splits.unlabeled = .sparse(vocabulary.matrix(others.map { corpus.documents[$0] },
                                                         weighting: reference.text(.features) == "counts" ? .counts : .binary))
        }
        return splits
    }
}

extension DataOption {
    /// Amazon: the domain of the reviews.
    public static let domain = DataOption("domain", key: "domain", .choice(AmazonSentimentDataset.domains + ["all"]),
                                          help: "Amazon: books, dvd, electronics, kitchen or all.")
    /// Amazon: whose training parts choose the vocabulary.
    public static let vocabularyFrom = DataOption("vocabulary-from", key: "vocabularyFrom", .choice(["all", "domain"]),
                                                  help: "Amazon: the training parts that choose the vocabulary: all four domains (default) or the domain alone.")
}
