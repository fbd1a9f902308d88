#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import Rectifier

/// Terminal output: a progress bar on stderr when it is a terminal, plain lines otherwise.
struct Console {
    let interactive = isatty(STDERR_FILENO) != 0

    func line(_ text: String) {
        if interactive { clearProgress() }
        print(text)
        fflush(nil)
    }

    func error(_ text: String) {
        if interactive { clearProgress() }
        writeError(text + "\n")
    }

    /// Redraws the progress bar (terminals only).
    func progress(epoch: Int, epochs: Int, done: Int, total: Int, rate: Double, loss: Double) {
        progress(label: "epoch \(epoch)/\(epochs)", done: done, total: total, rate: rate, loss: loss)
    }

    /// Redraws the progress bar with its own label (terminals only); `unit` "bytes" shows
    /// megabytes instead of examples and a loss.
    func progress(label: String, done: Int, total: Int, rate: Double, loss: Double, unit: String = "examples") {
        guard interactive else { return }
        let width = 30
        let filled = total > 0 ? min(width, done * width / total) : 0
        let bar = String(repeating: "█", count: filled) + String(repeating: "·", count: width - filled)
        let text = unit == "bytes"
            ? "\(label) \(bar) \(format(Double(done) / 1_048_576, 1))/\(total > 0 ? format(Double(total) / 1_048_576, 1) : "?") MB"
            : "\(label) \(bar) \(done)/\(total)  \(format(rate, 0)) ex/s  loss \(format(loss, 4))"
        writeError("\r\u{1B}[2K" + text)
    }

    func clearProgress() {
        writeError("\r\u{1B}[2K")
    }

    private func writeError(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }
}

/// `value` with `digits` decimals.
func format(_ value: Double, _ digits: Int) -> String {
    String(format: "%.\(digits)f", value)
}

/// A percentage with two decimals, e.g. `1.43%`.
func percent(_ fraction: Double) -> String { percent(fraction, digits: 2) }
func percent(_ fraction: Double, digits: Int) -> String { format(fraction * 100, digits) + "%" }

/// A left-aligned text table.
func table(_ header: [String], _ rows: [[String]]) -> String {
    let widths = header.indices.map { c in ([header] + rows).map { $0[c].count }.max() ?? 0 }
    func render(_ cells: [String]) -> String {
        cells.enumerated().map { $1.padding(toLength: widths[$0], withPad: " ", startingAt: 0) }
            .joined(separator: "  ").trimmingTrailingSpaces()
    }
    let rule = widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ")
    return ([render(header), rule] + rows.map(render)).joined(separator: "\n")
}

extension String {
    func trimmingTrailingSpaces() -> String {
        var s = Substring(self)
        while s.last == " " { s.removeLast() }
        return String(s)
    }
}
