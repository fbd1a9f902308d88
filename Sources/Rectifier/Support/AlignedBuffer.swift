/// A fixed-size, 64-byte-aligned, zero-filled scratch buffer, freed with its owner.
/// Workspaces use these so that a training step touches memory it already has and never
/// allocates.
public final class AlignedBuffer<Element: BitwiseCopyable>: @unchecked Sendable {
    /// Start of the buffer.
    public let pointer: UnsafeMutablePointer<Element>
    /// Number of elements.
    public let count: Int

    /// A zero-filled buffer of `count` elements.
    public init(count: Int) {
        precondition(count >= 0)
        self.count = count
        let bytes = max(1, count) * MemoryLayout<Element>.stride
        let raw = UnsafeMutableRawPointer.allocate(byteCount: bytes, alignment: 64)
        raw.initializeMemory(as: UInt8.self, repeating: 0, count: bytes)
        pointer = raw.bindMemory(to: Element.self, capacity: max(1, count))
    }

    deinit { pointer.deallocate() }

    /// The elements, as a buffer pointer.
    public var buffer: UnsafeMutableBufferPointer<Element> { UnsafeMutableBufferPointer(start: pointer, count: count) }

    /// A copy of the first `n` elements (all by default) as an array.
    public func array(_ n: Int? = nil) -> [Element] { Array(buffer.prefix(n ?? count)) }
}

/// The buffer type of activations and gradients.
public typealias FloatBuffer = AlignedBuffer<Float>
