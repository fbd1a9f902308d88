import Foundation

/// K-fold cross-validation of a run specification whose data names `folds`: one `Run` per fold
/// (fold k as test set, 10% of the rest as validation), each in `DIRECTORY/fold-k` with all
/// that a run brings (resumable, reused when finished), and the summary in
/// `DIRECTORY/result.json`: the means over the folds at the top (accuracy, test error, RMSE for
/// ratings, sparsity), their standard deviations beside them, the folds below.
public struct CrossValidation {
    public var specification: RunSpecification
    public var directory: String?
    public var options: RunOptions

    public init(_ specification: RunSpecification, directory: String?, options: RunOptions = RunOptions()) {
        self.specification = specification
        self.directory = directory
        self.options = options
    }

    /// The specification of fold `k`.
    public func fold(_ k: Int) -> RunSpecification {
        var s = specification
        s.data.fold = k
        return s
    }

    /// Runs (or resumes, or reuses) every fold in turn, then writes the summary. `events`
    /// receives each fold's events with its index.
    public func execute(events: (Int, RunEvent) -> Void = { _, _ in }) throws -> CrossValidationResult {
        guard let folds = specification.data.folds, specification.training != nil else {
            throw UsageError("cross-validation needs a number of folds and supervised training")
        }
        guard let directory else { return try execute(in: nil, folds: folds, events: events) }
        let dir = try RunDirectory(directory)
        // Owned for the whole cross-validation (each fold's run owns its own directory too).
        return try DirectoryLock.holding(dir.path) { try execute(in: dir, folds: folds, events: events) }
    }

    /// `execute` into `dir`, whose lock the caller holds.
    private func execute(in dir: RunDirectory?, folds: Int, events: (Int, RunEvent) -> Void) throws -> CrossValidationResult {
        var cv = specification
        cv.data.fold = nil
        let hash = cv.hash
        if let dir {
            try FileIO.removeTemporaries(in: dir.path)
            if let record = try dir.readRecord(limit: options.fileSizeLimit), record.specHash != hash {
                throw FileError(dir.path, "holds another run (specification \(record.specHash), \(record.specification.summary)); use another directory")
            }
        }
        try dir?.writeRecord(RunRecord(specHash: hash, specification: cv, architecture: nil, backend: options.linearAlgebra.description))
        var results: [TrainingResult] = []
        for k in 0..<folds {
            let run = Run(fold(k), directory: dir.map { $0.path + "/fold-\(k)" }, options: options)
            let result = try run.execute { events(k, $0) }
            results.append(result.training!)
        }
        let summary = CrossValidationResult(results, specHash: hash)
        try dir?.writeResult(summary)
        return summary
    }
}

/// The summary of a cross-validation (`result.json` of its directory).
public struct CrossValidationResult: Codable, Equatable, Sendable {
    /// One fold's measurements.
    public struct Fold: Codable, Equatable, Sendable {
        public var fold: Int
        public var testError: Double
        public var accuracy: Double
        public var rmse: Double?
        public var meanSparsity: Double
        public var sparsityPerLayer: [Double]
        public var bestEpoch: Int
        public var divergence: Divergence?
    }

    public var folds: Int
    public var accuracy: Double
    public var accuracySD: Double
    public var testError: Double
    public var testErrorSD: Double
    public var rmse: Double?
    public var rmseSD: Double?
    public var meanSparsity: Double
    public var sparsityPerLayer: [Double]
    public var perFold: [Fold]
    public var specHash: String

    /// The means and sample standard deviations of `results`, one per fold.
    public init(_ results: [TrainingResult], specHash: String) {
        func mean(_ v: [Double]) -> Double { v.reduce(0, +) / Double(max(1, v.count)) }
        func sd(_ v: [Double]) -> Double {
            guard v.count > 1 else { return 0 }
            let m = mean(v)
            return (v.map { ($0 - m) * ($0 - m) }.reduce(0, +) / Double(v.count - 1)).squareRoot()
        }
        perFold = results.enumerated().map { k, r in
            Fold(fold: k, testError: r.testError, accuracy: 1 - r.testError, rmse: r.testRMSE, meanSparsity: r.meanSparsity,
                 sparsityPerLayer: r.sparsityPerLayer, bestEpoch: r.bestEpoch, divergence: r.divergence)
        }
        folds = results.count
        let errors = results.map(\.testError)
        testError = mean(errors)
        testErrorSD = sd(errors)
        accuracy = 1 - testError
        accuracySD = testErrorSD
        let rmses = results.compactMap(\.testRMSE)
        rmse = rmses.count == results.count && !rmses.isEmpty ? mean(rmses) : nil
        rmseSD = rmse == nil ? nil : sd(rmses)
        meanSparsity = mean(results.map(\.meanSparsity))
        let layers = results.first?.sparsityPerLayer.count ?? 0
        sparsityPerLayer = (0..<layers).map { l in mean(results.map { $0.sparsityPerLayer[l] }) }
        self.specHash = specHash
    }
}
