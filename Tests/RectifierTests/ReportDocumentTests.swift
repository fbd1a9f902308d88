import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Rectifier
import Testing

/// The report document: Markdown and HTML of every block, escaping in both, the HTML parsing
/// as XML with its figures inline and nothing external, files written, bad input refused.
@Suite struct ReportDocumentTests {
    /// A report shaped like the one `rectifier report` will write: Table 1 with significance
    /// marks, a Figure 3-like scatter with its fit, a Figure 4-like log-x error-bar plot.
    static func demo() throws -> ReportDocument {
        var report = ReportDocument(title: "Rectifier reproduction: Glorot, Bordes & Bengio (2011)")
        report.paragraph("Test errors over 5 seeds; * = not significantly different with and without pre-training (p = 0.05).")
        report.keyValues([("dataset", "MNIST (50k/10k/10k)"), ("seeds", "5"), ("L1 coefficient", "0.001")])
        report.heading("Table 1")
        try report.table(
            header: ["neuron", "paper", "ours (mean ± 95% CI)", "p (paired t)"],
            rows: [["rectifier, pre-trained", "1.20%", "1.22% ± 0.04%", "0.0062"],
                   ["rectifier, no pre-training", "1.43%*", "1.41% ± 0.05%*", "0.31"],
                   ["tanh | softplus", "1.57%", "1.60% ± 0.06%"]],
            alignments: [.left, .right, .right, .right])
        report.heading("Sparsity and test error")
        let (sparsity, _, _) = try PlotTests.sparsityPlot()
        try report.figure(sparsity, fileName: "figure3-sparsity.svg",
                          caption: "Test error against exact sparsity, with the degree-2 least-squares fit.")
        let fractions = [0.04, 0.21, 0.43, 0.64, 1.0]
        func bars(_ errors: [Double], _ half: Double) -> [ErrorBar] {
            zip(fractions, errors).map { ErrorBar(x: $0, y: $1, lower: $1 - half, upper: $1 + half) }
        }
        let norb = Plot(
            title: "NORB: test error against the fraction of labelled training examples",
            x: Axis("fraction of labels used for fine-tuning", scale: .logarithmic, format: .percent),
            y: Axis("test error", format: .percent),
            series: [.errorBars("tanh", bars([0.445, 0.30, 0.24, 0.21, 0.193], 0.006), connected: true),
                     .errorBars("tanh + pre-training", bars([0.41, 0.28, 0.22, 0.195, 0.177], 0.006), connected: true),
                     .errorBars("rectifier", bars([0.445, 0.27, 0.21, 0.18, 0.164], 0.005), connected: true),
                     .errorBars("rectifier + pre-training", bars([0.38, 0.25, 0.20, 0.175, 0.165], 0.005), connected: true)],
            referenceLines: [.horizontal(0.1640, label: "paper, rectifier at 100%: 16.40%")])
        try report.figure(norb, fileName: "figure4-norb.svg", caption: "Semi-supervised NORB: means over seeds with 95% intervals.")
        report.heading("Command", level: 3)
        report.code("rectifier reproduce --table 1 --seeds 5 --out runs/table1", language: "sh")
        return report
    }

    func parse(_ text: String) throws -> XMLDocument { try XMLDocument(xmlString: text, options: []) }

    func nodes(_ document: XMLDocument, _ name: String) throws -> [XMLNode] {
        try document.nodes(forXPath: "//*[local-name()='\(name)']")
    }

    @Test func markdownOfEveryBlock() throws {
        let md = try Self.demo().markdown()
        #expect(md.hasPrefix("# Rectifier reproduction: Glorot, Bordes &amp; Bengio (2011)\n\n"))
        #expect(md.contains("\n\n## Table 1\n\n"))
        #expect(md.contains("\\* = not significantly different"))
        #expect(md.contains("| neuron | paper | ours (mean ± 95% CI) | p (paired t) |\n| :--- | ---: | ---: | ---: |\n"))
        // The asterisk of a significance mark and a pipe inside a cell stay literal; short rows are padded.
        #expect(md.contains("| rectifier, no pre-training | 1.43%\\* | 1.41% ± 0.05%\\* | 0.31 |"))
        #expect(md.contains("| tanh \\| softplus | 1.57% | 1.60% ± 0.06% |  |"))
        #expect(md.contains("![Test error against exact sparsity, with the degree-2 least-squares fit.](figure3-sparsity.svg)"))
        #expect(md.contains("- **L1 coefficient**: 0.001"))
        #expect(md.contains("\n### Command\n\n```sh\nrectifier reproduce --table 1 --seeds 5 --out runs/table1\n```\n"))
        #expect(!md.contains("<svg"))
        let inline = try Self.demo().markdown(figures: .inline)
        #expect(inline.components(separatedBy: "<svg xmlns").count == 3)
    }

