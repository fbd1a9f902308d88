/// The network applied to a whole dataset, a batch at a time: the one pass behind evaluation,
/// prediction, the codes that pre-training feeds to the next layer, and inference benchmarks.
extension Network {
    /// A `UsageError` unless the network takes `inputs`' width and, when given, `classes` labels.
    public func checkFits(width: Int, classes: Int? = nil, name: String) throws {
        guard width == layers[0].inputSize else {
            throw UsageError("the network expects \(layers[0].inputSize) inputs per example; \(name) has \(width)")
        }
        if let classes, classes > layers.last!.outputSize {
            throw UsageError("the network has \(layers.last!.outputSize) output classes; \(name) has \(classes)")
        }
    }

    /// Runs every row of `inputs` through the network in order, at most `batchSize` at a time,
    /// and calls `body` with each batch's rows and the workspace holding every layer's outputs
    /// for them. The caller has checked the width (`checkFits`).
    public func forwardAll(_ inputs: Inputs, batchSize: Int = 1000, workspace: Workspace? = nil, using la: LinearAlgebra,
                           _ body: (Range<Int>, Workspace) throws -> Void) rethrows {
        precondition(inputs.width == layers[0].inputSize, "inputs of width \(inputs.width) for a network of \(layers[0].inputSize) inputs")
        guard inputs.count > 0 else { return }
        let ws = workspace ?? Workspace(for: self, capacity: min(batchSize, inputs.count))
        try inputs.withBatches(size: min(batchSize, ws.capacity)) { batch, range in
            forward(batch, batch: range.count, workspace: ws, using: la)
            try body(range, ws)
        }
    }

    /// The outputs of layer `layer` (0-based; the last one gives the logits) for every row of
    /// `inputs`, as a dense matrix.
    public func outputs(of layer: Int, for inputs: Inputs, batchSize: Int = 1000, using la: LinearAlgebra) -> Matrix {
        let width = layers[layer].outputSize
        var out = Matrix(rows: inputs.count, columns: width)
        out.storage.withUnsafeMutableBufferPointer { o in
            forwardAll(inputs, batchSize: batchSize, using: la) { range, ws in
                (o.baseAddress! + range.lowerBound * width).update(from: ws.outputs[layer].pointer, count: range.count * width)
            }
        }
        return out
    }

    /// Class probabilities (softmax of the logits) for every row of `inputs`, one row each.
    public func probabilities(for inputs: Inputs, batchSize: Int = 1000, using la: LinearAlgebra) -> Matrix {
        var p = outputs(of: layers.count - 1, for: inputs, batchSize: batchSize, using: la)
        let classes = p.columns
        p.storage.withUnsafeMutableBufferPointer { s in
            for r in 0..<p.rows { SoftmaxCrossEntropy.softmax(s.baseAddress! + r * classes, count: classes) }
        }
        return p
    }
}
