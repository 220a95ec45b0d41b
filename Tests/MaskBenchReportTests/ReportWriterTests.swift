import Foundation
import FoundationXML
import MaskBenchCore
import MaskBenchFiles
import MaskBenchReport
import MaskBenchTestSupport
import Testing

/// The report files: golden copies, byte-identical re-renders, escaping of hostile names, bad input.
@Suite struct ReportWriterTests {
    /// Renders the fixture run without images (boxes on placeholders).
    func files(thumbnails: Thumbnails? = nil, images: String? = nil) throws -> [(String, String)] {
        let data = try ReportData.load(metricsPath: try ReportFixture.writeRun())
        return ReportWriter.render(data, images: images, thumbnails: thumbnails)
    }

    @Test func everyFileMatchesItsGoldenCopy() throws {
        let rendered = try files()
        #expect(
            rendered.map(\.0) == [
                "charts/roc.svg", "charts/confusion-pipeline.svg", "charts/threshold-sweep.svg",
                "charts/mask-score-histogram.svg", "charts/confusion-classifier.svg", "charts/detector-pr.svg",
                "charts/detector-froc.svg", "charts/face-height.svg", "index.html",
            ])
        for (name, text) in rendered {
            let golden = name.replacingOccurrences(of: "charts/", with: "")
            if let failure = Golden.check(text, named: golden) { Issue.record(Comment(rawValue: failure)) }
        }
    }

    @Test func everyChartsSmallPrintFitsItsWidthAboveThePlot() throws {
        // A note of 91 characters ran past the threshold sweep's right edge, cut off mid-sentence.
        let note = #/<text x="64" y="(\d+)" font-size="11" fill="#666666">([^<]*)</text>/#
        var wrapped = 0
        // The line and bar charts (the heat maps widen themselves to their text).
        for (name, svg) in try files() where name.hasSuffix(".svg") && !name.contains("confusion") {
            let viewBox = try #require(svg.firstMatch(of: #/viewBox="0 0 (\d+)/#), "\(name) has no viewBox")
            let width = Double(viewBox.1) ?? 0
            let lines = svg.matches(of: note).map { (y: Double($0.1) ?? 0, text: String($0.2)) }
            // 0.6 em a character at 11 px errs long for DejaVu Sans; the line starts at x 64, 20 px kept right.
            for line in lines { #expect(Double(line.text.count) * 6.6 <= width - 64 - 20, "\(name): \(line.text)") }
            #expect(!lines.isEmpty, "\(name) has no small print")
            if lines.count > 1 { wrapped += 1 }
            #expect(lines.map(\.y) == lines.indices.map { 40 + 14 * Double($0) }, "\(name)")
        }
        #expect(wrapped > 0, "no note long enough to wrap: the test checks nothing")
    }

    @Test func rocChartShowsEveryCurveWithItsAUCAndInterval() throws {
        let roc = try #require(try files().first { $0.0 == "charts/roc.svg" }?.1)
        #expect(roc.contains(">Classifier, ground-truth crops: AUC 0.813 [0.600, 0.950]</text>"))
        #expect(roc.contains(">Classifier, matched detections: AUC "))
        #expect(roc.contains(">Pipeline: AUC "))
        #expect(roc.contains(">Chance</text>"))
    }

    @Test func sameInputsGiveTheSameBytes() throws {
        let first = try files()
        let second = try files()
        #expect(first.map(\.1) == second.map(\.1))
    }

    @Test func hostileNamesStayInertAndWellFormed() throws {
        for (name, text) in try files() {
            let parsed = try XMLCheck.parse(text, name: name)
            // Only our own script element; no element came from the data.
            #expect(parsed.elements["script", default: 0] == (name == "index.html" ? 1 : 0), "\(name)")
            #expect(!text.contains("<script>alert"), "\(name)")
            if name == "index.html" {
                // The names come back as text, intact but for the forbidden control characters.
                #expect(parsed.text.contains("a<script>alert(1)</script>.jpg"))
                #expect(parsed.text.contains("q\"uote'&amp;.png"))
                #expect(parsed.text.contains("]]>cdata.jpg"))
                #expect(parsed.text.contains("ctl\u{FFFD}\u{FFFD}bell.jpg"))
                #expect(parsed.text.contains("gt/<b>&\"truth\".csv"))
                #expect(parsed.text.contains("<img src=x onerror=alert(1)>.jpg: decoding failed: ]]> & \u{FFFD}"))
                #expect(parsed.elements["img", default: 0] == 0)
            }
        }
    }

    @Test func thumbnailsAreEmbeddedAndMissingImagesNamed() throws {
        let folder = try Command.temporaryDirectory()
        // Only plain.jpg exists; the fake decoder returns fixed bytes.
        try Data([1, 2, 3]).write(to: folder.appendingPathComponent("plain.jpg"))
        let fake = Thumbnails { path, regions, _ in
            #expect(path.hasSuffix("/plain.jpg"))
            return regions.map { .success(Thumbnails.Thumbnail(jpeg: [0xFF, 0xD8, 0xFF], region: $0)) }
        }
        let rendered = try files(thumbnails: fake, images: folder.path)
        let html = try #require(rendered.last?.1)
        _ = try XMLCheck.parse(html, name: "index.html")
        #expect(html.contains("data:image/jpeg;base64,/9j/"))
        #expect(html.contains("could not be shown"))
        #expect(html.contains("a&lt;script&gt;alert(1)&lt;/script&gt;.jpg: not found in"))
        #expect(!html.contains("plain.jpg: not found"))
    }

    @Test func anOlderRunWithoutBoxesStillRenders() throws {
        let metrics = try ReportFixture.writeRun()
        let folder = URL(fileURLWithPath: metrics).deletingLastPathComponent()
        try FileManager.default.removeItem(at: folder.appendingPathComponent("boxes.csv"))
        try FileManager.default.removeItem(at: folder.appendingPathComponent("extras.csv"))
        let written = try ReportWriter.render(metricsPath: metrics, images: nil, thumbnails: nil)
        #expect(written.count == 8)  // no face-height chart
        let html = try String(contentsOfFile: folder.appendingPathComponent("index.html").path, encoding: .utf8)
        #expect(html.contains("No boxes.csv in this run: no gallery."))
        #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("charts/roc.svg").path))
    }

    @Test(arguments: [0, 2])
    func anotherSchemaVersionIsRefusedByName(version: Int) throws {
        let metrics = try ReportFixture.writeRun()
        var text = try String(contentsOfFile: metrics, encoding: .utf8)
        text = text.replacingOccurrences(of: "\"schemaVersion\" : 1", with: "\"schemaVersion\" : \(version)")
        try text.write(toFile: metrics, atomically: true, encoding: .utf8)
        let error = #expect(throws: FormatError.self) {
            try ReportWriter.render(metricsPath: metrics, images: nil, thumbnails: nil)
        }
        #expect(error?.description.contains("schema version \(version) is not supported") == true)
        #expect(error?.description.contains("reads version 1") == true)
    }

    @Test func aBoxesTableOutOfStepWithFacesIsAnError() throws {
        let metrics = try ReportFixture.writeRun()
        let boxes = URL(fileURLWithPath: metrics).deletingLastPathComponent().appendingPathComponent("boxes.csv")
        var lines = try String(contentsOf: boxes, encoding: .utf8).split(separator: "\n").map(String.init)
        lines.swapAt(1, 2)
        try (lines.joined(separator: "\n") + "\n").write(to: boxes, atomically: true, encoding: .utf8)
        let error = #expect(throws: FormatError.self) { try ReportData.load(metricsPath: metrics) }
        #expect(error?.description.contains("boxes.csv:2: does not follow faces.csv") == true)
    }
}

/// Parses markup with Foundation's XML parser: fails on anything not well-formed.
final class XMLCheck: NSObject, XMLParserDelegate {
    var elements: [String: Int] = [:]
    var text = ""

    static func parse(_ markup: String, name: String) throws -> XMLCheck {
        let check = XMLCheck()
        let parser = XMLParser(data: Data(markup.utf8))
        parser.delegate = check
        guard parser.parse() else {
            throw ReportError(
                path: name,
                "not well-formed at line \(parser.lineNumber): \(parser.parserError.map { "\($0)" } ?? "unknown")")
        }
        return check
    }

    func parser(
        _ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName: String?,
        attributes: [String: String] = [:]
    ) {
        elements[elementName, default: 0] += 1
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) { text += string }
}
