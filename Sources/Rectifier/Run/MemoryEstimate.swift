/// What a run will hold in memory, estimated before anything large is built, so that a
/// network that cannot fit is one clear error and not a process the system kills.
enum MemoryEstimate {
    /// Bytes to train a network of `architecture` with minibatches of `batch`: the parameters
    /// in every copy a run keeps (current, best, start of the epoch, the checkpoint being
    /// encoded, the saved model; `optimizerCopies` more for velocities), and the workspaces
    /// (each layer's outputs and deltas, the sparse kernels' buffers).
    static func training(_ architecture: Architecture, batch: Int, optimizerCopies: Int) -> Int {
        let widths = [architecture.inputSize] + architecture.layerSizes
        var parameters = 0
        for (fanIn, fanOut) in zip(widths, widths.dropFirst()) {
            let (product, overflow) = fanIn.multipliedReportingOverflow(by: fanOut)
            parameters = overflow ? Int.max / 64 : min(Int.max / 64, parameters + product + fanOut)
        }
        let evaluationRows = max(batch, 1000)
        let activations = widths.dropFirst().reduce(0) { $0 + $1 } * evaluationRows * 2
        let sparseBuffers = widths.dropLast().reduce(0) { $0 + $1 } * min(evaluationRows, 1024) * 2
        return 4 * (parameters * (5 + optimizerCopies) + activations + sparseBuffers)
    }

    /// A `UsageError` with the figure unless the network fits `limits` beside `dataBytes`.
    static func check(_ architecture: Architecture, batch: Int, optimizerCopies: Int, dataBytes: Int, limits: Limits) throws {
        let network = training(architecture, batch: batch, optimizerCopies: optimizerCopies)
        try limits.checkMemory(network + dataBytes, for: "the \(architecture.summary) network"
            + (dataBytes > 0 ? " with its data" : ""))
    }
}

extension Inputs {
    /// Bytes the values take as held.
    var bytesHeld: Int {
        switch self {
        case .dense(let m): 4 * m.storage.count
        case .sparse(let s): 8 * s.nonZeros + 8 * s.rows
        case .bytes(let b): b.bytes.count
        }
    }
}

extension DataSplits {
    /// Bytes the three parts take.
    var bytesHeld: Int { train.inputs.bytesHeld + validation.inputs.bytesHeld + test.inputs.bytesHeld + (unlabeled?.bytesHeld ?? 0) }
}
