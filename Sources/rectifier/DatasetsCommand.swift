import ArgumentParser
import Foundation
import Rectifier

struct DatasetsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "datasets",
        abstract: "List, inspect, download and verify the datasets Rectifier knows.",
        subcommands: [List.self, Info.self, Download.self, Verify.self, Preview.self],
        defaultSubcommand: List.self)

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Every dataset: files, split, preprocessing, size, and whether it is present.")

        @Option(help: ArgumentHelp("Look for each dataset in ROOT/NAME.", valueName: "root"))
        var root: String = "data"

        func run() {
            var rows: [[String]] = []
            for kind in Datasets.all {
                let dir = root + "/" + kind.name
                let present = kind.isPresent(in: dir) ? "yes (\(dir))" : (kind.name == "mnist" ? "shipped subset" : "no (\(dir))")
                rows.append([kind.name, kind.shape?.description ?? "any", kind.split, kind.downloadSize ?? "-", present])
            }
            print(table(["name", "shape", "split (train / valid / test)", "download", "present"], rows))
            for kind in Datasets.all {
                print("\n\(kind.name): \(kind.title)\n  files: \(kind.files.joined(separator: ", "))\n  preprocessing: \(kind.preprocessing)\n  source: \(kind.source)")
            }
        }
    }

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
            print("\(data.reference): \(summary.width) inputs, \(summary.classes) classes, loaded in \(format(seconds, 2)) s")
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
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
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

    struct Verify: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check a dataset directory: published checksums (where there are any) and that every file reads.")

        @Argument(help: ArgumentHelp("The directory holding the dataset's files.", valueName: "dir"))
        var dir: String

        @Option(help: "The dataset.")
        var dataset: String = "mnist"

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
            let splits = try DataReference(dataset: kind.name, directory: dir).load(limit: ProcessEnvironment.current.maxFileBytes)
            print("\(dir): reads as \(kind.name): \(splits.train.count) / \(splits.validation.count) / \(splits.test.count) examples "
                + "of \(splits.train.featureCount) values, \(splits.train.classes) classes")
            if !good { throw ExitCode(1) }
        }
    }

    struct Preview: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write a grid of NISTP-style perturbed examples as .png, .pgm or .svg, to see them.",
            discussion: """
                Takes the first training images of nistp from --data-dir (EMNIST ByClass files), or, \
                without it, the MNIST digits shipped with the package centred on 32x32, and \
                perturbs each as training would in epoch 0.
                """)

        @Argument(help: ArgumentHelp("The dataset to preview: nistp.", valueName: "name"))
        var name: String

        @Option(help: ArgumentHelp("Where to write the grid (.png, .pgm or .svg).", valueName: "file"))
        var out: String

        @Option(help: ArgumentHelp("Directory of the EMNIST ByClass files.", valueName: "dir"))
        var dataDir: String?

        @Option(help: "Perturbation level in [0, 1].")
        var level: Float = Perturbation.paperLevel

        @Option(help: "Images per side of the grid.")
        var side: Int = 8

        @Option(help: "Seed of the perturbations.")
        var seed: UInt64 = 1

        func validate() throws {
            guard name.lowercased() == "nistp" else { throw ValidationError("only nistp has perturbations to preview") }
            guard (1...64).contains(side) else { throw ValidationError("--side must be between 1 and 64") }
        }

        func run() throws {
            let size = try ImageSize(width: 32, height: 32)
            var train: Dataset
            if let dataDir {
                train = try DataReference(dataset: "nistp", directory: dataDir).load(limit: ProcessEnvironment.current.maxFileBytes).train
            } else {
                let digits = try MNIST.loadEmbeddedSubset().train
                let pad = try ImagePadding(sourceHeight: 28, sourceWidth: 28, targetHeight: 32, targetWidth: 32)
                let bytes = pad.apply(digits.inputs.densified().storage.map { UInt8(($0 * 255).rounded()) })
                train = Dataset(name: "mnist-subset", inputs: .bytes(ByteMatrix(rows: digits.count, columns: 1024, bytes: bytes, scale: 1 / 255)),
                                labels: digits.labels, classes: digits.classes)
                print("no --data-dir: previewing on the shipped MNIST digits, centred on 32x32")
            }
            train.perturbation = (try Perturbation(level: level), size)
            let count = min(side * side, train.count)
            let batch = Minibatch(capacity: count, for: train)
            batch.gather(train, rows: 0..<count, epoch: 0, seed: PerturbationSeed(runSeed: seed))
            guard case .dense(let x) = batch.input else { return }
            let grid = try GreyImage.grid(of: Array(UnsafeBufferPointer(start: x, count: count * 1024)), size: size, columns: side)
            try grid.write(to: out)
            print("wrote \(out): \(count) examples perturbed at level \(level)")
        }
    }
}
