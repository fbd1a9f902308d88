import Foundation

/// Figures of a peer implementation read from the JSON lines its scripts print:
/// `torch_mlp.py` (one line per run: batch, training and inference samples/s) and
/// `gemm_bench.py` (one line per library: GFLOP/s per shape) and `torch_sentiment.py` (one line per
/// run: the sentiment network's training samples/s, dense or sparse input).
public struct PeerFigures: Sendable, Equatable {
    /// Training samples/s by batch size (best line per batch).
    public var trainingSamplesPerSecond: [Int: Double] = [:]
    /// Median inference samples/s one at a time, and 1000 at a time (best line).
    public var inferenceBatch1: Double?
    public var inferenceBatch1000: Double?
    /// The sentiment network's training samples/s by the peer's input form (`dense`, `sparse`).
    public var sentimentSamplesPerSecond: [String: Double] = [:]
    /// GEMM GFLOP/s by shape `MxKxN` (best library).
    public var gemmGFLOPS: [String: Double] = [:]
    /// What the lines said about themselves (e.g. `torch 2.15.0, 2 threads`).
    public var description: String = ""

    public init() {}

    /// Parses a JSON Lines file; `path` names it in errors.
    public static func read(_ path: String) throws -> PeerFigures {
        let text = String(decoding: try FileIO.read(path), as: UTF8.self)
        var peer = PeerFigures()
        var descriptions = Set<String>()
        for (number, line) in text.split(separator: "\n").enumerated() where !line.trimmingCharacters(in: .whitespaces).isEmpty {
            guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else {
                throw FileError(path, "line \(number + 1) is not a JSON object")
            }
            if object["vocab"] != nil, let input = object["input"] as? String,
               let rate = (object["train_samples_per_s"] as? NSNumber)?.doubleValue {
                peer.sentimentSamplesPerSecond[input] = max(rate, peer.sentimentSamplesPerSecond[input] ?? 0)
                descriptions.insert("\(object["impl"] as? String ?? "peer") \(object["torch"] as? String ?? "")".trimmingCharacters(in: .whitespaces))
            } else if let batch = (object["batch"] as? NSNumber)?.intValue,
               let rate = (object["train_samples_per_s"] as? NSNumber)?.doubleValue {
                peer.trainingSamplesPerSecond[batch] = max(rate, peer.trainingSamplesPerSecond[batch] ?? 0)
                if let v = (object["infer_b1_median"] as? NSNumber)?.doubleValue { peer.inferenceBatch1 = max(v, peer.inferenceBatch1 ?? 0) }
                if let v = (object["infer_b1000_median"] as? NSNumber)?.doubleValue { peer.inferenceBatch1000 = max(v, peer.inferenceBatch1000 ?? 0) }
                let impl = object["impl"] as? String ?? "peer"
                let version = object[impl] as? String ?? ""
                descriptions.insert("\(impl) \(version)".trimmingCharacters(in: .whitespaces))
            }
            if let lib = object["lib"] as? String {
                for (key, value) in object {
                    guard let entry = value as? [String: Any], let g = (entry["gflops_median"] as? NSNumber)?.doubleValue,
                          key.first?.isNumber == true else { continue }
                    // gemm_bench.py names shapes MxKxN, as we do
                    peer.gemmGFLOPS[key] = max(g, peer.gemmGFLOPS[key] ?? 0)
                }
                descriptions.insert(lib)
            }
        }
        guard !peer.trainingSamplesPerSecond.isEmpty || !peer.gemmGFLOPS.isEmpty || !peer.sentimentSamplesPerSecond.isEmpty else {
            throw FileError(path, "no torch_mlp.py, gemm_bench.py or torch_sentiment.py results in it")
        }
        peer.description = descriptions.sorted().joined(separator: ", ")
        return peer
    }
}