    @Test func htmlParsesWithFiguresInlineAndNothingExternal() throws {
        let html = try Self.demo().html()
        let document = try parse(html)
        #expect(try nodes(document, "figure").count == 2)
        #expect(try document.nodes(forXPath: "//*[local-name()='figure']/*[local-name()='svg']").count == 2)
        #expect(try nodes(document, "th").count == 4 && nodes(document, "td").count == 12)
        #expect(try nodes(document, "h1").first?.stringValue == "Rectifier reproduction: Glorot, Bordes & Bengio (2011)")
        #expect(try nodes(document, "dt").compactMap(\.stringValue) == ["dataset", "seeds", "L1 coefficient"])
        #expect(html.contains("<td class=\"right\">1.43%*</td>"))
        // Self-contained: the only URLs are the SVG namespace, the only url() the plots' own clip paths.
        #expect(html.components(separatedBy: "http").count - 1 == html.components(separatedBy: "xmlns=\"http://www.w3.org/2000/svg\"").count - 1)
        for external in ["<script", "<link", "src=", "href=", "@import", "url(http", "url(//"] {
            #expect(!html.contains(external), "\(external)")
        }
        // Two figures on one page: their element ids differ.
        let ids = try document.nodes(forXPath: "//@id").compactMap(\.stringValue)
        #expect(!ids.isEmpty && Set(ids).count == ids.count, "\(ids)")
    }

    @Test func everythingIsEscaped() throws {
        let evil = "<script>alert('x')</script> & \"quotes\" \u{7}"
        var report = ReportDocument(title: evil)
        report.heading(evil)
        report.paragraph(evil)
        try report.table(header: [evil], rows: [[evil]])
        report.code(evil + "\n```\nstill code")
        report.keyValues([(evil, evil)])
        try report.figure(Plot(title: evil, x: Axis(evil), y: Axis(evil)), fileName: "evil.svg", caption: evil)
        let html = report.html()
        #expect(!html.contains("<script>") && !html.contains("\u{7}"))
        let document = try parse(html)
        let cleaned = evil.replacingOccurrences(of: "\u{7}", with: "\u{FFFD}")
        for name in ["h1", "h2", "p", "th", "td", "dt", "dd", "figcaption"] {
            #expect(try nodes(document, name).first?.stringValue == cleaned, "\(name)")
        }
        #expect(try nodes(document, "code").first?.stringValue == cleaned + "\n```\nstill code")
        let md = report.markdown()
        // Fenced code is literal in Markdown, so the one raw "<script>" is the code block's.
        #expect(md.components(separatedBy: "<script>").count == 2 && md.contains("&lt;script&gt;alert('x')&lt;/script&gt;"))
        // The code contains a ``` line, so its fence is four backticks.
        #expect(md.contains("\n````\n" + evil + "\n```\nstill code\n````"))
    }

    @Test func writesMarkdownHTMLAndFigureFiles() throws {
        let dir = TestSupport.temporaryDirectory() + "/report/nested"
        let report = try Self.demo()
        try report.write(to: dir)
        let md = try FileIO.read(dir + "/report.md"), html = try FileIO.read(dir + "/report.html")
        #expect(String(decoding: md, as: UTF8.self) == report.markdown())
        #expect(String(decoding: html, as: UTF8.self) == report.html())
        for name in ["figure3-sparsity.svg", "figure4-norb.svg"] {
            let svg = String(decoding: try FileIO.read(dir + "/" + name), as: UTF8.self)
            #expect(try parse(svg).rootElement()?.localName == "svg")
        }
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.hasPrefix(".") }
        #expect(leftovers.isEmpty, "temporary files left: \(leftovers)")
    }

    @Test func badInputIsRefused() throws {
        var report = ReportDocument(title: "t")
        for name in ["../escape.svg", "a/b.svg", "figure.png", ".svg", ".hidden.svg", "spaced name.svg"] {
            #expect(throws: UsageError.self, "\(name)") { try report.figure(svg: "<svg/>", fileName: name, caption: "") }
        }
        try report.figure(svg: "<svg/>", fileName: "once.svg", caption: "")
        #expect(throws: UsageError("report figure: once.svg is used twice")) {
            try report.figure(svg: "<svg/>", fileName: "once.svg", caption: "")
        }
        #expect(throws: UsageError("report table: row 2 has 3 cells, the header 2")) {
            try report.table(header: ["a", "b"], rows: [["1"], ["1", "2", "3"]])
        }
        // A directory that cannot be created (a file stands in its way) is named in the error.
        let file = TestSupport.temporaryDirectory() + "/plain-file"
        try FileIO.writeAtomically(Array("x".utf8), to: file)
        do {
            try report.write(to: file + "/report")
            Issue.record("wrote into a path below a file")
        } catch let error as FileError {
            #expect(error.path == file + "/report" && error.problem.contains("cannot create the report directory"))
        }
    }
}
