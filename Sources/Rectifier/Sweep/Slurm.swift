import Foundation

/// Submitting a sweep's unfinished runs to Slurm as one job array whose tasks each run
/// `rectifier sweep task DIR $SLURM_ARRAY_TASK_ID`. The sweep directory and the executable
/// must be visible at the same paths on every node (a shared file system).
public struct SlurmSubmission: Codable, Equatable, Sendable {
    /// Settings of the job, as sbatch options.
    public struct Options: Codable, Equatable, Sendable {
        public var partition: String?
        public var time: String?
        public var cpusPerTask = 1
        public var memory: String?
        /// Most array tasks running at once (the `%K` of `--array`).
        public var maxParallel: Int?
        /// More arguments for every task (e.g. `--backend builtin`).
        public var taskArguments: [String] = []
        public init() {}

        /// Throws a `UsageError` naming the first setting that is not in Slurm's own syntax for
        /// it: a partition name or comma-separated list of them (letters, digits, `_`, `-`, `.`);
        /// a time limit `M`, `M:S`, `H:M:S`, `D-H`, `D-H:M` or `D-H:M:S` (or `infinite`,
        /// `unlimited`); memory as a positive whole number with an optional K, M, G or T; positive
        /// CPU and task counts; task arguments without control characters. Nothing else can reach
        /// the script, so no value can add a line (a command) to it.
        public func validate() throws {
            func refuse(_ option: String, _ value: String, _ expected: String) -> UsageError {
                UsageError("\(option) \(ErrorText.quoted(value)) is not \(expected)")
            }
            if let partition, !Self.isPartitionList(partition) {
                throw refuse("--partition", partition, "a Slurm partition name (letters, digits, _, - and .) or a comma-separated list of them")
            }
            if let time, !Self.isTimeLimit(time) {
                throw refuse("--time", time, "a Slurm time limit (minutes, minutes:seconds, hours:minutes:seconds, days-hours, "
                             + "days-hours:minutes, days-hours:minutes:seconds, or unlimited)")
            }
            if let memory, !Self.isMemory(memory) {
                throw refuse("--mem", memory, "a Slurm memory size (a positive whole number of megabytes, or with a K, M, G or T suffix)")
            }
            guard cpusPerTask > 0 else { throw UsageError("--cpus-per-task must be positive, got \(cpusPerTask)") }
            if let maxParallel, maxParallel <= 0 { throw UsageError("--max-parallel must be positive, got \(maxParallel)") }
            if let bad = taskArguments.first(where: SlurmSubmission.hasControlCharacter) {
                throw UsageError("task argument \(ErrorText.quoted(bad)) holds a control character, which a Slurm script cannot take")
            }
        }

