/// Linear scaling of pixel values to [-1, 1] (symmetric inputs, as for the NORB and CIFAR-10
/// networks). Written as (x - low) * 2 / width - 1 so that the ends of the range map to
/// exactly -1 and 1.
public enum PixelScaling {
    /// Bytes 0...255 mapped linearly onto -1...1.
    public static func symmetric(_ bytes: [UInt8]) -> [Float] {
        bytes.withUnsafeBufferPointer { b in
            [Float](unsafeUninitializedCapacity: b.count) { out, count in
                for i in 0..<b.count { out[i] = Float(b[i]) * 2 / 255 - 1 }
                count = b.count
            }
        }
    }

    /// `values`, whose possible range is `range` (e.g. 0...255 for averaged bytes), mapped
    /// linearly onto -1...1 in place.
    public static func symmetric(_ values: inout [Float], from range: ClosedRange<Float>) {
        precondition(range.upperBound > range.lowerBound, "an empty range cannot be scaled")
        let low = range.lowerBound, width = range.upperBound - range.lowerBound
        values.withUnsafeMutableBufferPointer { v in
            for i in 0..<v.count { v[i] = (v[i] - low) * 2 / width - 1 }
        }
    }
}
