/// The classes of a labelled file: each example's class index, the classes' names and, for
/// rating prediction, their values.
///
/// Classes are sorted by name, numerically when every label is a number (so `2` comes before
/// `10`); for `task: rating` every label must be a number and the classes are the distinct
/// ratings, each with its value (the prediction is the expected rating).
public struct ClassLabels: Sendable, Equatable {
    /// The class of each example.
    public var indices: [Int32]
    /// The name of each class.
    public var names: [String]
    /// Rating prediction: the value of each class.
    public var values: [Double]?

    /// The classes of `labels` (one per example, as the file writes them); `source` names the
    /// file in errors. A `FileError` for a rating that is not a number or more classes than
    /// `limits.classes`. Without `numericOrder`, classification labels sort as text.
    public init(_ labels: [String], task: String?, source: String, limits: Limits, numericOrder: Bool = true) throws {
        let numbers = labels.map { Double($0.trimmingCharacters(in: .whitespaces)) }
        if task == "rating" {
            if let bad = numbers.firstIndex(where: { $0 == nil || !$0!.isFinite }) {
                throw FileError(source, "example \(bad + 1): the rating '\(NumericTable.excerpt(labels[bad]))' is not a number")
            }
            let distinct = Array(Set(numbers.map { $0! })).sorted()
            try limits.checkClasses(distinct.count, source: source, column: "rating")
            let index = Dictionary(uniqueKeysWithValues: distinct.enumerated().map { ($1, Int32($0)) })
            indices = numbers.map { index[$0!]! }
            names = distinct.map { $0 == $0.rounded() && abs($0) < 1e15 ? String(Int64($0)) : String($0) }
            values = distinct
            return
        }
        var seen: [String: Int] = [:]
        var order: [String] = []
        for l in labels where seen[l] == nil {
            seen[l] = order.count
            order.append(l)
        }
        try limits.checkClasses(order.count, source: source)
        if numericOrder && numbers.allSatisfy({ $0 != nil }) {
            order.sort { Double($0.trimmingCharacters(in: .whitespaces))! < Double($1.trimmingCharacters(in: .whitespaces))! }
        } else {
            order.sort()
        }
        let index = Dictionary(uniqueKeysWithValues: order.enumerated().map { ($1, Int32($0)) })
        indices = labels.map { index[$0]! }
        names = order
        values = nil
    }
}
