import Foundation

extension SweepDirectory {
    /// What `plan` did.
    public struct PlanReport: Sendable {
        /// Runs in the plan, by index.
        public var runs: [RunRecord]
        /// Indices created by this call (the others were planned before, with the same hash).
        public var added: [Int]
        /// Unstarted runs of an earlier plan that the new one no longer has, removed.
        public var removed: [Int]
    }

    /// Plans `spec` (read from `specPath`) into this directory: one run directory per run,
    /// with the specification `specification` makes of its options and the specification's hash.
    ///
    /// Replanning the same spec changes nothing. A changed spec keeps every run it still
    /// contains (matched by hash) and adds the new ones after the highest index; a run of the
    /// old plan that has started (a checkpoint or a result) and is no longer in the new one is
    /// an error naming the options that changed, raised before anything is written. Every
    /// run's specification is built and checked before anything is written, too.
    ///
    /// The sweep directory is owned while planning (`DirectoryLock`: a second plan or submit
    /// is refused), and so is each run removed (a running one is refused); the temporary
    /// files of a plan that was killed are removed.
    public func plan(_ spec: SweepSpecification, from specPath: String,
                     specification: (PlannedRun) throws -> RunSpecification) throws -> PlanReport {
        var planned: [(PlannedRun, RunSpecification, String)] = []
        for run in spec.expand() {
            let s: RunSpecification
            do { s = try specification(run) } catch {
                let axes = run.axes.keys.sorted().map { "\($0) = \(run.axes[$0]!)" }.joined(separator: ", ")
                throw FileError(specPath, (axes.isEmpty ? "" : "the run with \(axes): ") + "\(error)")
            }
            planned.append((run, s, s.hash))
        }
        try FileIO.createDirectory(path, what: "sweep directory")
        return try DirectoryLock.holding(path) { try write(planned, from: specPath) }
    }

    /// The writing half of `plan`, holding the sweep directory's lock.
    private func write(_ planned: [(PlannedRun, RunSpecification, String)], from specPath: String) throws -> PlanReport {
        // Only a plan writes these, and no other plan runs now: any temporary is a killed plan's.
        try FileIO.removeTemporaries(in: path, of: ["sweep.toml"])
        if let names = try? FileManager.default.contentsOfDirectory(atPath: path + "/runs") {
            for name in names where Int(name) != nil { try FileIO.removeTemporaries(in: path + "/runs/" + name, of: ["run.json"]) }
        }
        let existing = try records()
        let byHash = Dictionary(existing.map { ($0.hash, $0) }, uniquingKeysWith: { a, _ in a })
        let wanted = Set(planned.map(\.2))
        var removed: [Int] = []
        for old in existing where !wanted.contains(old.hash) {
            let dir = runPath(old.index)
            let started = RunDirectory.runFiles.contains { FileManager.default.fileExists(atPath: dir + "/" + $0) }
            guard !started else {
                let counterpart = old.index < planned.count ? planned[old.index].0 : nil
                throw FileError(specPath, "run \(Self.name(old.index)) has started with options the new plan no longer has"
                    + Self.differences(old.run.options, counterpart?.options) + "; plan the changed sweep into a new directory")
            }
            if DirectoryLock.isHeld(dir) {
                throw FileError(specPath, "run \(Self.name(old.index)), which the new plan no longer has, is running in \(dir); "
                    + "plan again when it has stopped")
            }
            removed.append(old.index)
        }
        try FileIO.createDirectory(path + "/runs", what: "sweep's runs directory")
        for index in removed { try DirectoryLock.holding(runPath(index)) { try FileIO.remove(runPath(index)) } }
        var next = (existing.map(\.index).max() ?? -1) + 1
        var runs: [RunRecord] = []
        var added: [Int] = []
        for (run, s, hash) in planned {
            if let old = byHash[hash] {
                runs.append(old)
                continue
            }
            let record = RunRecord(index: next, hash: hash, run: run, specification: s)
            try FileIO.createDirectory(runPath(next), what: "run directory")
            try FileIO.writeJSON(record, to: runPath(next) + "/run.json")
            runs.append(record)
            added.append(next)
            next += 1
        }
        try FileIO.writeAtomically(try FileIO.read(specPath), to: path + "/sweep.toml")
        return PlanReport(runs: runs.sorted { $0.index < $1.index }, added: added, removed: removed)
    }

    /// ` (key: old → new, ...)` between two option sets, or an empty string.
    static func differences(_ old: [String: SweepValue], _ new: [String: SweepValue]?) -> String {
        guard let new else { return " (it is not in the new plan at all)" }
        let keys = Set(old.keys).union(new.keys).sorted().filter { old[$0] != new[$0] }
        guard !keys.isEmpty else { return "" }
        return " (" + keys.map { "\($0): \(old[$0]?.description ?? "unset") → \(new[$0]?.description ?? "unset")" }
            .joined(separator: ", ") + ")"
    }
}
