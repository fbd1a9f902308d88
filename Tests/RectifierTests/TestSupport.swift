import Foundation
import Rectifier

/// Shared helpers for the test suite.
enum TestSupport {
    /// The project root (two levels above this file's folder).
    static let projectRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    /// `../shared/data/mnist` when present (real data for tests that can use it), else nil.
    static var sharedMNIST: String? {
        let path = projectRoot.appendingPathComponent("../shared/data/mnist").standardized.path
        return FileManager.default.fileExists(atPath: path + "/t10k-labels-idx1-ubyte") ? path : nil
    }

    /// A fresh temporary directory.
    static func temporaryDirectory() -> String {
        let path = NSTemporaryDirectory() + "rectifier-test-\(UUID().uuidString)"
        try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// A matrix of uniform values in [-1, 1) from `seed`.
    static func randomMatrix(_ rows: Int, _ columns: Int, seed: UInt64) -> Matrix {
        var rng = RandomSource(seed: seed)
        return Matrix(rows: rows, columns: columns, storage: (0..<(rows * columns)).map { _ in rng.nextFloat(symmetric: 1) })
    }

    /// Largest |a - b| / (1 + |b|) over two equal-length sequences.
    static func maxRelativeError(_ a: [Float], _ b: [Float]) -> Float {
        precondition(a.count == b.count)
        return zip(a, b).map { abs($0 - $1) / (1 + abs($1)) }.max() ?? 0
    }
}
