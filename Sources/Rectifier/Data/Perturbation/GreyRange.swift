/// The range of grey levels of an image, and the linear map onto it that several steps of the
/// original pipeline apply after filtering (`thick.py`, `BruitGauss.py`): the filtered image is
/// stretched so that it spans the grey levels the input spanned.
struct GreyRange {
    /// Darkest and lightest values.
    var lower: Float
    var upper: Float

    /// The range of `count` values at `values`.
    init(of values: UnsafePointer<Float>, count: Int) {
        var (lo, hi) = (Float.infinity, -Float.infinity)
        for i in 0..<count { (lo, hi) = (min(lo, values[i]), max(hi, values[i])) }
        (lower, upper) = (lo, hi)
    }

    /// Whether all values are (nearly) equal: no contrast to stretch.
    var isFlat: Bool { !(upper - lower > 1e-6) }

    /// Writes `values` to `output` mapped linearly so that their range becomes this one; copied
    /// unchanged when they are all equal (nothing to map).
    func stretch(_ values: UnsafePointer<Float>, count: Int, into output: UnsafeMutablePointer<Float>) {
        let from = GreyRange(of: values, count: count)
        guard !from.isFlat else {
            if UnsafePointer(output) != values { output.update(from: values, count: count) }
            return
        }
        let gain = (upper - lower) / (from.upper - from.lower)
        for i in 0..<count { output[i] = lower + (values[i] - from.lower) * gain }
    }
}
