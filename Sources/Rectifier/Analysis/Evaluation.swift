/// Accuracy and exact sparsity of a network on a dataset.
public struct Evaluation: Codable, Equatable, Sendable {
    /// Fraction of misclassified examples.
    public var errorRate: Double
    /// Mean -log P(label | x).
    public var meanLoss: Double
    /// Per hidden layer: fraction of exact zeros among its unit outputs over the dataset.
    public var sparsityPerLayer: [Double]
    /// Per hidden layer: units whose output is zero on every example ("dead" units).
    public var deadUnitsPerLayer: [Int]
    /// Number of examples evaluated.
    public var examples: Int
    /// Rating prediction: root mean squared error of the expected rating (nil for classification).
    public var rmse: Double?

    /// What model selection minimises: the RMSE for ratings, else the error rate.
    public var criterion: Double { rmse ?? errorRate }

    /// Mean of `sparsityPerLayer` (the paper's "average exact sparsity"), 0 without hidden layers.
    public var meanSparsity: Double {
        sparsityPerLayer.isEmpty ? 0 : sparsityPerLayer.reduce(0, +) / Double(sparsityPerLayer.count)
    }
    /// Total dead units over the hidden layers.
    public var deadUnits: Int { deadUnitsPerLayer.reduce(0, +) }
}

extension Network {
    /// Classifies every example of `data` in batches of `batchSize` and measures error, loss,
    /// exact sparsity per hidden layer and dead units. Sparsity counts exact zeros of f(z),
    /// so tanh and softplus layers are near 0 and rectifier layers show their true sparsity.
    /// Throws a `UsageError` when the data does not fit the network (width, classes).
    public func evaluate(_ data: Dataset, batchSize: Int = 1000, using la: LinearAlgebra,
                         workspace: Workspace? = nil) throws -> Evaluation {
        try checkFits(width: data.featureCount, classes: data.classes, name: data.name)
        return measure(data, batchSize: batchSize, using: la, workspace: workspace)
    }

    /// `evaluate` for data already known to fit (the trainer checks once per run).
    func measure(_ data: Dataset, batchSize: Int = 1000, using la: LinearAlgebra, workspace: Workspace? = nil) -> Evaluation {
        let hidden = layers.count - 1
        var zeros = [Int](repeating: 0, count: hidden)
        var everActive = layers.dropLast().map { [Bool](repeating: false, count: $0.outputSize) }
        var lossSum = 0.0
        var correct = 0
        var squaredError = 0.0
        let values = data.classValues
        let probabilities = values.map { _ in FloatBuffer(count: layers[hidden].outputSize) }
        data.labels.withUnsafeBufferPointer { y in
            forwardAll(data.inputs, batchSize: batchSize, workspace: workspace, using: la) { range, ws in
                let batch = range.count
                for l in 0..<hidden {
                    let n = layers[l].outputSize
                    let h = ws.outputs[l].pointer
                    everActive[l].withUnsafeMutableBufferPointer { active in
                        for r in 0..<batch {
                            let row = h + r * n
                            for j in 0..<n {
                                if row[j] == 0 { zeros[l] += 1 } else { active[j] = true }
                            }
                        }
                    }
                }
                let result = SoftmaxCrossEntropy.evaluate(
                    logits: ws.outputs[hidden].pointer, labels: y.baseAddress! + range.lowerBound, batch: batch,
                    classes: layers[hidden].outputSize)
                lossSum += result.lossSum
                correct += result.correct
                if let values, let p = probabilities {
                    let classes = layers[hidden].outputSize
                    for r in 0..<batch {
                        p.pointer.update(from: ws.outputs[hidden].pointer + r * classes, count: classes)
                        SoftmaxCrossEntropy.softmax(p.pointer, count: classes)
                        var expected = 0.0
                        for c in 0..<min(classes, values.count) { expected += Double(p.pointer[c]) * values[c] }
                        let d = expected - values[Int(y[range.lowerBound + r])]
                        squaredError += d * d
                    }
                }
            }
        }
        let n = max(1, data.count)
        return Evaluation(
            errorRate: Double(data.count - correct) / Double(n),
            meanLoss: lossSum / Double(n),
            sparsityPerLayer: (0..<hidden).map { Double(zeros[$0]) / Double(n * layers[$0].outputSize) },
            deadUnitsPerLayer: everActive.map { $0.filter { !$0 }.count },
            examples: data.count, rmse: values == nil ? nil : (squaredError / Double(n)).squareRoot())
    }
}