        static func isPartitionList(_ text: String) -> Bool {
            text.split(separator: ",", omittingEmptySubsequences: false).allSatisfy { name in
                !name.isEmpty && name.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "_-.".unicodeScalars.contains($0)) }
            }
        }

        static func isTimeLimit(_ text: String) -> Bool {
            if ["infinite", "unlimited"].contains(text.lowercased()) { return true }
            func numbers(_ part: Substring, counts: ClosedRange<Int>) -> Bool {
                let fields = part.split(separator: ":", omittingEmptySubsequences: false)
                return counts.contains(fields.count) && fields.allSatisfy { !$0.isEmpty && $0.allSatisfy { $0.isASCII && $0.isNumber } }
            }
            let parts = text.split(separator: "-", omittingEmptySubsequences: false)
            switch parts.count {
            case 1: return numbers(parts[0], counts: 1...3)
            case 2: return numbers(parts[0], counts: 1...1) && numbers(parts[1], counts: 1...3)
            default: return false
            }
        }

        static func isMemory(_ text: String) -> Bool {
            var digits = Substring(text)
            if let last = digits.last, "KMGTkmgt".contains(last) { digits = digits.dropLast() }
            return !digits.isEmpty && digits.allSatisfy { $0.isASCII && $0.isNumber } && digits.contains { $0 != "0" }
        }
    }

    /// The job id sbatch gave (nil for a dry run).
    public var jobID: String?
    /// The run indices of the array.
    public var indices: [Int]
    /// The sbatch script.
    public var script: String

    /// `0-3,5,8-9` for [0, 1, 2, 3, 5, 8, 9].
    public static func arrayRanges(_ indices: [Int]) -> String {
        var parts: [String] = []
        var i = 0
        let sorted = indices.sorted()
        while i < sorted.count {
            var j = i
            while j + 1 < sorted.count && sorted[j + 1] == sorted[j] + 1 { j += 1 }
            parts.append(i == j ? String(sorted[i]) : "\(sorted[i])-\(sorted[j])")
            i = j + 1
        }
        return parts.joined(separator: ",")
    }

    /// The batch script for `indices` of `sweep` (absolute paths throughout). Throws a
    /// `UsageError` for settings `Options.validate` refuses, and for a sweep directory or
    /// executable whose path holds a control character (a line break would end the line it is
    /// on) or, for the directory, a backslash (which Slurm's output file names take as an
    /// escape). Paths are quoted for bash and for sbatch's reading of `#SBATCH` lines, so
    /// spaces, quotes, `$(...)` and backquotes stay part of the path.
    public static func script(for sweep: SweepDirectory, indices: [Int], executable: String, options: Options) throws -> String {
        try options.validate()
        let dir = URL(fileURLWithPath: sweep.path).standardizedFileURL.path
        for (what, path) in [("the sweep directory", dir), ("the rectifier executable", executable)] where hasControlCharacter(path) {
            throw UsageError("\(what) \(ErrorText.quoted(path, limit: 200)) holds a control character, which a Slurm script cannot take: "
                             + "use a path without one")
        }
        if dir.contains("\\") {
            throw UsageError("the sweep directory \(ErrorText.quoted(dir, limit: 200)) holds a backslash, which Slurm's output file "
                             + "names take as an escape: use a path without one")
        }
        var lines = ["#!/bin/bash",
                     "# Written by `rectifier sweep submit`: one array task per unfinished run of \(shellQuoted(dir)).",
                     "# The sweep directory must be on a file system every node sees at this path.",
                     "#SBATCH --job-name=rectifier-sweep",
                     "#SBATCH --array=\(arrayRanges(indices))" + (options.maxParallel.map { "%\($0)" } ?? ""),
                     "#SBATCH --requeue",
                     "#SBATCH --cpus-per-task=\(options.cpusPerTask)",
                     // %% is a literal % in Slurm's file name patterns (%A and %a are the job and task).
                     "#SBATCH --output=" + sbatchQuoted(dir.replacingOccurrences(of: "%", with: "%%") + "/slurm/task-%A_%a.out")]
        if let p = options.partition { lines.append("#SBATCH --partition=\(p)") }
        if let t = options.time { lines.append("#SBATCH --time=\(t)") }
        if let m = options.memory { lines.append("#SBATCH --mem=\(m)") }
        // A requeued or preempted task gets SIGTERM: the task saves its checkpoint, and the
        // next attempt resumes from it.
        let extra = options.taskArguments.map { " " + shellQuoted($0) }.joined()
        lines.append("exec \(shellQuoted(executable)) sweep task \(shellQuoted(dir)) \"$SLURM_ARRAY_TASK_ID\" "
                     + "--threads \"${SLURM_CPUS_PER_TASK:-1}\" --slurm-job \"${SLURM_ARRAY_JOB_ID}_${SLURM_ARRAY_TASK_ID}\"\(extra)")
        return lines.joined(separator: "\n") + "\n"
    }

    /// Whether `s` holds a control character (C0, DEL or C1: line breaks among them).
    static func hasControlCharacter(_ s: String) -> Bool {
        s.unicodeScalars.contains { $0.properties.generalCategory == .control }
    }

    /// `s` as one bash word, taken literally: in single quotes, each `'` written `'\\''`.
    static func shellQuoted(_ s: String) -> String {
        "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    /// `s` as one argument of an `#SBATCH` line, taken literally: sbatch reads such lines
    /// itself, with double quotes grouping and a backslash escaping the next character.
    static func sbatchQuoted(_ s: String) -> String {
        "\"" + s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }
}

