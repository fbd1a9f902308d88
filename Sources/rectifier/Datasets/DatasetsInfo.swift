import ArgumentParser
import Foundation
import Rectifier

extension DatasetsCommand {
    struct Info: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Load a dataset and print its splits: examples per class, value range, memory, load time.")

        @OptionGroup var data: DataOptions

        @Flag(help: "Print the summary as JSON.")
        var json = false

        func run() throws {
            let clock = ContinuousClock()
            let start = clock.now
            let splits = try data.load()
            let seconds = (clock.now - start).seconds
            let summary = DatasetSummary(splits)
            if json {
                print(String(decoding: try FileIO.jsonEncoder(pretty: true).encode(summary), as: UTF8.self))
                return
            }
            print("\(try data.reference()): \(summary.width) inputs, \(summary.classes) classes, loaded in \(format(seconds, 2)) s")
            print(table(["split", "examples", "min", "max", "zeros", "memory"], summary.splits.map { s in
                [s.name, String(s.examples), format(Double(s.minimum), 3), format(Double(s.maximum), 3), percent(s.zeros),
                 format(Double(s.inputBytes) / 1_048_576, 1) + " MiB"]
            }))
            let names = summary.classNames.isEmpty ? (0..<summary.classes).map(String.init) : summary.classNames
            print(table(["class"] + summary.splits.map(\.name), names.indices.map { c in
                [names[c]] + summary.splits.map { String($0.classCounts[c]) }
            }))
        }
    }
}
