import Foundation
import Testing

/// The README and the pages of `docs/` as a reader meets them: every relative link leads to a
/// file (and heading), the README stays a short front door, the pages name no machine-local
/// path, and every option a subcommand's `--help` prints is in the options table marked for it
/// (`<!-- options: train, pretrain -->` on the line before a Markdown table), while no table
/// lists an option the subcommand does not have.
@Suite struct DocumentationTests {
    /// README.md and every page of docs/, as paths relative to the project root.
    static func pages() throws -> [String] {
        let docs = TestSupport.projectRoot.appendingPathComponent("docs").path
        let names = try FileManager.default.contentsOfDirectory(atPath: docs).filter { $0.hasSuffix(".md") }.sorted()
        return ["README.md"] + names.map { "docs/" + $0 }
    }

    static func text(_ page: String) throws -> String {
        try String(contentsOfFile: TestSupport.projectRoot.appendingPathComponent(page).path, encoding: .utf8)
    }

    /// The lines of `text` outside fenced code blocks.
    static func prose(_ text: String) -> [String] {
        var inCode = false
        var lines: [String] = []
        for line in text.components(separatedBy: "\n") {
            if line.trimmingCharacters(in: .whitespaces).hasPrefix("```") {
                inCode.toggle()
                continue
            }
            if !inCode { lines.append(line) }
        }
        return lines
    }

    /// The capture groups of every match of `pattern` in `text` (nil for a group that did not take part).
    static func matches(_ pattern: String, in text: String, options: NSRegularExpression.Options = []) -> [[String?]] {
        let regex = try! NSRegularExpression(pattern: pattern, options: options)
        let ns = text as NSString
        return regex.matches(in: text, range: NSRange(location: 0, length: ns.length)).map { match in
            (0..<match.numberOfRanges).map { i in
                let range = match.range(at: i)
                return range.location == NSNotFound ? nil : ns.substring(with: range)
            }
        }
    }

