import Foundation

/// What a report says about the machine it was made on.
public enum Machine {
    /// CPU model, its widest vector extension, cores and memory, as report entries.
    public static func description() -> [(String, String)] {
        let info = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
        func field(_ name: String) -> String? {
            info.split(separator: "\n").first { $0.hasPrefix(name) }
                .flatMap { $0.split(separator: ":", maxSplits: 1).last }.map { $0.trimmingCharacters(in: .whitespaces) }
        }
        let flags = Set((field("flags") ?? "").split(separator: " ").map(String.init))
        let vector = flags.contains("avx512f") ? "AVX-512" : flags.contains("avx2") ? "AVX2" : "no AVX2"
        var cpu = field("model name") ?? "unknown CPU"
        if let family = field("cpu family"), let model = field("model") { cpu += " (family \(family), model \(model))" }
        let gib = Double(ProcessInfo.processInfo.physicalMemory) / Double(1 << 30)
        return [("CPU", "\(cpu), \(vector)"), ("cores", String(ProcessInfo.processInfo.activeProcessorCount)),
                ("memory", String(format: "%.0f GiB", gib))]
    }
}
