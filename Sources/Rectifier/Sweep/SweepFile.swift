import Foundation

extension SweepSpecification {
    /// The specification as a sweep file that `read` gives back unchanged (`rectifier
    /// reproduce` writes its sweeps so that they can be read, rerun and edited by hand).
    public func toml(comment: String = "") -> String {
        var lines = comment.split(separator: "\n", omittingEmptySubsequences: false).filter { !$0.isEmpty }.map { "# " + $0 }
        lines.append("seed = \(seed)")
        if !random.isEmpty { lines.append("count = \(count)") }
        func section(_ name: String, _ entries: [(String, String)]) {
            guard !entries.isEmpty else { return }
            lines.append("")
            lines.append("[\(name)]")
            lines += entries.map { "\(Self.key($0.0)) = \($0.1)" }
        }
        section("base", base.keys.sorted().map { ($0, Self.literal(base[$0]!)) })
        section("grid", grid.map { ($0.key, "[" + $0.values.map(Self.literal).joined(separator: ", ") + "]") })
        section("zip", zip.map { ($0.key, "[" + $0.values.map(Self.literal).joined(separator: ", ") + "]") })
        section("random", random.map { ($0.key, Self.literal($0.distribution)) })
        return lines.joined(separator: "\n") + "\n"
    }

    static func key(_ k: String) -> String {
        k.allSatisfy { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" } ? k : literal(.string(k))
    }

    static func literal(_ v: SweepValue) -> String {
        switch v {
        case .bool(let b): return String(b)
        case .int(let i): return String(i)
        case .double(let d):
            // TOML floats need a point or an exponent; Swift's shortest form gives both back exactly.
            let text = d.description
            return text.contains(".") || text.contains("e") || text.contains("n") ? text : text + ".0"
        case .string(let s):
            return FileIO.quoted(s)
        }
    }

    static func literal(_ d: SweepDistribution) -> String {
        switch d {
        case let .uniform(lo, hi): "{ uniform = [\(literal(.double(lo))), \(literal(.double(hi)))] }"
        case let .logUniform(lo, hi): "{ log-uniform = [\(literal(.double(lo))), \(literal(.double(hi)))] }"
        case let .integer(lo, hi): "{ integer = [\(lo), \(hi)] }"
        case .choice(let values): "{ choice = [" + values.map(literal).joined(separator: ", ") + "] }"
        }
    }
}
