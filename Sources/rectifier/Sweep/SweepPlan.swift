import ArgumentParser
import Foundation
import Rectifier

extension SweepCommand {
    struct Plan: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Expand a sweep file into numbered runs (replanning keeps every run still in it).")

        @Argument(help: ArgumentHelp("The sweep file (TOML).", valueName: "spec"))
        var spec: String

        @Option(help: ArgumentHelp("The sweep directory.", valueName: "sweep-dir"))
        var out: String

        func run() throws {
            let sweep = SweepDirectory(out)
            let base = URL(fileURLWithPath: spec).deletingLastPathComponent()
            let report = try sweep.plan(try SweepSpecification.read(spec), from: spec) { try SweepCommand.specification($0, base: base) }
            print("\(out): \(report.runs.count) runs planned (\(report.added.count) new"
                + (report.removed.isEmpty ? "" : ", \(report.removed.count) unstarted removed") + ")")
        }
    }
}
