/// Random data with MNIST's shape, for benchmarks without the real files.
public enum SyntheticData {
    /// `train` + `test` random 784-pixel "images" with about 19% non-zero pixels (MNIST's
    /// density) and uniform random labels over 10 classes. No validation examples beyond 100.
    public static func mnistShaped(train: Int = 10_000, test: Int = 10_000, seed: UInt64 = 1) -> DataSplits {
        var rng = RandomSource(seed: seed)
        func make(_ n: Int, _ name: String) -> Dataset {
            var pixels = [Float](repeating: 0, count: n * 784)
            for i in pixels.indices where rng.nextUnitFloat() < 0.19 { pixels[i] = rng.nextUnitFloat() }
            let labels = (0..<n).map { _ in Int32(rng.nextInt(below: 10)) }
            return Dataset(name: "synthetic/\(name)", features: Matrix(rows: n, columns: 784, storage: pixels),
                           labels: labels, classes: 10)
        }
        return DataSplits(train: make(train, "train"), validation: make(100, "validation"), test: make(test, "test"))
    }

    /// `train` + `test` random binary bag-of-words rows of `terms` columns, each entry 1 with
    /// probability `density` (the paper's 5000 terms at about 0.6%, as
    /// the PyTorch peer script `torch_sentiment.py` makes them), stored as CSR, with uniform random
    /// labels over 2 classes. No validation examples beyond 100.
    public static func bagOfWords(train: Int = 8000, test: Int = 1000, terms: Int = 5000, density: Double = 0.006,
                                  seed: UInt64 = 1) -> DataSplits {
        var rng = RandomSource(seed: seed)
        func make(_ n: Int, _ name: String) -> Dataset {
            var (rowStart, columns) = ([0], [Int32]())
            for _ in 0..<n {
                for t in 0..<terms where Double(rng.nextUnitFloat()) < density { columns.append(Int32(t)) }
                rowStart.append(columns.count)
            }
            let x = SparseMatrix(rows: n, columns: terms, rowStart: rowStart, columnIndices: columns,
                                 values: [Float](repeating: 1, count: columns.count))!
            return Dataset(name: "synthetic-text/\(name)", inputs: .sparse(x),
                           labels: (0..<n).map { _ in Int32(rng.nextInt(below: 2)) }, classes: 2)
        }
        return DataSplits(train: make(train, "train"), validation: make(100, "validation"), test: make(test, "test"))
    }
}
