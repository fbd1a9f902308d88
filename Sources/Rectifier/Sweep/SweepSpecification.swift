import Foundation
import TOMLKit

/// A sweep of many runs, as a TOML file: a base run (any `rectifier train` option by its long
/// name) and axes that vary it.
///
/// ```toml
/// seed = 7                          # the sweep's own seed, for the random axes
/// count = 200                       # draws of the [random] axes; [grid] axes multiply them
/// [base]
/// dataset = "mnist"
/// layers = "1000,1000,1000"
/// [grid]                            # every combination
/// learning-rate = [0.1, 0.01]
/// seed = [1, 2, 3]
/// [zip]                             # lists of one length, varied together
/// activation = ["rectifier", "tanh"]
/// l1 = [0.001, 0.0]
/// [random]                          # `count` draws from the sweep's seed
/// l1 = { uniform = [0.0, 0.01] }    # or { log-uniform = [1e-5, 1e-2] }, or { choice = [...] }
/// seed = { integer = [1, 1000000] } # whole numbers, uniform
/// ```
public struct SweepSpecification: Equatable, Sendable {
    /// The sweep's own seed (the random axes' draws).
    public var seed: UInt64
    /// Draws of the random axes (1 when there are none).
    public var count: Int
    /// Options every run shares.
    public var base: [String: SweepValue]
    /// Axes whose every combination runs, in key order.
    public var grid: [(key: String, values: [SweepValue])]
    /// Axes varied together (all the same length), in key order.
    public var zip: [(key: String, values: [SweepValue])]
    /// Axes drawn at random, `count` times, in key order.
    public var random: [(key: String, distribution: SweepDistribution)]

    public static func == (a: SweepSpecification, b: SweepSpecification) -> Bool {
        a.seed == b.seed && a.count == b.count && a.base == b.base
            && a.grid.map(\.key) == b.grid.map(\.key) && a.grid.map(\.values) == b.grid.map(\.values)
            && a.zip.map(\.key) == b.zip.map(\.key) && a.zip.map(\.values) == b.zip.map(\.values)
            && a.random.map(\.key) == b.random.map(\.key) && a.random.map(\.distribution) == b.random.map(\.distribution)
    }

    /// Options a sweep may not set: they say where and how a run executes, not what it computes.
    public static let executionOptions: Set<String> = ["out", "resume", "backend", "threads", "checkpoint-minutes", "help"]

    /// Reads a sweep file; every problem is a `FileError` naming the file and the key.
    public static func read(_ path: String, limit: Int = FileIO.defaultSizeLimit) throws -> SweepSpecification {
        let bytes = try FileIO.read(path, limit: limit)
        guard let text = String(validating: bytes, as: UTF8.self) else { throw FileError(path, "not UTF-8 text") }
        return try parse(text, path: path)
    }

