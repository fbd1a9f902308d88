import Foundation
import Rectifier

// Writes small valid files of every format into the fuzzers' seed corpora:
//   FuzzSeeds CORPUS_ROOT   →   CORPUS_ROOT/{idx,safetensors,checkpoint,acl,reviews,csv,svmlight,vocabulary,cifar,binarymatrix,tar,emnistmapping}/
let root = CommandLine.arguments.dropFirst().first ?? "corpus"
for dir in ["idx", "safetensors", "checkpoint", "acl", "reviews", "csv", "svmlight", "vocabulary", "cifar", "binarymatrix", "tar", "emnistmapping"] {
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

let cifar = CIFAR10Batch(pixels: (0..<(2 * CIFAR10Batch.imageSize)).map { UInt8($0 % 251) }, labels: [3, 9])
write(cifar.encoded(), "cifar/two.bin")
write(Gzip.compress(cifar.encoded()), "cifar/two.bin.gz")

let matrices = [
    BinaryMatrix(shape: [3, 2, 4, 4], elements: .uint8((0..<96).map { UInt8($0 * 2) })),
    BinaryMatrix(shape: [5], elements: .int32([0, 1, 2, 3, 4])),
    BinaryMatrix(shape: [5, 4], elements: .int32((0..<20).map { Int32($0 - 3) })),
    BinaryMatrix(shape: [2, 3], elements: .float32([0, 1.5, -2, 1e-3, 4, 5])),
    BinaryMatrix(shape: [2], elements: .float64([1, -1])),
    BinaryMatrix(shape: [2, 2], elements: .int16([-1, 0, 1, 300])),
]
for (i, m) in matrices.enumerated() { write(m.encoded(), "binarymatrix/\(m.elements.type)-\(i).mat") }
write(Gzip.compress(matrices[0].encoded()), "binarymatrix/uint8.mat.gz")

let members: [(name: String, contents: [UInt8])] = [
    ("cifar-10-batches-bin/batches.meta.txt", Array("airplane\nautomobile\n".utf8)),
    ("cifar-10-batches-bin/" + String(repeating: "p", count: 90) + "/" + String(repeating: "q", count: 30), [1, 2, 3]),
    (String(repeating: "long", count: 40), Array(0..<200)),
]
write(TarWriter.archive(members), "tar/three.tar")
write(Gzip.compress(TarWriter.archive(members)), "tar/three.tar.gz")

write(Array("0 48\n1 49\n2 65\n3 97\n".utf8), "emnistmapping/four.txt")
write(Array("1 66\r\n0 65\r\n\r\n".utf8), "emnistmapping/crlf.txt")

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

// Text formats: a small valid file each, with the cases the readers must get right.
write(Array("great:2 http://x.com:1 great_book:1 <num>_feet:2 #label#:positive\nbad:1 #label#:negative\r\n".utf8), "acl/two-lines")
let review = """
    <reviews>
    <review>
    <unique_id>
    0785758968:one_of_the_best:joseph_m
    </unique_id>
    <rating>
    5.0
    </rating>
    <title>
    One of the best &amp; more
    </title>
    <review_text>
    Q&A: a < b. (e.g. 3,500 pages) &quot;Great&quot; &#65;&#x42;
    <b>
    It's 1999, $20 -- analysis.
    </review_text>
    </review>
    </reviews>
    """
write(Array(review.utf8), "reviews/one-review")
write(Array("id,text,rating\n1,\"a, \"\"quoted\"\"\nline\",5\r\n2,plain,1\n".utf8), "csv/quoted")
write(Array("+1 qid:3 1:0.5 3:-2e-1 # comment\n\n-1 2:1\n# only a comment\n".utf8), "svmlight/rows")
let vocabulary = try Vocabulary(terms: ["great", "<num>_feet", "(e.g.", "été"])
write(Array(vocabulary.text.utf8), "vocabulary/vocabulary.txt")
print("seed corpora written to \(root)")
