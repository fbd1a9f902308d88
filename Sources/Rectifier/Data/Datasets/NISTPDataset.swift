/// NISTP as the paper uses it, rebuilt from EMNIST ByClass: its 62 classes of NIST SD19
/// characters at 32x32, each training image perturbed anew in every epoch by the NISTP-style
/// pipeline (`Perturbation`, Bengio et al. 2011) at `perturbationLevel` (default 0.7, the
/// paper's), drawn per run seed, epoch and example, on a worker thread as batches are gathered.
/// Split as `emnist-byclass`; validation and test images are clean unless `perturbTest`, which
/// perturbs both once (seed 0), polarity inversion included as in the original pipeline
/// (inversion is left out for training on clean test images).
public struct NISTPDataset: DatasetKind {
    public init() {}
    public var name: String { "nistp" }
    public var title: String { "emnist-byclass with NISTP-style perturbations generated each epoch, 1x32x32, 62 classes" }
    public var files: [String] { EMNISTDataset().files }
    public var split: String { EMNISTDataset().split }
    public var preprocessing: String { "as emnist-byclass, then affine, elastic, thickness, pinch, blur, noise, occlusion... per example per epoch" }
    public var shape: ImageShape? { ImageShape(channels: 1, height: 32, width: 32) }
    public var downloadSize: String? { EMNISTDataset().downloadSize }
    public var source: String { EMNISTDataset().source + "; perturbations after Bengio et al., AISTATS 2011" }
    public var inputKind: InputKind { .images }
    public var perturbsTrainingImages: Bool { true }
    public var options: [DataOption] { [.validation, .perturbationLevel, .perturbTest] }

    public func isPresent(in directory: String) -> Bool { EMNISTDataset().isPresent(in: directory) }

    public func load(_ reference: DataReference, directory: String, limits: Limits) throws -> DataSplits {
        let limit = limits.fileBytes
        var splits = try EMNISTDataset.load(reference, directory: directory, limit: limit, name: name)
        let level = Float(reference.number(.perturbationLevel) ?? Double(Perturbation.paperLevel))
        let perturbTest = reference.flag(.perturbTest)
        let size = try ImageSize(width: 32, height: 32)
        splits.train.perturbation = (try Perturbation(level: level, invertsPolarity: perturbTest), size)
        if perturbTest {
            let fixed = try Perturbation(level: level)
            splits.validation = try Self.perturbedOnce(splits.validation, fixed, size)
            splits.test = try Self.perturbedOnce(splits.test, fixed, size)
        }
        return splits
    }

    /// `data` with every image perturbed once (epoch 0, seed 0), stored as Float32.
    static func perturbedOnce(_ data: Dataset, _ perturbation: Perturbation, _ size: ImageSize) throws -> Dataset {
        var d = data
        d.perturbation = (perturbation, size)
        var out = Matrix(rows: data.count, columns: data.featureCount)
        let batch = Minibatch(capacity: 256, for: data)
        for start in stride(from: 0, to: data.count, by: 256) {
            let rows = start..<min(start + 256, data.count)
            batch.gather(d, rows: rows, epoch: 0, seed: PerturbationSeed(runSeed: 0))
            guard case .dense(let x) = batch.input else { continue }
            out.storage.withUnsafeMutableBufferPointer { (o: inout UnsafeMutableBufferPointer<Float>) in
                (o.baseAddress! + start * data.featureCount).update(from: x, count: rows.count * data.featureCount)
            }
        }
        return Dataset(name: data.name, features: out, labels: data.labels, classes: data.classes, classNames: data.classNames)
    }
}

extension DataOption {
    /// NISTP: the strength of the perturbations.
    public static let perturbationLevel = DataOption("perturbation-level", key: "perturbationLevel", .number(0...1, open: false),
                                                     help: "nistp: the level of the perturbations in [0, 1] (default: 0.7, the paper's).")
    /// NISTP: perturb the validation and test images too.
    public static let perturbTest = DataOption("perturb-test", key: "perturbTest", .flag,
                                               help: "nistp: perturb the validation and test images too (once, with a fixed seed).")
}
