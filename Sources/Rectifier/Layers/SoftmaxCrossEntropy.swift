#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Softmax output with the negative log-likelihood loss, -log P(class | x).
public enum SoftmaxCrossEntropy {
    /// Loss and accuracy of one batch of logits.
    public struct Result: Sendable {
        /// Σ over the batch of -log P(label | x) (a sum, not a mean).
        public var lossSum: Double
        /// How many rows have their largest logit at the label.
        public var correct: Int
    }

    /// Computes the loss of `batch` rows of `logits` (each `classes` wide) against `labels`.
    /// When `gradient` is given it receives ∂(mean loss)/∂logits = (softmax - onehot) / batch.
    /// Log-sum-exp is taken around the row maximum, so no logit overflows.
    public static func evaluate(logits: UnsafePointer<Float>, labels: UnsafePointer<Int32>, batch: Int,
                                classes: Int, gradient: UnsafeMutablePointer<Float>? = nil) -> Result {
        var result = Result(lossSum: 0, correct: 0)
        let scale = 1 / Float(batch)
        for r in 0..<batch {
            let row = logits + r * classes
            let label = Int(labels[r])
            var maxIndex = 0
            for j in 1..<classes where row[j] > row[maxIndex] { maxIndex = j }
            let maxLogit = row[maxIndex]
            if maxIndex == label { result.correct += 1 }
            var sum: Float = 0
            for j in 0..<classes { sum += expf(row[j] - maxLogit) }
            let logSum = maxLogit + logf(sum)
            result.lossSum += Double(logSum - row[label])
            if let gradient {
                let g = gradient + r * classes
                for j in 0..<classes {
                    let p = expf(row[j] - logSum)
                    g[j] = (p - (j == label ? 1 : 0)) * scale
                }
            }
        }
        return result
    }
}
