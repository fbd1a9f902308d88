import Foundation

/// Everything that determines a run: the data, the network and how it is trained and
/// pre-trained, and the seed (inside the configurations). A `Codable` value: `config.json`
/// records it, `rectifier train` builds it from its options, a sweep writes one per run.
///
/// Two specifications with the same `hash` compute the same thing; the run directory is tied
/// to it (see `Run`).
public struct RunSpecification: Codable, Equatable, Sendable {
    /// The data.
    public var data: DataReference
    /// Greedy layer-wise pre-training before supervised training (nil: none).
    public var pretraining: PretrainingConfig?
    /// Supervised training (nil: pre-training only, as `rectifier pretrain` does).
    public var training: TrainingConfig?
    /// A pre-trained stack (`stack.safetensors` of another run) to start supervised training from.
    public var initFrom: String?
    /// After training, retrain on training + validation data for the selected number of epochs
    /// and report that network too.
    public var refit: Bool

    public init(data: DataReference = DataReference(), pretraining: PretrainingConfig? = nil,
                training: TrainingConfig? = TrainingConfig(), initFrom: String? = nil, refit: Bool = false) {
        self.data = data
        self.pretraining = pretraining
        self.training = training
        self.initFrom = initFrom
        self.refit = refit
    }

    /// A `UsageError` naming the first inconsistency.
    public func validate() throws {
        try data.validate()
        guard pretraining != nil || training != nil else { throw UsageError("a run needs training, pre-training or both") }
        try training?.validate()
        try pretraining?.validate()
        if pretraining != nil && initFrom != nil { throw UsageError("pre-training and --init-from exclude each other") }
        if training == nil && (initFrom != nil || refit) { throw UsageError("--init-from and --refit need supervised training") }
        if let t = training, let p = pretraining {
            guard p.hiddenSizes == t.hiddenSizes, p.activation == t.activation, p.signTrick == t.signTrick else {
                throw UsageError("pre-training and training must describe the same hidden layers")
            }
        }
        if refit, let t = training, t.labelFraction < 1 { throw UsageError("--refit needs every label (--label-fraction 1)") }
    }

    /// Every setting that differs from `other`'s, as `training.epochs: 2 → 3` (JSON key paths),
    /// in key order.
    public func differences(from other: RunSpecification) -> [String] {
        func flatten(_ value: Any, _ path: String, into out: inout [String: String]) {
            if let object = value as? [String: Any] {
                for (k, v) in object { flatten(v, path.isEmpty ? k : path + "." + k, into: &out) }
            } else if let array = value as? [Any], array.contains(where: { $0 is [String: Any] }) {
                for (i, v) in array.enumerated() { flatten(v, "\(path)[\(i)]", into: &out) }
            } else {
                let data = try? JSONSerialization.data(withJSONObject: value, options: [.fragmentsAllowed, .sortedKeys])
                out[path] = data.map { String(decoding: $0, as: UTF8.self) } ?? "\(value)"
            }
        }
        func settings(_ s: RunSpecification) -> [String: String] {
            var out: [String: String] = [:]
            if let data = try? FileIO.jsonEncoder().encode(s), let json = try? JSONSerialization.jsonObject(with: data) { flatten(json, "", into: &out) }
            return out
        }
        let (mine, theirs) = (settings(self), settings(other))
        return Set(mine.keys).union(theirs.keys).sorted().filter { mine[$0] != theirs[$0] }.map {
            "\($0): \(theirs[$0] ?? "unset") → \(mine[$0] ?? "unset")"
        }
    }

    /// 16 hex digits identifying the specification: a 64-bit FNV-1a hash of its JSON form
    /// with sorted keys (the same on every machine).
    public var hash: String {
        let bytes = (try? FileIO.jsonEncoder().encode(self)) ?? Data()
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in bytes { h = (h ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
        let hex = String(h, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }
}
