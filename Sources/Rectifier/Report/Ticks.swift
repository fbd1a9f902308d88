import Foundation

/// How an axis writes its numbers.
public enum NumberFormat: Sendable, Equatable {
    /// Plain decimals with as many digits as the tick step needs (exponent form beyond 1e6).
    case plain
    /// Fractions shown as percentages: 0.0143 is written "1.43%".
    case percent
    /// Whole numbers such as epochs: ticks only at whole numbers (steps of 1, 2, 5, 10, ...),
    /// so that an axis of two epochs is not labelled 1.2, 1.4, 1.6.
    case integer
}

/// One labelled position on an axis.
public struct Tick: Sendable, Equatable {
    /// Position in data units.
    public var value: Double
    /// The label drawn next to it.
    public var label: String
}

/// "Nice" tick positions: multiples of 1, 2 or 5 times a power of ten, so that labels are
/// short and gridlines fall on round values.
public enum Ticks {
    /// The 1-2-5 step that puts about `target` intervals in a span: span/target rounded to
    /// 1, 2, 5 or 10 × 10^⌊log₁₀(span/target)⌋ (thresholds 1.5, 3 and 7 on the mantissa).
    public static func niceStep(span: Double, target: Int = 5) -> Double {
        let (factor, exponent) = niceStepParts(span: span, target: target)
        return scaled(factor, exponent)
    }

    /// The nice step as factor (1, 2, 5 or 10) and power of ten.
    private static func niceStepParts(span: Double, target: Int) -> (factor: Double, exponent: Int) {
        guard span > 0, span.isFinite else { return (1, 0) }
        let raw = span / Double(max(1, target))
        let exponent = Int(floor(log10(raw)))
        let normalised = raw / pow(10, Double(exponent))
        return (normalised < 1.5 ? 1 : normalised < 3 ? 2 : normalised < 7 ? 5 : 10, exponent)
    }

    /// m · 10^e, dividing by the exact 10^-e for negative e so that multiples of 0.1 come out as
    /// the doubles nearest to the decimals (0.3, not 0.30000000000000004).
    private static func scaled(_ m: Double, _ e: Int) -> Double {
        e >= 0 ? m * pow(10, Double(e)) : m / pow(10, Double(-e))
    }

    /// Every multiple k · step inside `range` (ends included, up to rounding), for a linear axis;
    /// the step is at least 1 for `.integer`, which may give fewer ticks than `target`.
    public static func linear(_ range: ClosedRange<Double>, target: Int = 5, format: NumberFormat = .plain) -> [Tick] {
        var (factor, exponent) = niceStepParts(span: range.upperBound - range.lowerBound, target: target)
        if format == .integer && exponent < 0 { (factor, exponent) = (1, 0) }
        let step = scaled(factor, exponent)
        let first = (range.lowerBound / step - 1e-9).rounded(.up)
        let last = (range.upperBound / step + 1e-9).rounded(.down)
        guard first <= last, last - first < 1000 else { return [] }
        return stride(from: first, through: last, by: 1).map { k in
            let value = scaled(k * factor, exponent)
            return Tick(value: value, label: label(value, step: step, format: format))
        }
    }

    /// Ticks for a logarithmic axis over a positive `range`: every power of ten inside it, and
    /// also 2 and 5 × 10^k when fewer than three powers of ten are inside (a range of one or two
    /// decades needs them to be read); every second or third power of ten beyond eight or sixteen
    /// decades. Linear nice ticks when the range is too narrow for three ticks of either kind.
    public static func logarithmic(_ range: ClosedRange<Double>, format: NumberFormat = .plain) -> [Tick] {
        guard range.lowerBound > 0 else { return linear(range, format: format) }
        let low = log10(range.lowerBound), high = log10(range.upperBound)
        let powersInside = Int(floor(high + 1e-9)) - Int(ceil(low - 1e-9)) + 1
        let multipliers: [Double] = powersInside < 3 ? [1, 2, 5] : [1]
        let every = high - low > 16 ? 3 : high - low > 8 ? 2 : 1
        var ticks: [Tick] = []
        for exponent in Int(floor(low))...Int(ceil(high)) where exponent % every == 0 {
            for m in multipliers {
                let value = scaled(m, exponent)
                if value >= range.lowerBound * (1 - 1e-9) && value <= range.upperBound * (1 + 1e-9) {
                    ticks.append(Tick(value: value, label: label(value, step: value, format: format)))
                }
            }
        }
        return ticks.count >= 3 ? ticks : linear(range, format: format)
    }

    /// `value` written with the decimals that `step` needs (0.02 → 2 decimals), as a percentage
    /// for `.percent`; magnitudes from 1e6 up (1e-4 and below for plain steps) in exponent form.
    public static func label(_ value: Double, step: Double, format: NumberFormat) -> String {
        let scale = format == .percent ? 100.0 : 1.0
        let v = value * scale, s = abs(step * scale)
        let suffix = format == .percent ? "%" : ""
        if v == 0 { return "0" + suffix }
        if abs(v) >= 1e6 || s < 1e-4 {
            let exponent = Int(floor(log10(abs(v))))
            let mantissa = v / pow(10, Double(exponent))
            return decimal(mantissa, digits: decimals(for: s / pow(10, Double(exponent)))) + "e\(exponent)" + suffix
        }
        return decimal(v, digits: decimals(for: s)) + suffix
    }

    /// A value on its own rather than one of evenly spaced ticks (a swept learning rate, say):
    /// three significant digits, so 0.00015 stays 0.00015 and 1e-5 is "1e-5".
    public static func label(_ value: Double, format: NumberFormat) -> String {
        switch format {
        case .integer: return String(format: "%.0f", value)
        case .plain, .percent:
            let text = String(format: "%.3g", format == .percent ? value * 100 : value)
                .replacingOccurrences(of: "e-0", with: "e-").replacingOccurrences(of: "e+0", with: "e").replacingOccurrences(of: "e+", with: "e")
            return text + (format == .percent ? "%" : "")
        }
    }

    /// Decimals needed to write multiples of `step` exactly: 0 for 1, 2, 5, 10, ...; 1 for 0.5.
    static func decimals(for step: Double) -> Int {
        guard step > 0, step.isFinite else { return 0 }
        return max(0, min(12, Int((-log10(step) - 1e-9).rounded(.up))))
    }

    /// A fixed-point rendering independent of the locale, without a negative zero.
    static func decimal(_ value: Double, digits: Int) -> String {
        let text = String(format: "%.\(digits)f", value)
        return Double(text) == 0 ? String(format: "%.\(digits)f", 0.0) : text
    }
}
