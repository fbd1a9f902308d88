import ArgumentParser
import Foundation
import Rectifier

extension SweepCommand {
    struct Status: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Count a sweep's planned, running, finished and failed runs; show why runs failed.")

        @Argument(help: ArgumentHelp("The sweep directory.", valueName: "sweep-dir"))
        var sweep: String

        func run() throws {
            let dir = SweepDirectory(sweep)
            let active = try dir.activeSlurmTasks()
            var counts: [String: Int] = [:]
            var failures: [(Int, String)] = []
            var resumable = 0
            let records = try dir.records()
            for record in records {
                let status = dir.status(record.index, activeSlurmTasks: active)
                counts[status.name, default: 0] += 1
                if case .failed(let message, let attempts) = status {
                    failures.append((record.index, "\(message.split(separator: "\n").first ?? "") (\(attempts) attempt\(attempts == 1 ? "" : "s"))"))
                }
                if case .planned(true) = status { resumable += 1 }
            }
            print("\(sweep): \(records.count) runs: " + ["planned", "running", "finished", "failed"]
                .map { "\(counts[$0, default: 0]) \($0)" }.joined(separator: ", ") + (resumable > 0 ? " (\(resumable) resumable)" : ""))
            if let jobs = try? dir.slurmJobs(), !jobs.isEmpty {
                print("slurm jobs: " + jobs.compactMap(\.jobID).joined(separator: ", ") + "; \(active.count) tasks pending or running")
            }
            for (index, message) in failures { print("run \(SweepDirectory.name(index)) failed: \(message)") }
        }
    }
}
