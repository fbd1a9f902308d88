import ArgumentParser
import Foundation
import Rectifier

extension DatasetsCommand {
    struct Download: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Download a dataset's published files and check their published checksums.",
            discussion: """
                Files go to DIR (default data/NAME) under a temporary name and are renamed only once \
                they verify, so an interrupted download never leaves a file that looks complete; \
                running again resumes it (HTTP range requests) or skips files already there. A file \
                is accepted when its published checksum matches, or when the recorded SHA-256 of its \
                decompressed content does (a mirror that recompressed the same data).
                """)

        @Argument(help: ArgumentHelp("The dataset (see `rectifier datasets list`).", valueName: "name"))
        var name: String

        @Option(help: ArgumentHelp("Directory for the files (default: data/NAME).", valueName: "dir"))
        var dir: String?

        @Option(help: ArgumentHelp("Base URL of a mirror to download from instead of the publisher's.", valueName: "url"))
        var mirror: String?

        @Option(help: "Seconds without any data before a download counts as stalled.")
        var timeout: Double = 30

        func run() throws {
            guard let kind = Datasets.named(name) else { throw ValidationError("unknown dataset '\(name)' (known: \(Datasets.names))") }
            guard let manifest = kind.download else {
                throw ValidationError("\(kind.name): its publisher gives no checksums to verify a download with; fetch the files "
                    + "(\(kind.files.joined(separator: ", "))) yourself and check them with `rectifier datasets verify DIR --dataset \(kind.name)`")
            }
            var mirrorURL: URL?
            if let mirror {
                guard let url = URL(string: mirror.hasSuffix("/") ? mirror : mirror + "/"), url.scheme != nil else {
                    throw ValidationError("--mirror: '\(mirror)' is not a URL")
                }
                mirrorURL = url
            }
            let directory = dir ?? Datasets.defaultDirectory(for: kind.name)
            try FileIO.createDirectory(directory, what: "data directory")
            let console = Console()
            let downloader = Downloader(stallTimeout: timeout, sizeLimit: ProcessEnvironment.current.maxFileBytes)
            let outcomes = try downloader.download(manifest, into: directory, mirror: mirrorURL) { p in
                console.progress(label: p.file, done: Int(p.bytesDone), total: Int(p.totalBytes ?? 0), rate: 0, loss: 0, unit: "bytes")
            }
            console.clearProgress()
            for o in outcomes {
                console.line("\(o.path): " + (o.downloaded ? "downloaded" + (o.resumedFrom > 0 ? " (resumed at \(o.resumedFrom) bytes)" : "") : "already there")
                    + ", verified by its \(o.evidence)")
            }
            console.line("train with: rectifier train --dataset \(kind.name) --data-dir \(directory)")
        }
    }
}
