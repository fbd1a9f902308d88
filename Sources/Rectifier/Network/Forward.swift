/// The forward pass of a whole network over a batch.
extension Network {
    /// Runs `batch` rows of dense `input` through every layer, leaving each layer's output in
    /// `workspace.outputs` (the logits in the last one).
    public func forward(_ input: UnsafePointer<Float>, batch: Int, workspace: Workspace, using la: LinearAlgebra) {
        forward(.dense(input), batch: batch, workspace: workspace, using: la)
    }

    /// Runs a batch through every layer, leaving each layer's output in `workspace.outputs`
    /// (the logits in the last one). A sparse batch goes to the first layer as it is.
    public func forward(_ input: BatchInput, batch: Int, workspace: Workspace, using la: LinearAlgebra) {
        precondition(batch <= workspace.capacity, "batch larger than the workspace")
        var x = input
        for (l, layer) in layers.enumerated() {
            layer.forward(x, batch: batch, into: workspace.outputs[l].pointer, using: la, scratch: workspace.sparse[l])
            x = .dense(UnsafePointer(workspace.outputs[l].pointer))
        }
    }
}