    /// Parses the text of a sweep file; `path` names it in errors.
    public static func parse(_ text: String, path: String) throws -> SweepSpecification {
        // toml++ (inside TOMLKit) asserts, and so aborts the process, where a key should start
        // and something else does (`[é]`, `[=`): such text is refused first.
        if let problem = TOMLKeyCheck.firstProblem(text) { throw FileError(path, problem) }
        let table: TOMLTable
        do {
            table = try TOMLTable(string: text)
        } catch let error as TOMLParseError {
            throw FileError(path, "line \(error.source.begin.line): \(ErrorText.escaped(error.description))")
        }
        func fail(_ problem: String) -> FileError { FileError(path, problem) }
        let known = ["seed", "count", "base", "grid", "zip", "random"]
        if let unknown = table.keys.sorted().first(where: { !known.contains($0) }) {
            throw fail("unknown key \(ErrorText.quoted(unknown)) (a sweep has \(known.joined(separator: ", ")))")
        }
        func section(_ name: String) throws -> TOMLTable? {
            guard let value = table[name] else { return nil }
            guard let t = value.table else { throw fail("'\(name)' must be a table ([\(name)])") }
            return t
        }
        func option(_ key: String, in name: String) throws -> String {
            guard !Self.executionOptions.contains(key) else {
                throw fail("[\(name)] \(key): sets how a run executes, not what it computes; give it to `sweep run`/`submit`")
            }
            return key
        }
        var spec = SweepSpecification(seed: 0, count: 1, base: [:], grid: [], zip: [], random: [])
        if let s = table["seed"] {
            guard let v = s.int, v >= 0 else { throw fail("seed must be a whole number >= 0") }
            spec.seed = UInt64(v)
        }
        for (key, value) in try section("base").map({ try Self.entries($0, path: path) }) ?? [] {
            spec.base[try option(key, in: "base")] = try SweepValue(value, at: "[base] \(key)", path: path)
        }
        for (key, value) in try section("grid").map({ try Self.entries($0, path: path) }) ?? [] {
            spec.grid.append((try option(key, in: "grid"), try Self.list(value, at: "[grid] \(key)", path: path)))
        }
        for (key, value) in try section("zip").map({ try Self.entries($0, path: path) }) ?? [] {
            spec.zip.append((try option(key, in: "zip"), try Self.list(value, at: "[zip] \(key)", path: path)))
        }
        if let first = spec.zip.first, let other = spec.zip.first(where: { $0.values.count != first.values.count }) {
            throw fail("[zip] \(other.key) has \(other.values.count) values, \(first.key) has \(first.values.count): zipped axes need one length")
        }
        for (key, value) in try section("random").map({ try Self.entries($0, path: path) }) ?? [] {
            spec.random.append((try option(key, in: "random"), try SweepDistribution(value, at: "[random] \(key)", path: path)))
        }
        let axes = spec.grid.map(\.key) + spec.zip.map(\.key) + spec.random.map(\.key)
        if let twice = axes.first(where: { k in axes.filter { $0 == k }.count > 1 }) {
            throw fail("'\(twice)' is swept by two axes")
        }
        if let both = axes.first(where: { spec.base[$0] != nil }) {
            throw fail("'\(both)' is both in [base] and swept")
        }
        if let c = table["count"] {
            guard let v = c.int else { throw fail("count must be a whole number") }
            guard v >= 1 else { throw fail("count must be at least 1, got \(v)") }
            guard !spec.random.isEmpty || v == 1 else { throw fail("count \(v) draws nothing: there is no [random] axis") }
            spec.count = v
        } else if !spec.random.isEmpty {
            throw fail("a [random] axis needs count (the number of draws)")
        }
        // Counted before anything is expanded, without overflow.
        let factors = [spec.count, spec.zip.first?.values.count ?? 1] + spec.grid.map(\.values.count)
        var runs = 1
        for f in factors {
            let (product, overflow) = runs.multipliedReportingOverflow(by: f)
            runs = overflow ? Int.max : product
        }
        guard runs <= Self.maximumRuns else {
            throw fail("the sweep has \(runs == Int.max ? "\(Int.max) or more" : String(runs)) runs "
                + "(\(factors.filter { $0 > 1 }.map(String.init).joined(separator: " x "))): more than the \(Self.maximumRuns) a sweep may plan")
        }
        return spec
    }

    /// Most runs one sweep may plan: beyond, planning alone takes minutes and gigabytes.
    public static let maximumRuns = 100_000

    /// The entries of a section in key order; a key with a control character (which no option
    /// has) is refused, shown escaped.
    static func entries(_ t: TOMLTable, path: String) throws -> [(String, any TOMLValueConvertible)] {
        try t.keys.sorted().map { key in
            guard key == ErrorText.escaped(key) else { throw FileError(path, "key \(ErrorText.quoted(key)) holds a control character") }
            return (key, t[key]!)
        }
    }

    static func list(_ value: any TOMLValueConvertible, at key: String, path: String) throws -> [SweepValue] {
        guard let array = value.array else { throw FileError(path, "\(key) must be a list of values") }
        guard array.count > 0 else { throw FileError(path, "\(key) is empty: give at least one value") }
        return try array.map { try SweepValue($0, at: key, path: path) }
    }
}

/// One option value of a sweep: what TOML gives, written back as a command-line argument.
public enum SweepValue: Hashable, Sendable, Codable, CustomStringConvertible {
    case bool(Bool)
    case int(Int)
    case double(Double)
    case string(String)

