import ArgumentParser
import Foundation
import Rectifier

extension DatasetsCommand {
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
            guard Datasets.named(name)?.perturbsTrainingImages == true else {
                throw ValidationError("\(name) has no perturbations to preview (\(Datasets.all.filter(\.perturbsTrainingImages).map(\.name).joined(separator: ", ")) has)")
            }
            guard (1...64).contains(side) else { throw ValidationError("--side must be between 1 and 64") }
        }

        func run() throws {
            let size = try ImageSize(width: 32, height: 32)
            var train: Dataset
            if let dataDir {
                train = try DataReference(dataset: name.lowercased(), directory: dataDir).load(limits: Limits(fileBytes: ProcessEnvironment.current.maxFileBytes)).train
            } else {
                let digits = try MNISTDataset.loadShippedSubset().train
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
