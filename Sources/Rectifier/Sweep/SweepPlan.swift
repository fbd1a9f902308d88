/// One run of a sweep before it has an index: every option it is given, and the ones the
/// sweep varies.
public struct PlannedRun: Codable, Equatable, Sendable {
    /// Every option: the base merged with this run's axis values.
    public var options: [String: SweepValue]
    /// The swept options only (the columns of `sweep collect`).
    public var axes: [String: SweepValue]

    /// The options as `rectifier train` arguments, in key order: `--key value`, and `--key`
    /// alone for a true flag (a false flag is left out).
    public var arguments: [String] {
        options.keys.sorted().flatMap { key -> [String] in
            switch options[key]! {
            case .bool(true): ["--\(key)"]
            case .bool(false): []
            case let value: ["--\(key)", value.description]
            }
        }
    }
}

extension SweepSpecification {
    /// Every run of the sweep, in a fixed order: for each random draw, every grid combination
    /// (the last key varying fastest), and for each, every zipped position. The same
    /// specification always gives the same list.
    public func expand() -> [PlannedRun] {
        let root = RandomSource(seed: seed)
        var draws: [[String: SweepValue]] = []
        for d in 0..<count {
            var values: [String: SweepValue] = [:]
            for axis in random {
                var rng = root.derived("draw \(d)/\(axis.key)")
                values[axis.key] = axis.distribution.draw(&rng)
            }
            draws.append(values)
        }
        var combinations: [[String: SweepValue]] = [[:]]
        for axis in grid {
            combinations = combinations.flatMap { partial in axis.values.map { partial.merging([axis.key: $0]) { $1 } } }
        }
        let zipped: [[String: SweepValue]] = zip.isEmpty ? [[:]] : (0..<zip[0].values.count).map { i in
            Dictionary(uniqueKeysWithValues: zip.map { ($0.key, $0.values[i]) })
        }
        var runs: [PlannedRun] = []
        for draw in draws {
            for combination in combinations {
                for z in zipped {
                    let axes = draw.merging(combination) { $1 }.merging(z) { $1 }
                    runs.append(PlannedRun(options: base.merging(axes) { $1 }, axes: axes))
                }
            }
        }
        return runs
    }
}
