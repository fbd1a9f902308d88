import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Rectifier
import Testing

/// `rectifier reproduce` and `rectifier report`: every experiment end to end at the smoke
/// budget (runs, results, summary and report files; SVGs that parse and plot the data they
/// come from), the selection rules checked against the runs' own results, resuming that does
/// only the rest, and the sweeps each experiment declares.
@Suite(.serialized) struct ExperimentTests {
    typealias CLI = CommandLineTests

    static let shared = TestSupport.projectRoot.appendingPathComponent("../shared/data").standardized.path
    static let hasSentiment = FileManager.default.fileExists(atPath: shared + "/amazon-sentiment/books/positive.review")
    static let hasReviews = FileManager.default.fileExists(atPath: shared + "/amazon-sentiment-raw/books")

    /// Runs `reproduce` at the smoke budget into a fresh directory and checks the files every
    /// experiment writes; returns the directory and the runs.
    static func smoke(_ experiment: String, _ extra: [String] = []) throws -> (String, [[String: Any]]) {
        let dir = TestSupport.temporaryDirectory() + "/" + experiment
        let r = try CLI.run(["reproduce", experiment, "--budget", "smoke", "--out", dir, "--backend", "builtin", "--jobs", "2"] + extra)
        #expect(r.status == 0, "\(r.stdout)\n\(r.stderr)")
        for file in ["results.jsonl", "summary.json", "report.md", "report.html", "experiment.json"] {
            #expect(FileManager.default.fileExists(atPath: dir + "/" + file), "\(experiment): no \(file)")
        }
        let lines = try String(contentsOfFile: dir + "/results.jsonl", encoding: .utf8).split(separator: "\n")
        let runs = try lines.map { try #require(JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]) }
        #expect(!runs.isEmpty && runs.allSatisfy { $0["status"] as? String == "finished" && $0["result"] != nil }, "\(experiment): \(lines)")
        let summary = try FileIO.jsonDecoder().decode(ExperimentSummary.self, from: Data(contentsOf: URL(fileURLWithPath: dir + "/summary.json")))
        #expect(summary.experiment == experiment && summary.runs == runs.count && summary.finishedRuns == runs.count)
        #expect(!summary.tables.isEmpty && summary.tables.allSatisfy { !$0.rows.isEmpty })
        // Every SVG parses, and the Markdown and HTML show each one.
        let markdown = try String(contentsOfFile: dir + "/report.md", encoding: .utf8)
        let html = try String(contentsOfFile: dir + "/report.html", encoding: .utf8)
        let svgs = try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.hasSuffix(".svg") }
        #expect(svgs.contains("learning-curves.svg"), "\(svgs)")
        for svg in svgs {
            _ = try XMLDocument(xmlString: String(contentsOfFile: dir + "/" + svg, encoding: .utf8), options: [])
            #expect(markdown.contains("(" + svg + ")"), "\(svg) not in report.md")
        }
        #expect(html.components(separatedBy: "<svg").count - 1 == svgs.count, "report.html holds every plot inline")
        #expect(!html.contains("http://") || !html.contains("<script src"), "report.html is self-contained")
        return (dir, runs)
    }

    /// The `data-x`/`data-y` of the markers of the plot series `series` (class name) in `svg`.
    static func points(_ file: String, within series: String) throws -> [(Double, Double)] {
        let document = try XMLDocument(xmlString: String(contentsOfFile: file, encoding: .utf8), options: [])
        return try document.nodes(forXPath: "//*[local-name()='g'][@class='\(series)']//*[local-name()='circle']").compactMap { node in
            guard let e = node as? XMLElement, let x = e.value(of: "data-x").flatMap(Double.init),
                  let y = e.value(of: "data-y").flatMap(Double.init) else { return nil }
            return (x, y)
        }
    }

    static func result(_ run: [String: Any]) -> [String: Any] { run["result"] as? [String: Any] ?? [:] }
    static func options(_ run: [String: Any]) -> [String: Any] { run["options"] as? [String: Any] ?? [:] }

