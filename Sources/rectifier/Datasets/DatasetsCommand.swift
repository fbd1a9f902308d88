import ArgumentParser
import Foundation
import Rectifier

struct DatasetsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "datasets",
        abstract: "List, inspect, download and verify the datasets Rectifier knows.",
        subcommands: [List.self, Info.self, Download.self, Verify.self, Preview.self],
        defaultSubcommand: List.self)
}
