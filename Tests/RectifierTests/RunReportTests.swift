import Foundation
import Rectifier
import Testing

/// The plots of `rectifier report` on a run and on a sweep, read back from their SVGs and
/// checked against `metrics.jsonl`: loss, error and sparsity per layer with one point per
/// epoch, whole-number epoch ticks, a log axis exactly when the values span more than a
/// decade, a colour per series, and a sweep's curves coloured by the swept value.
@Suite struct RunReportTests {
    typealias CLI = CommandLineTests

    /// A value of `metrics.jsonl`: a number, a list of numbers, or a word ("nan": not measured).
    enum MetricValue: Decodable {
        case number(Double), list([Double]), word(String)

        init(from decoder: any Decoder) throws {
            let c = try decoder.singleValueContainer()
            if let number = try? c.decode(Double.self) { self = .number(number) }
            else if let word = try? c.decode(String.self) { self = .word(word) }
            else { self = .list(try c.decode([Double].self)) }
        }
    }

    /// Each line of a `metrics.jsonl`, read without the library's types; JSONDecoder, since it
    /// parses numbers exactly (JSONSerialization on Linux can miss by an ulp).
    static func metrics(_ dir: String) throws -> [[String: MetricValue]] {
        try String(contentsOfFile: dir + "/metrics.jsonl", encoding: .utf8).split(separator: "\n").map {
            try JSONDecoder().decode([String: MetricValue].self, from: Data($0.utf8))
        }
    }

    /// (epoch, value of `key`) for each epoch that has it; `layer` picks one element of a list.
    static func curve(_ metrics: [[String: MetricValue]], _ key: String, layer: Int? = nil) -> [(x: Double, y: Double)] {
        metrics.compactMap { m in
            guard case .number(let epoch) = m["epoch"] else { return nil }
            switch (m[key], layer) {
            case (.number(let v)?, nil): return (epoch, v)
            case (.list(let values)?, let l?) where l < values.count: return (epoch, values[l])
            default: return nil
            }
        }
    }

    /// The value of `key` in each line.
    static func values(_ metrics: [[String: MetricValue]], _ key: String) -> [Double] { curve(metrics, key).map(\.y) }

    /// Expects `reading` to draw exactly `expected` (series name: points), each series in its
    /// own colour, whole-number epoch ticks, and a log y axis exactly when the plotted values
    /// span more than a decade.
    static func expectPlot(_ reading: PlotReading, _ expected: [String: [(x: Double, y: Double)]], _ file: String) throws {
        #expect(Set(reading.series.map(\.name)) == Set(expected.keys), "\(file): \(reading.series.map(\.name))")
        for (name, points) in expected {
            let mismatch = reading.mismatch(try reading.series(name), points)
            #expect(mismatch == nil, "\(file) \(name): \(mismatch ?? "")")
        }
        #expect(Set(reading.series.map(\.colour)).count == reading.series.count, "\(file): colours \(reading.series.map(\.colour))")
        #expect(reading.x.labels.count >= 2 && reading.x.labels.allSatisfy { Int($0) != nil }, "\(file): \(reading.x.labels)")
        let positive = expected.values.joined().map(\.y).filter { $0 > 0 }
        if file != "sparsity.svg" {
            #expect(reading.y.logarithmic == (positive.min()! < positive.max()! / 10), "\(file): \(positive.min()!)...\(positive.max()!)")
        }
    }