    @Test(.enabled(if: CLI.executable != nil, "needs the rectifier executable"))
    func figure3PlotsEveryNetworkAndResumesOnlyWhatIsLeft() throws {
        let (dir, runs) = try Self.smoke("figure3")
        #expect(runs.count == 6)
        // The scatter is exactly the networks' (sparsity, test error).
        let plotted = try Self.points(dir + "/figure3.svg", within: "scatter").sorted { $0.0 < $1.0 }
        let measured = runs.map { (Self.result($0)["mean_sparsity"] as! Double, Self.result($0)["test_error"] as! Double) }.sorted { $0.0 < $1.0 }
        #expect(plotted.count == measured.count && zip(plotted, measured).allSatisfy { abs($0.0 - $1.0) < 1e-12 && abs($0.1 - $1.1) < 1e-12 })
        let summary = try FileIO.jsonDecoder().decode(ExperimentSummary.self, from: Data(contentsOf: URL(fileURLWithPath: dir + "/summary.json")))
        let fit = try PolynomialFit(x: measured.map(\.0), y: measured.map(\.1), degree: 2)
        let minimum = try #require(summary.values["fit_minimum_sparsity"])
        #expect(fit.xRange.contains(minimum))
        if let v = fit.vertex, v.isMinimum, v.isWithinData { #expect(abs(v.x - minimum) < 1e-12) }
        // Half-finished: one run loses its result; the rerun does only that one, bit for bit the same.
        let run = dir + "/figure3/runs/0003"
        let before = try Data(contentsOf: URL(fileURLWithPath: run + "/model.safetensors"))
        for file in ["result.json", "model.safetensors", "metrics.jsonl", "checkpoint.bin"] { try? FileManager.default.removeItem(atPath: run + "/" + file) }
        let untouched = try FileManager.default.attributesOfItem(atPath: dir + "/figure3/runs/0001/result.json")[.modificationDate] as? Date
        let again = try CLI.run(["reproduce", "figure3", "--budget", "smoke", "--out", dir, "--backend", "builtin"])
        #expect(again.status == 0, "\(again.stderr)")
        #expect(again.stdout.components(separatedBy: " started").count - 1 == 1 && again.stdout.contains("run 0003 started"), "\(again.stdout)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: run + "/model.safetensors")) == before)
        #expect(try FileManager.default.attributesOfItem(atPath: dir + "/figure3/runs/0001/result.json")[.modificationDate] as? Date == untouched)
    }

    @Test(.enabled(if: CLI.executable != nil, "needs the rectifier executable"))
    func table1SelectsTheRateByValidationError() throws {
        let (dir, runs) = try Self.smoke("table1")
        #expect(runs.count == 3 * 2 * 2)
        let summary = try FileIO.jsonDecoder().decode(ExperimentSummary.self, from: Data(contentsOf: URL(fileURLWithPath: dir + "/summary.json")))
        let table = try #require(summary.tables.first)
        for activation in ["rectifier", "tanh", "softplus"] {
            for pretrain in [false, true] {
                let group = runs.filter { (Self.options($0)["activation"] as? String) == activation && (Self.options($0)["pretrain"] as? Bool ?? false) == pretrain }
                #expect(group.count == 2)
                let best = try #require(group.min { (Self.result($0)["validation_error"] as! Double) < (Self.result($1)["validation_error"] as! Double) })
                let label = activation + (pretrain ? ", pre-trained" : ", no pre-training")
                let row = try #require(table.rows.first { $0[0].hasPrefix(label) }, "\(table.rows)")
                #expect(row[1] == String(format: "%.2f%%", (Self.result(best)["test_error"] as! Double) * 100), "\(row)")
                #expect(row[3] == String(format: "%g", Self.options(best)["learning-rate"] as! Double), "\(row)")
                // The pre-trained runs were pre-trained, the others not.
                #expect(group.allSatisfy { (Self.result($0)["pretraining"] != nil) == pretrain })
            }
        }
        #expect(summary.values["rectifier_pretraining_p"].map { (0...1).contains($0) } == true)
        #expect(summary.method.contains("two-proportion z-test"))
    }

    @Test(.enabled(if: CLI.executable != nil, "needs the rectifier executable"), arguments: ["figure4", "softplus-scale"])
    func imageExperimentsRunAtTheSmokeBudget(_ name: String) throws {
        let (dir, runs) = try Self.smoke(name)
        #expect(runs.count == (name == "figure4" ? 2 * 2 * 2 : 6))
        // Each curve's markers are the means of its runs.
        let file = dir + "/" + name + ".svg"
        let markers = try Self.points(file, within: "error-bars")
        #expect(!markers.isEmpty)
        let errors = Set(runs.map { Self.result($0)["test_error"] as! Double })
        if name == "softplus-scale" { #expect(markers.allSatisfy { errors.contains($0.1) }) }
    }

    @Test(.enabled(if: CLI.executable != nil && hasSentiment, "needs the executable and ../shared/data/amazon-sentiment"))
    func sentimentRunsAtTheSmokeBudget() throws {
        let (_, runs) = try Self.smoke("sentiment", ["--data-dir", Self.shared + "/amazon-sentiment"])
        #expect(runs.count == 3)
        #expect(runs.allSatisfy { (Self.result($0)["test_error"] as! Double) < 0.5 }, "better than chance on books")
    }

    /// `--fold N` runs exactly fold N of the `--folds K` cross-validation, as one run (what the
    /// sentiment experiment's sweep over folds does).
    @Test(.enabled(if: CLI.executable != nil && hasSentiment, "needs the executable and ../shared/data/amazon-sentiment"))
    func oneFoldIsThatFoldOfTheCrossValidation() throws {
        let dir = TestSupport.temporaryDirectory()
        let common = ["train", "--dataset", "amazon-sentiment", "--data-dir", Self.shared + "/amazon-sentiment", "--domain", "kitchen",
                      "--layers", "", "--epochs", "2", "--folds", "3", "--backend", "builtin"]
        let cv = try CLI.run(common + ["--out", dir + "/cv"])
        #expect(cv.status == 0, "\(cv.stderr)")
        let one = try CLI.run(common + ["--fold", "1", "--out", dir + "/fold1"])
        #expect(one.status == 0, "\(one.stderr)")
        let folds = try #require((try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir + "/cv/result.json"))) as? [String: Any])?["per_fold"] as? [[String: Any]])
        let single = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir + "/fold1/result.json"))) as? [String: Any])
        #expect(folds.count == 3 && folds[1]["test_error"] as? Double == single["test_error"] as? Double, "\(folds) \(single)")
        let bad = try CLI.run(["train", "--fold", "1", "--layers", "8", "--epochs", "1"])
        #expect(bad.status != 0 && bad.stderr.contains("--fold needs --folds"), "\(bad.stderr)")
    }

    @Test(.enabled(if: CLI.executable != nil && hasReviews, "needs the executable and ../shared/data/amazon-sentiment-raw"))
    func table2ReportsRatingRMSE() throws {
        let (dir, runs) = try Self.smoke("table2", ["--data-dir", Self.shared + "/amazon-sentiment-raw"])
        #expect(runs.count == 5)
        #expect(runs.allSatisfy { Self.result($0)["test_rmse"] is Double }, "RMSE survives result.json")
        let summary = try FileIO.jsonDecoder().decode(ExperimentSummary.self, from: Data(contentsOf: URL(fileURLWithPath: dir + "/summary.json")))
        #expect(summary.tables[0].rows.allSatisfy { $0[1] != "–" }, "\(summary.tables[0].rows)")
        // Without hidden layers the sparsity column is the bag of words' (mostly zeros); its run records it.
        let input = summary.tables[0].rows[0][3]
        let zeros = try #require(Double(input.prefix { $0 != "%" }), "\(input)")
        #expect(input.hasSuffix("(input)") && zeros > 80 && zeros < 100, "\(input)")
        #expect(runs.allSatisfy { (Self.result($0)["input_sparsity"] as? Double ?? 0) > 0.8 })
    }

    @Test(.enabled(if: CLI.executable != nil, "needs the rectifier executable"))
    func reportDrawsARunAndASweep() throws {
        let dir = TestSupport.temporaryDirectory()
        let train = try CLI.run(["train", "--layers", "16", "--epochs", "2", "--out", dir + "/run", "--backend", "builtin"])
        #expect(train.status == 0, "\(train.stderr)")
        let r = try CLI.run(["report", dir + "/run"])
        #expect(r.status == 0 && r.stdout.contains("run report"), "\(r.stdout) \(r.stderr)")
        let curve = try Self.points(dir + "/run/learning-curve.svg", within: "line")
        let metrics = try String(contentsOfFile: dir + "/run/metrics.jsonl", encoding: .utf8).split(separator: "\n")
        #expect(curve.count == metrics.count)
        #expect(try String(contentsOfFile: dir + "/run/report.md", encoding: .utf8).contains("Sparsity per layer"))
        let bad = try CLI.run(["report", dir])
        #expect(bad.status != 0 && bad.stderr.contains("is not an experiment, sweep or run directory"), "\(bad.stderr)")
    }

    /// Every experiment's sweeps, at every budget, survive being written as a sweep file.
    @Test func experimentSweepFilesReadBackUnchanged() throws {
        for name in Experiments.names {
            for budget in ExperimentBudget.allCases {
                let settings = ExperimentSettings(dataset: try Experiments.type(named: name).defaultDataset(budget: budget).name, dataDirectory: "/data/x \"y\"\\\r\u{7F}\t",
                                                  budget: budget, seeds: 2)
                for stage in try Experiments.named(name, settings: settings).stages() {
                    let text = stage.sweep.toml(comment: "a comment")
                    #expect(try SweepSpecification.parse(text, path: "t.toml") == stage.sweep, "\(name) \(budget): \(text)")
                }
            }
        }
    }

    /// `reproduce figure3 --budget quick` plans exactly the runs of sweeps/figure3-mnist-small.toml
    /// (and `paper` those of figure3-mnist.toml), so runs made with `sweep` are reused.
    @Test func figure3IsTheShippedSweep() throws {
        let data = TestSupport.projectRoot.appendingPathComponent("../shared/data/mnist").standardized.path
        for (budget, file) in [(ExperimentBudget.quick, "figure3-mnist-small.toml"), (.paper, "figure3-mnist.toml")] {
            let shipped = try SweepSpecification.read(TestSupport.projectRoot.path + "/sweeps/" + file)
            let ours = try #require(Figure3(settings: ExperimentSettings(dataset: "mnist", dataDirectory: data, budget: budget, seeds: 1))
                .stages().first).sweep
            var relative = ours
            relative.base["data-dir"] = shipped.base["data-dir"]
            #expect(relative == shipped, "\(file)")
        }
    }
}
