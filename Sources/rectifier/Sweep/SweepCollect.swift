import ArgumentParser
import Foundation
import Rectifier

extension SweepCommand {
    struct Collect: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "One table of every run: swept options, validation and test error, sparsity, epochs, time.")

        @Argument(help: ArgumentHelp("The sweep directory.", valueName: "sweep-dir"))
        var sweep: String

        func run() throws {
            let dir = SweepDirectory(sweep)
            let rows = try dir.collect(activeSlurmTasks: try dir.activeSlurmTasks())
            try dir.writeResults(rows)
            let axes = Set(rows.flatMap(\.axes.keys)).sorted()
            func p(_ v: Double?) -> String { v.map { percent($0) } ?? "" }
            let lines = rows.map { r -> [String] in
                let swept: [String] = axes.map { r.axes[$0]?.description ?? "" }
                let epoch: String = r.bestEpoch.map(String.init) ?? ""
                let time: String = r.wallSeconds.map { format($0, 0) + " s" } ?? ""
                let measured: [String] = [p(r.validationError), p(r.testError), p(r.meanSparsity), epoch, time]
                return [SweepDirectory.name(r.index), r.status] + swept + measured
            }
            print(table(["run", "status"] + axes + ["valid err", "test err", "sparsity", "best epoch", "time"], lines))
            let missing = rows.filter { $0.status != "finished" }
            if !missing.isEmpty {
                print("not finished: " + missing.map { "\(SweepDirectory.name($0.index)) (\($0.status))" }.joined(separator: ", "))
            }
            print("wrote \(sweep)/results.csv and \(sweep)/results.jsonl")
        }
    }
}