    @Test(.enabled(if: CLI.executable != nil, "needs the rectifier executable"))
    func runReportPlotsLossErrorAndSparsityPerLayer() throws {
        let dir = TestSupport.temporaryDirectory() + "/run"
        let train = try CLI.run(["train", "--layers", "16,8", "--epochs", "3", "--l1", "0.001", "--out", dir, "--backend", "builtin"])
        #expect(train.status == 0, "\(train.stderr)")
        let report = try CLI.run(["report", dir])
        #expect(report.status == 0, "\(report.stderr)")
        let m = try Self.metrics(dir)
        try #require(m.count == 3)
        // With an L1 penalty the objective and the NLL differ, so both training curves are drawn.
        #expect(Self.values(m, "train_loss") != Self.values(m, "train_nll"))
        try Self.expectPlot(PlotReading(file: dir + "/loss.svg"),
                            ["training loss": Self.curve(m, "train_loss"), "training NLL": Self.curve(m, "train_nll"),
                             "validation loss": Self.curve(m, "validation_loss")], "loss.svg")
        try Self.expectPlot(PlotReading(file: dir + "/learning-curve.svg"),
                            ["training error": Self.curve(m, "train_error"), "validation error": Self.curve(m, "validation_error")],
                            "learning-curve.svg")
        try Self.expectPlot(PlotReading(file: dir + "/sparsity.svg"),
                            ["layer 1": Self.curve(m, "validation_sparsity_per_layer", layer: 0),
                             "layer 2": Self.curve(m, "validation_sparsity_per_layer", layer: 1)], "sparsity.svg")
        let markdown = try String(contentsOfFile: dir + "/report.md", encoding: .utf8)
        for file in ["loss.svg", "learning-curve.svg", "sparsity.svg"] { #expect(markdown.contains("(\(file))"), "\(file)") }
    }

    /// A long run written before validation loss and sparsity per layer were recorded, whose
    /// errors fall by more than a decade and whose training error reaches zero.
    @Test(.enabled(if: CLI.executable != nil, "needs the rectifier executable"))
    func olderAndLongerRunsPlotWhatTheyHave() throws {
        let dir = TestSupport.temporaryDirectory() + "/run"
        let train = try CLI.run(["train", "--layers", "8", "--epochs", "1", "--l1", "0", "--out", dir, "--backend", "builtin"])
        #expect(train.status == 0, "\(train.stderr)")
        let lines = (1...45).map { e -> String in
            let loss = 2.3 * pow(0.9, Double(e)), trainError = max(0, 0.5 * pow(0.85, Double(e)) - 0.001)
            return "{\"epoch\":\(e),\"train_loss\":\(loss),\"train_nll\":\(loss),\"train_error\":\(trainError),"
                + "\"validation_error\":\(0.017 + 0.8 * pow(0.7, Double(e))),\"validation_sparsity\":\(0.5 + 0.004 * Double(e)),"
                + "\"train_seconds\":1,\"samples_per_second\":1000,\"evaluation_seconds\":0.1,\"learning_rate\":0.01}"
        }
        try (lines.joined(separator: "\n") + "\n").write(toFile: dir + "/metrics.jsonl", atomically: true, encoding: .utf8)
        let report = try CLI.run(["report", dir])
        #expect(report.status == 0, "\(report.stderr)")
        let m = try Self.metrics(dir)
        #expect(Self.values(m, "train_error").contains(0), "the training error reaches zero")
        let loss = try PlotReading(file: dir + "/loss.svg"), error = try PlotReading(file: dir + "/learning-curve.svg")
        try Self.expectPlot(loss, ["training loss": Self.curve(m, "train_loss")], "loss.svg")
        try Self.expectPlot(error, ["training error": Self.curve(m, "train_error"), "validation error": Self.curve(m, "validation_error")],
                            "learning-curve.svg")
        #expect(loss.y.logarithmic && error.y.logarithmic)
        try Self.expectPlot(PlotReading(file: dir + "/sparsity.svg"),
                            ["mean over the hidden layers": Self.curve(m, "validation_sparsity")], "sparsity.svg")
    }

    /// A run without a validation set (`--validation 0`) draws its training curves only: no
    /// empty validation series in a legend, no sparsity plot with nothing in it.
    @Test(.enabled(if: CLI.executable != nil, "needs the rectifier executable"))
    func aRunWithoutValidationPlotsOnlyWhatItMeasured() throws {
        let root = TestSupport.temporaryDirectory(), dir = root + "/run"
        // A small table of two classes apart along the first feature.
        let rows = (0..<80).map { i in "\(Double(i % 2) * 2 + Double(i % 7) / 10),\(Double(i % 5) / 4),\(i % 2)" }
        try (["a,b,label"] + rows).joined(separator: "\n").write(toFile: root + "/t.csv", atomically: true, encoding: .utf8)
        let train = try CLI.run(["train", "--data-file", root + "/t.csv", "--layers", "8", "--epochs", "2", "--validation", "0",
                                 "--out", dir, "--backend", "builtin"])
        #expect(train.status == 0, "\(train.stderr)")
        let report = try CLI.run(["report", dir])
        #expect(report.status == 0, "\(report.stderr)")
        let m = try Self.metrics(dir)
        try Self.expectPlot(PlotReading(file: dir + "/learning-curve.svg"), ["training error": Self.curve(m, "train_error")],
                            "learning-curve.svg")
        #expect(!FileManager.default.fileExists(atPath: dir + "/sparsity.svg"))
        let markdown = try String(contentsOfFile: dir + "/report.md", encoding: .utf8)
        #expect(!markdown.contains("(sparsity.svg)"))
    }

    @Test(.enabled(if: CLI.executable != nil, "needs the rectifier executable"))
    func sweepLearningCurvesAreColouredByTheSweptValue() throws {
        let sweep = try SweepCommandLineTests.planned("""
            [base]
            layers = "8"
            epochs = 2
            batch-size = 20
            [grid]
            learning-rate = [0.1, 0.05, 0.02]
            seed = [1, 2]
            """)
        let run = try CLI.run(["sweep", "run", sweep, "--jobs", "2", "--threads-per-job", "1", "--backend", "builtin"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(try CLI.run(["sweep", "collect", sweep]).status == 0)
        let report = try CLI.run(["report", sweep])
        #expect(report.status == 0, "\(report.stderr)")
        struct Row: Decodable { var index: Int; var axes: [String: Double] }
        let rows = try String(contentsOfFile: sweep + "/results.jsonl", encoding: .utf8).split(separator: "\n").map {
            try JSONDecoder().decode(Row.self, from: Data($0.utf8))
        }
        let rates = rows.map { $0.axes["learning-rate"]! }
        let reading = try PlotReading(file: sweep + "/learning-curves.svg")
        // One curve per run, in run order, coloured by its learning rate and drawing its validation errors.
        try #require(reading.series.count == rows.count)
        for (i, (series, rate)) in zip(reading.series, rates).enumerated() {
            #expect(series.value == rate, "run \(i): \(series.name) has value \(String(describing: series.value))")
            let m = try Self.metrics(sweep + "/runs/" + String(format: "%04d", rows[i].index))
            let mismatch = reading.mismatch(series, Self.curve(m, "validation_error"))
            #expect(mismatch == nil, "run \(i): \(mismatch ?? "")")
        }
        for a in reading.series {
            for b in reading.series where a.value! < b.value! {
                #expect(PlotReading.luminance(a.colour) < PlotReading.luminance(b.colour), "\(a.value!) vs \(b.value!)")
            }
            #expect(reading.series.filter { $0.value == a.value }.allSatisfy { $0.colour == a.colour })
        }
        #expect(reading.colourBarLabel == "learning-rate" && reading.colourBar.map(\.value) == Set(rates).sorted())
        #expect(reading.x.labels.allSatisfy { Int($0) != nil }, "\(reading.x.labels)")
        // The caption says what the colour shows and that the seed varies too.
        let markdown = try String(contentsOfFile: sweep + "/report.md", encoding: .utf8)
        #expect(markdown.contains("colour: learning-rate") && markdown.contains("seed also varies"), "\(markdown)")
    }
}
