/// A fixed-size, 64-byte-aligned scratch buffer of `Float`, owned by whoever made it and freed
/// with it. Workspaces use these so that a training step touches memory it already has and
/// never allocates.
public final class FloatBuffer: @unchecked Sendable {
    /// Start of the buffer.
    public let pointer: UnsafeMutablePointer<Float>
    /// Number of elements.
    public let count: Int

    /// A zero-filled buffer of `count` elements.
    public init(count: Int) {
        precondition(count >= 0)
        self.count = count
        let raw = UnsafeMutableRawPointer.allocate(byteCount: max(1, count) * 4, alignment: 64)
        pointer = raw.bindMemory(to: Float.self, capacity: max(1, count))
        pointer.initialize(repeating: 0, count: max(1, count))
    }

    deinit { pointer.deallocate() }

    /// The elements, as a buffer pointer.
    public var buffer: UnsafeMutableBufferPointer<Float> { UnsafeMutableBufferPointer(start: pointer, count: count) }

    /// A copy of the first `n` elements as an array.
    public func array(_ n: Int? = nil) -> [Float] { Array(buffer.prefix(n ?? count)) }
}
