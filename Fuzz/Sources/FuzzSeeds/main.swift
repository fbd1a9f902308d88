import Foundation
import Rectifier

// Writes small valid files of every format into the fuzzers' seed corpora:
//   FuzzSeeds CORPUS_ROOT   →   CORPUS_ROOT/READER/ for every reader of the RectifierFuzz driver
let root = CommandLine.arguments.dropFirst().first ?? "corpus"
for dir in ["idx", "safetensors", "checkpoint", "acl", "reviews", "csv", "svmlight", "vocabulary", "cifar", "binarymatrix", "tar", "emnistmapping",
            "numerictable", "numpy", "norbcache", "sweep", "predict"] {
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
// Tables of numbers, arrays, caches, sweep files, rows to classify.
write(Array("\u{FEFF}\"sepal length\",width,species\r\n5.1,3.5,setosa\n4.9,-3e-1,\"virginica\"\n\n".utf8), "numerictable/header.csv")
write(Array("1\t2\t0\n3\t4\t1\n".utf8), "numerictable/plain.tsv")
write(Gzip.compress(Array("a,b,label\n1,2,x\n3,,y\n".utf8)), "numerictable/missing.csv.gz")

/// A `.npy` file: magic, version 1, header padded to 64 bytes, data.
func npy(_ descr: String, _ shape: String, _ data: [UInt8]) -> [UInt8] {
    var header = Array("{'descr': '\(descr)', 'fortran_order': False, 'shape': \(shape), }".utf8)
    while (10 + header.count + 1) % 64 != 0 { header.append(0x20) }
    header.append(0x0A)
    return [0x93] + Array("NUMPY".utf8) + [1, 0, UInt8(header.count & 0xFF), UInt8(header.count >> 8)] + header + data
}
let x = npy("<f4", "(2, 3)", [Float](arrayLiteral: 1, 2, 3, 4, 5, 6).withUnsafeBytes(Array.init))
let y = npy("<U3", "(2,)", [UInt32](arrayLiteral: 99, 97, 116, 100, 111, 103).withUnsafeBytes(Array.init))
write(x, "numpy/x.npy")
write(y, "numpy/labels.npy")
write(npy(">i2", "(4,)", [0, 1, 255, 254, 0, 7, 128, 0]), "numpy/big-endian.npy")
/// A zip archive of stored members, as numpy.savez writes them.
func zip(_ members: [(String, [UInt8])]) -> [UInt8] {
    func le(_ v: Int, _ n: Int) -> [UInt8] { (0..<n).map { UInt8((v >> (8 * $0)) & 0xFF) } }
    func crc(_ b: [UInt8]) -> Int {
        var c: UInt32 = 0xFFFF_FFFF
        for byte in b { c ^= UInt32(byte); for _ in 0..<8 { c = c & 1 == 1 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 } }
        return Int(c ^ 0xFFFF_FFFF)
    }
    var out: [UInt8] = [], directory: [UInt8] = []
    for (name, data) in members {
        let offset = out.count, n = Array(name.utf8), fields = le(crc(data), 4) + le(data.count, 4) + le(data.count, 4) + le(n.count, 2)
        out += le(0x0403_4B50, 4) + le(20, 2) + le(0, 2) + le(0, 2) + le(0, 4) + fields + le(0, 2) + n + data
        directory += le(0x0201_4B50, 4) + le(20, 2) + le(20, 2) + le(0, 2) + le(0, 2) + le(0, 4) + fields + le(0, 2) + le(0, 2)
            + le(0, 2) + le(0, 2) + le(0, 4) + le(offset, 4) + n
    }
    return out + directory + le(0x0605_4B50, 4) + le(0, 4) + le(members.count, 2) + le(members.count, 2) + le(directory.count, 4)
        + le(out.count, 4) + le(0, 2)
}
write(zip([("x.npy", x), ("y.npy", y)]), "numpy/data.npz")

/// A NORB cache of one training and one test pair (its sources are not checked by the harness).
var cache = Array("RECTNORB".utf8) + [1, 0, 0, 0]
let cacheHeader = Array(#"{"sources":[{"file":"a.mat","modified":0,"size":3}],"test_count":1,"train_count":1}"#.utf8)
cache += [UInt8(cacheHeader.count), 0, 0, 0] + cacheHeader + [UInt8](repeating: 7, count: 4096) + [1, 5]
var crc: UInt32 = 0xFFFF_FFFF
for byte in cache { crc ^= UInt32(byte); for _ in 0..<8 { crc = crc & 1 == 1 ? 0xEDB8_8320 ^ (crc >> 1) : crc >> 1 } }
write(cache + withUnsafeBytes(of: (crc ^ 0xFFFF_FFFF).littleEndian, Array.init), "norbcache/one-pair.cache")

write(Array("seed = 7\ncount = 3\n[base]\ndataset = \"mnist\"\nlayers = [10, 10]\npretrain = true\n[grid]\nlearning-rate = [0.1, 0.01]\n[zip]\nactivation = [\"rectifier\", \"tanh\"]\nl1 = [0.001, 0.0]\n[random]\nseed = { integer = [1, 100] }\n".utf8), "sweep/all-axes.toml")
write(Array("[base]\nepochs = 2\n[random]\nl1 = { log-uniform = [1e-5, 1e-2] }\ncount = 2\n".utf8), "sweep/random.toml")
write(Array("a,b,c,label\n1,2,3,x\n# comment\n4 ; 5 ; 6\n".utf8), "predict/header.csv")
write(Array("1 2 3\n\n0.5\t-1e3\t7\n".utf8), "predict/rows.txt")
print("seed corpora written to \(root)")
