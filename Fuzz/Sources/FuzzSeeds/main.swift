import Foundation
import Rectifier

// Writes small valid files of every format into the fuzzers' seed corpora:
//   FuzzSeeds CORPUS_ROOT   →   CORPUS_ROOT/{idx,safetensors,checkpoint}/
let root = CommandLine.arguments.dropFirst().first ?? "corpus"
for dir in ["idx", "safetensors", "checkpoint"] {
    try FileManager.default.createDirectory(atPath: "\(root)/\(dir)", withIntermediateDirectories: true)
}
func write(_ bytes: [UInt8], _ path: String) {
    FileManager.default.createFile(atPath: "\(root)/\(path)", contents: Data(bytes))
}

let images = IDXArray(shape: [3, 4, 4], bytes: (0..<48).map { UInt8($0 * 5) })
let labels = IDXArray(shape: [3], bytes: [1, 7, 3])
write(images.encoded(), "idx/images")
write(labels.encoded(), "idx/labels")
write(Gzip.compress(images.encoded()), "idx/images.gz")
write(Gzip.compress(labels.encoded()), "idx/labels.gz")

var rng = RandomSource(seed: 1)
let network = Network(Architecture(inputSize: 6, hiddenSizes: [4, 3], classes: 2, activation: .rectifier, signTrick: true), rng: &rng)
write(network.safeTensors(metadata: ["seed": "1"]).encoded(), "safetensors/model.safetensors")
let stackPath = "\(root)/safetensors/stack.safetensors"
try PretrainedStack(layers: Array(network.layers.prefix(2))).save(to: stackPath)

let data = DataSplits(
    train: Dataset(name: "seed", features: Matrix(rows: 8, columns: 6, storage: (0..<48).map { Float($0 % 7) / 7 }),
                   labels: [0, 1, 0, 1, 1, 0, 0, 1], classes: 2),
    validation: Dataset(name: "seed", features: Matrix(rows: 2, columns: 6, repeating: 0.5), labels: [0, 1], classes: 2),
    test: Dataset(name: "seed", features: Matrix(rows: 2, columns: 6, repeating: 0.5), labels: [0, 1], classes: 2))
var config = TrainingConfig()
config.hiddenSizes = [4, 3]
config.signTrick = true
config.epochs = 2
config.batchSize = 3
let trainer = Trainer(config: config, linearAlgebra: .builtin(threads: 1))
var state = trainer.initialState(for: data)
var steps = 0
trainer.run(&state, data: data, shouldStop: { steps += 1; return steps > 4 })
write(try Checkpoint(state: state, config: config, data: DataFingerprint(data)).encoded(), "checkpoint/mid-epoch.bin")
config.momentum = 0.5
let momentumTrainer = Trainer(config: config, linearAlgebra: .builtin(threads: 1))
var m = momentumTrainer.initialState(for: data)
momentumTrainer.run(&m, data: data)
let momentumFile = try Checkpoint(state: m, config: config, data: DataFingerprint(data)).encoded()
write(momentumFile, "checkpoint/momentum.bin")
// The same, as a payload (odd first byte) for the harness to frame.
write([1] + Array(momentumFile[20..<(momentumFile.count - 4)]), "checkpoint/momentum.payload")
print("seed corpora written to \(root)")
