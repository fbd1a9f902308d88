import ArgumentParser
import Foundation
import Rectifier

extension DatasetsCommand {
    struct Verify: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check a dataset directory: published checksums (where there are any) and that every file reads.")

        @Argument(help: ArgumentHelp("The directory holding the dataset's files.", valueName: "dir"))
        var dir: String

        @Option(help: "The dataset.")
        var dataset: String = Datasets.all[0].name

        func run() throws {
            guard let kind = Datasets.named(dataset) else { throw ValidationError("unknown dataset '\(dataset)' (known: \(Datasets.names))") }
            var good = true
            if let manifest = kind.download {
                for report in Downloader(sizeLimit: ProcessEnvironment.current.maxFileBytes).verify(directory: dir, manifest: manifest) {
                    switch report.verdict {
                    case .verified(let evidence): print("\(report.path): verified by its \(evidence)")
                    case .missing: print("\(report.path): not there (the files may be there uncompressed; their format is checked below)")
                    case .partial(let bytes): print("\(report.path): a partial download of \(bytes) bytes (run datasets download again)")
                    case .rejected(let why):
                        print("\(report.path): NOT the published file: \(why)")
                        good = false
                    }
                }
            }
            let splits = try DataReference(dataset: kind.name, directory: dir).load(limits: Limits(fileBytes: ProcessEnvironment.current.maxFileBytes))
            print("\(dir): reads as \(kind.name): \(splits.train.count) / \(splits.validation.count) / \(splits.test.count) examples "
                + "of \(splits.train.featureCount) values, \(splits.train.classes) classes")
            if !good { throw ExitCode(1) }
        }
    }
}
