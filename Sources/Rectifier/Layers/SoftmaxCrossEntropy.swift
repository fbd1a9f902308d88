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
            if maxLogit.isInfinite || maxLogit.isNaN {
                result.lossSum += infiniteRow(row, label: label, classes: classes, gradient: gradient.map { $0 + r * classes }, scale: scale)
                continue
            }
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

    /// Replaces `count` logits by their softmax, in place (around the maximum, so nothing
    /// overflows; an infinite or NaN logit follows the limits of `infiniteRow`).
    public static func softmax(_ row: UnsafeMutablePointer<Float>, count: Int) {
        var maxLogit = row[0]
        for j in 1..<count where row[j] > maxLogit { maxLogit = row[j] }
        if maxLogit.isInfinite || (0..<count).contains(where: { row[$0].isNaN }) {
            let nan = (0..<count).contains { row[$0].isNaN }
            let winners = Float((0..<count).filter { row[$0] == maxLogit }.count)
            for j in 0..<count { row[j] = nan ? .nan : (row[j] == maxLogit ? 1 / winners : 0) }
            return
        }
        var sum: Float = 0
        for j in 0..<count {
            row[j] = expf(row[j] - maxLogit)
            sum += row[j]
        }
        for j in 0..<count { row[j] /= sum }
    }

    /// A row whose largest logit is ±infinity (or NaN): the softmax limit puts all probability
    /// evenly on the +∞ logits (on every class when all are -∞); NaN stays NaN so that the
    /// trainer notices.
    static func infiniteRow(_ row: UnsafePointer<Float>, label: Int, classes: Int,
                            gradient: UnsafeMutablePointer<Float>?, scale: Float) -> Double {
        if (0..<classes).contains(where: { row[$0].isNaN }) {
            if let gradient { for j in 0..<classes { gradient[j] = .nan } }
            return .nan
        }
        let top = row[(0..<classes).max { row[$0] < row[$1] }!]
        let winners = (0..<classes).filter { row[$0] == top }
        let p = 1 / Float(winners.count)
        if let gradient {
            for j in 0..<classes { gradient[j] = ((row[j] == top ? p : 0) - (j == label ? 1 : 0)) * scale }
        }
        return row[label] == top ? -log(Double(p)) : .infinity
    }
}