    init(_ value: any TOMLValueConvertible, at key: String, path: String) throws {
        switch value.type {
        case .bool: self = .bool(value.bool!)
        case .int: self = .int(value.int!)
        case .double: self = .double(value.double!)
        case .string: self = .string(value.string!)
        case .array:
            // A list of whole numbers is a layer list: [1000, 1000] is "1000,1000".
            let items = value.array!.map { $0.int }
            guard !items.isEmpty, items.allSatisfy({ $0 != nil }) else {
                throw FileError(path, "\(key): a list here must hold whole numbers (a layer list)")
            }
            self = .string(items.map { String($0!) }.joined(separator: ","))
        default: throw FileError(path, "\(key): \(value.type) values are not options")
        }
    }

    /// The value as `rectifier train` reads it after its option.
    public var description: String {
        switch self {
        case .bool(let b): String(b)
        case .int(let i): String(i)
        case .double(let d): d.description
        case .string(let s): s
        }
    }

    /// The value as a number, when it is one.
    public var number: Double? {
        switch self {
        case .int(let i): Double(i)
        case .double(let d): d
        default: nil
        }
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if let b = try? c.decode(Bool.self) { self = .bool(b) } else if let i = try? c.decode(Int.self) { self = .int(i) }
        else if let d = try? c.decode(Double.self) { self = .double(d) } else { self = .string(try c.decode(String.self)) }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .bool(let b): try c.encode(b)
        case .int(let i): try c.encode(i)
        case .double(let d): try c.encode(d)
        case .string(let s): try c.encode(s)
        }
    }
}

/// How a random axis draws its values.
public enum SweepDistribution: Equatable, Sendable {
    case uniform(Double, Double)
    case logUniform(Double, Double)
    case integer(Int, Int)
    case choice([SweepValue])

    init(_ value: any TOMLValueConvertible, at key: String, path: String) throws {
        guard let t = value.table, t.keys.count == 1, let kind = t.keys.first else {
            throw FileError(path, "\(key) must be one of { uniform = [min, max] }, { log-uniform = [min, max] }, "
                + "{ integer = [min, max] }, { choice = [...] }")
        }
        if kind == "choice" {
            self = .choice(try SweepSpecification.list(t[kind]!, at: key, path: path))
            return
        }
        let bounds = try SweepSpecification.list(t[kind]!, at: key, path: path).map(\.number)
        guard bounds.count == 2, let lo = bounds[0], let hi = bounds[1], lo.isFinite, hi.isFinite else {
            throw FileError(path, "\(key): \(kind) takes [min, max], two numbers")
        }
        guard lo <= hi else { throw FileError(path, "\(key): \(kind) range has min \(lo) > max \(hi)") }
        switch kind {
        case "uniform": self = .uniform(lo, hi)
        case "log-uniform":
            guard lo > 0 else { throw FileError(path, "\(key): log-uniform needs min > 0, got \(lo)") }
            self = .logUniform(lo, hi)
        case "integer":
            guard lo == lo.rounded(), hi == hi.rounded(), abs(lo) < 1e15, abs(hi) < 1e15 else {
                throw FileError(path, "\(key): integer takes whole-number bounds")
            }
            self = .integer(Int(lo), Int(hi))
        default: throw FileError(path, "\(key): unknown distribution '\(kind)' (uniform, log-uniform, integer, choice)")
        }
    }

    /// One draw.
    func draw(_ rng: inout RandomSource) -> SweepValue {
        // 53 random bits: a uniform Double in [0, 1).
        let u = Double(rng.next() >> 11) * (1.0 / 9_007_199_254_740_992.0)
        switch self {
        case let .uniform(lo, hi): return .double(lo + (hi - lo) * u)
        case let .logUniform(lo, hi): return .double(exp(log(lo) + (log(hi) - log(lo)) * u))
        case let .integer(lo, hi): return .int(lo + rng.nextInt(below: hi - lo + 1))
        case .choice(let values): return values[rng.nextInt(below: values.count)]
        }
    }
}

