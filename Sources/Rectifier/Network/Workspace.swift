import CKernels

/// Preallocated buffers for forward and backward passes of one network at one batch size.
/// Made once per run and reused for every step, so steps do not allocate.
public struct Workspace {
    /// Largest batch these buffers hold.
    public let capacity: Int
    /// Output of each layer (`capacity x width`): hidden activations, then logits.
    public let outputs: [FloatBuffer]
    /// ∂loss/∂output, then ∂loss/∂z, of each layer.
    public let deltas: [FloatBuffer]
    /// Labels of the current batch.
    public let labels: UnsafeMutableBufferPointer<Int32>
    private let labelStorage: AlignedBuffer<Int32>
    /// Per layer: buffers for the sparse kernels (batches up to `sparseCapacityLimit`, else nil).
    public let sparse: [SparseScratch?]
    /// The first layer's input by columns, for the SGD update from sparse inputs.
    public let inputColumns: SparseColumns

    /// Largest batch for which workspaces carry sparse-kernel buffers: covers the default
    /// evaluation batch (1000), whose forward products take the sparse kernel on sparse layers.
    public static let sparseCapacityLimit = 1024

    /// Buffers for `network` at batches of up to `capacity` rows.
    public init(for network: Network, capacity: Int) {
        precondition(capacity > 0)
        self.capacity = capacity
        outputs = network.layers.map { FloatBuffer(count: capacity * $0.outputSize) }
        deltas = network.layers.map { FloatBuffer(count: capacity * $0.outputSize) }
        labelStorage = AlignedBuffer(count: capacity)
        labels = labelStorage.buffer
        sparse = network.layers.map {
            capacity <= Self.sparseCapacityLimit ? SparseScratch(capacity: capacity, inputSize: $0.inputSize, outputSize: $0.outputSize) : nil
        }
        inputColumns = SparseColumns(width: 0)
    }
}
