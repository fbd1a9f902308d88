import ArgumentParser
import Foundation
import Rectifier

/// `rectifier report DIR`: the report of an experiment, sweep or run directory.
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Write report.md (with SVG plots) and report.html for an experiment, sweep or run directory.",
        discussion: """
            For an experiment (`rectifier reproduce`): its tables beside the paper's, plots and findings. For a sweep: \
            every run's options and results, error against sparsity. For a run: its result, learning curve and \
            sparsity per layer. Each with learning curves, the configuration and the machine.
            """)

    @Argument(help: ArgumentHelp("The directory.", valueName: "dir"))
    var directory: String

    func run() throws {
        let command = (["rectifier"] + CommandLine.arguments.dropFirst()).joined(separator: " ")
        let kind = try DirectoryReport.write(directory, provenance: .init(command: command, machine: Machine.description()))
        print("\(directory): \(kind.rawValue) report written to \(directory)/report.md and \(directory)/report.html")
    }
}