    /// GitHub's anchor for a heading: lower case, punctuation dropped, spaces as hyphens.
    static func slug(_ heading: String) -> String {
        var text = heading
        for link in matches(#"\[([^\]]*)\]\([^)]*\)"#, in: heading) { text = text.replacingOccurrences(of: link[0]!, with: link[1]!) }
        let kept = text.lowercased().unicodeScalars.filter {
            CharacterSet.letters.contains($0) || CharacterSet.decimalDigits.contains($0) || $0 == " " || $0 == "-" || $0 == "_"
        }
        return String(String.UnicodeScalarView(kept)).replacingOccurrences(of: " ", with: "-")
    }

    /// The anchors of a Markdown file's headings, duplicates numbered as GitHub numbers them.
    static func anchors(_ text: String) -> Set<String> {
        var seen: [String: Int] = [:]
        var anchors = Set<String>()
        for line in prose(text) {
            guard let heading = matches(#"^#{1,6}\s+(.*?)\s*#*\s*$"#, in: line).first?[1] else { continue }
            let base = slug(heading)
            let n = seen[base, default: 0]
            anchors.insert(n == 0 ? base : "\(base)-\(n)")
            seen[base] = n + 1
        }
        return anchors
    }

    @Test func readmeIsAShortFrontDoor() throws {
        let size = try Data(contentsOf: TestSupport.projectRoot.appendingPathComponent("README.md")).count
        #expect(size <= 15_000, "README.md is \(size) bytes; depth belongs in docs/")
    }

    /// `[text](path)` and `[text](path#anchor)`, images too: the file exists (relative to the
    /// page), and an anchor into a Markdown file names one of its headings.
    @Test func everyRelativeLinkResolves() throws {
        var broken: [String] = []
        var count = 0
        for page in try Self.pages() {
            let directory = TestSupport.projectRoot.appendingPathComponent(page).deletingLastPathComponent()
            for line in Self.prose(try Self.text(page)) {
                for link in Self.matches(#"\]\(([^)\s]+)(?:\s+"[^"]*")?\)"#, in: line) {
                    let target = link[1]!
                    if target.contains("://") || target.hasPrefix("mailto:") { continue }
                    count += 1
                    let parts = target.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
                    let file = parts[0].isEmpty ? TestSupport.projectRoot.appendingPathComponent(page)
                        : directory.appendingPathComponent(parts[0]).standardized
                    guard FileManager.default.fileExists(atPath: file.path) else {
                        broken.append("\(page): \(target) (no file \(file.path))")
                        continue
                    }
                    if parts.count == 2, file.pathExtension == "md" {
                        let anchors = Self.anchors(try String(contentsOf: file, encoding: .utf8))
                        if !anchors.contains(parts[1]) { broken.append("\(page): \(target) (no heading #\(parts[1]))") }
                    }
                }
            }
        }
        #expect(count > 50, "only \(count) relative links found")
        #expect(broken.isEmpty, "broken links:\n\(broken.joined(separator: "\n"))")
    }

    /// The pages are for users: no path outside the repository, no work notes.
    @Test func pagesNameNoLocalPathsOrWorkNotes() throws {
        var found: [String] = []
        for page in try Self.pages() {
            for (n, line) in try Self.text(page).components(separatedBy: "\n").enumerated() {
                for path in ["../shared", "/tmp/", "/work/"] where line.contains(path) {
                    found.append("\(page):\(n + 1): \(path)")
                }
                for word in Self.matches(#"\b(issues?|targets?)\b"#, in: line, options: .caseInsensitive) {
                    found.append("\(page):\(n + 1): \(word[0]!)")
                }
            }
        }
        #expect(found.isEmpty, "\(found.joined(separator: "\n"))")
    }

    /// `rectifier ARGS --help`, wide enough that no option line wraps.
    static func help(_ path: [String]) throws -> String {
        let out = try CommandLineTests.run(path + ["--help"], environment: ["COLUMNS": "300"], timeout: 60)
        #expect(out.status == 0 && out.stdout.contains("USAGE:"), "rectifier \(path.joined(separator: " ")) --help: \(out.stderr)")
        return out.stdout
    }

    /// The options a help text defines (not those its descriptions mention), help and version aside.
    static func options(inHelp help: String) -> Set<String> {
        Set(help.components(separatedBy: "\n").compactMap { matches(#"^ {2}(?:-[A-Za-z], )?(--[a-z0-9][a-z0-9-]*)"#, in: $0).first?[1] })
            .subtracting(["--help", "--version"])
    }

    /// Every command below `path` (itself included), from the SUBCOMMANDS sections of the help.
    static func commands(_ path: [String]) throws -> [([String], String)] {
        let text = try help(path)
        var subcommands: [String] = []
        var inSection = false
        for line in text.components(separatedBy: "\n") {
            if line.hasPrefix("SUBCOMMANDS:") { inSection = true; continue }
            if inSection {
                guard let name = matches(#"^ {2}([a-z][a-z0-9-]*)"#, in: line).first?[1] else {
                    if line.trimmingCharacters(in: .whitespaces).isEmpty { break }
                    continue
                }
                subcommands.append(name)
            }
        }
        return [(path, text)] + (try subcommands.flatMap { try commands(path + [$0]) })
    }

    /// The options in the first column of each table marked `<!-- options: A, B C -->`, by command.
    static func documentedOptions() throws -> [String: [(page: String, options: Set<String>)]] {
        var tables: [String: [(page: String, options: Set<String>)]] = [:]
        for page in try Self.pages() {
            let lines = try Self.text(page).components(separatedBy: "\n")
            for (i, line) in lines.enumerated() {
                guard let marked = matches(#"^\s*<!--\s*options:\s*(.*?)\s*-->\s*$"#, in: line).first?[1] else { continue }
                var rows: [String] = []
                for next in lines[(i + 1)...].drop(while: { $0.trimmingCharacters(in: .whitespaces).isEmpty }) {
                    guard next.hasPrefix("|") else { break }
                    rows.append(next)
                }
                // Header and separator rows aside, the first cell of each row (`\|` is a pipe inside a cell).
                var options = Set<String>()
                for row in rows.dropFirst(2) {
                    guard let cell = matches(#"^\|((?:[^|\\]|\\.)*)\|"#, in: row).first?[1] else { continue }
                    options.formUnion(matches(#"--[a-z0-9][a-z0-9-]*"#, in: cell).map { $0[0]! })
                }
                #expect(!options.isEmpty, "\(page):\(i + 1): a table marked for \(marked) lists no option")
                for command in marked.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) {
                    tables[command, default: []].append((page, options))
                }
            }
        }
        return tables
    }

    @Test(.enabled(if: CommandLineTests.executable != nil, "needs the rectifier executable"))
    func optionsTablesMatchTheHelp() throws {
        let tables = try Self.documentedOptions()
        let commands = try Self.commands([])
        #expect(commands.count > 15, "\(commands.map { $0.0 })")
        var known = Set<String>()
        for (path, text) in commands {
            let name = path.joined(separator: " ")
            known.insert(name)
            let printed = Self.options(inHelp: text)
            let marked = tables[name] ?? []
            if printed.isEmpty { continue }
            let documented = marked.reduce(into: Set<String>()) { $0.formUnion($1.options) }
            let missing = printed.subtracting(documented).sorted()
            #expect(missing.isEmpty, "rectifier \(name) --help prints \(missing.joined(separator: ", ")), which no table marked <!-- options: \(name) --> lists")
            for table in marked {
                let extra = table.options.subtracting(printed).sorted()
                #expect(extra.isEmpty, "\(table.page): a table marked for \(name) lists \(extra.joined(separator: ", ")), which rectifier \(name) --help does not print")
            }
        }
        let unknown = Set(tables.keys).subtracting(known).sorted()
        #expect(unknown.isEmpty, "tables marked for commands that do not exist: \(unknown)")
    }
}