extension SweepDirectory {
    /// Where the Slurm files go.
    public var slurmPath: String { path + "/slurm" }

    /// Writes the batch script for every unfinished run and, unless `dryRun`, submits it with
    /// `sbatch` and records the job; nil when nothing is left to run. The sweep directory is
    /// owned meanwhile (`DirectoryLock`), so that two submissions cannot both submit its runs.
    public func submit(executable: String, options: SlurmSubmission.Options, dryRun: Bool) throws -> SlurmSubmission? {
        try options.validate()
        guard FileManager.default.fileExists(atPath: path + "/runs") else {
            throw FileError(path, "holds no planned runs (rectifier sweep plan SPEC --out \(path))")
        }
        return try DirectoryLock.holding(path) {
            let active = try activeSlurmTasks()
            let indices = try records().map(\.index).filter {
                switch status($0, activeSlurmTasks: active) {
                case .finished, .running: false
                case .failed(let message, _): !message.hasPrefix("training diverged")
                case .planned: true
                }
            }
            guard !indices.isEmpty else { return nil }
            let script = try SlurmSubmission.script(for: self, indices: indices, executable: executable, options: options)
            try FileIO.createDirectory(slurmPath, what: "directory of the sweep's Slurm files")
            // Only a submission writes there, and no other runs now: any temporary is a killed one's.
            try FileIO.removeTemporaries(in: slurmPath)
            var submission = SlurmSubmission(jobID: nil, indices: indices, script: script)
            let scriptPath = slurmPath + "/submit.sbatch"
            try FileIO.writeAtomically(Array(submission.script.utf8), to: scriptPath)
            guard !dryRun else { return submission }
            let out = try Self.command("sbatch", ["--parsable", scriptPath])
            guard let id = out.split(separator: ";").first.map({ $0.trimmingCharacters(in: .whitespacesAndNewlines) }),
                  !id.isEmpty, id.allSatisfy(\.isNumber) else {
                throw FileError(scriptPath, "sbatch did not give a job id: \(ErrorText.quoted(out, limit: 200))")
            }
            submission.jobID = id
            try FileIO.writeJSON(try slurmJobs() + [submission], to: slurmPath + "/jobs.json")
            return submission
        }
    }

    /// The jobs submitted so far.
    public func slurmJobs() throws -> [SlurmSubmission] {
        let file = slurmPath + "/jobs.json"
        guard FileManager.default.fileExists(atPath: file) else { return [] }
        do {
            return try FileIO.jsonDecoder().decode([SlurmSubmission].self, from: Data(FileIO.read(file)))
        } catch let error as FileError {
            throw error
        } catch {
            throw FileError(file, "not a list of submitted Slurm jobs (\(error))")
        }
    }

    /// The run indices that a recorded job still has pending or running (from `squeue`);
    /// empty when no job is recorded or `squeue` is absent.
    public func activeSlurmTasks() throws -> Set<Int> {
        let ids = try slurmJobs().compactMap(\.jobID)
        guard !ids.isEmpty, let out = try? Self.command("squeue", ["-h", "-r", "-j", ids.joined(separator: ","), "-o", "%i"]) else {
            return []
        }
        return Set(out.split(separator: "\n").compactMap { line in line.split(separator: "_").last.flatMap { Int($0) } })
    }

    /// Runs `tool` (found on PATH) and returns its standard output; throws with its standard
    /// error when it fails.
    static func command(_ tool: String, _ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [tool] + arguments
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        do { try process.run() } catch { throw UsageError("cannot run \(tool): \(FileIO.reason(error))") }
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw UsageError("\(tool) failed: " + String(decoding: stderr, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
        }
        return String(decoding: stdout, as: UTF8.self)
    }
}
