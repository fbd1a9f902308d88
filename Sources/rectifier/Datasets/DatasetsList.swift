import ArgumentParser
import Foundation
import Rectifier

extension DatasetsCommand {
    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Every dataset: files, split, preprocessing, size, and whether it is present.")

        @Option(help: ArgumentHelp("Look for each dataset in ROOT/NAME.", valueName: "root"))
        var root: String = "data"

        func run() {
            var rows: [[String]] = []
            for kind in Datasets.all {
                let dir = root + "/" + kind.name
                let present = kind.isPresent(in: dir) ? "yes (\(dir))" : (kind.shippedSubset != nil ? "shipped subset" : "no (\(dir))")
                rows.append([kind.name, kind.shape?.description ?? "any", kind.split, kind.downloadSize ?? "-", present])
            }
            print(table(["name", "shape", "split (train / valid / test)", "download", "present"], rows))
            for kind in Datasets.all {
                print("\n\(kind.name): \(kind.title)\n  files: \(kind.files.joined(separator: ", "))\n  preprocessing: \(kind.preprocessing)\n  source: \(kind.source)")
            }
        }
    }
}
