import Foundation
import MaskBenchCore
import MaskBenchGate
import MaskBenchRecords
import MaskBenchTestSupport
import Testing

/// Every quote must be on the line its claim names, when the file the line numbers refer to is at hand; and
/// the classifier's accuracy on ground-truth crops is compared with a run that measured it.
@Suite struct ClaimsQuotesTests {
    static let source = [
        "# A README", "", "Our test set of 135 images contains 249 faces,  of which 130 are unmasked.",
        "| masked faces |  119 |  95 | 14 | 10 |", "accuracy of 57.3%",
    ]

    static func claims(line: Int) throws -> Claims {
        try Claims.parse(
            yaml: """
                claims: 1
                source: {project: p, file: README.md}
                totals:
                  - line: 3
                    text: "249 faces, of which 130 are unmasked"
                    values: {dataset.faces.total: 249, dataset.faces.unmasked: 130}
                counts:
                  - line: \(line)
                    text: "| masked faces | 119 | 95 | 14 | 10 |"
                    values: {pipeline.outcomes.masked.groundTruth: 119}
                rates:
                  - {line: 5, text: "accuracy of 57.3%", rate: classifier.groundTruthCrops.accuracy, value: 57.3%}
                """, file: "c.yml")
    }

    @Test func quotesOnTheirLinesPassWhateverTheirSpacing() throws {
        let report = ClaimsReport(claims: try Self.claims(line: 4), source: ("README.md", Self.source))
        #expect(report.quotes == [])
        #expect(report.passed, "\(report.rendered())")
        #expect(report.summary.hasSuffix("0 of 3 quotes not on their line"))
    }

    @Test func aWrongLineNumberIsAFindingThatSaysWhereTheQuoteIs() throws {
        let report = ClaimsReport(claims: try Self.claims(line: 3), source: ("README.md", Self.source))
        #expect(!report.passed)
        let finding = try #require(report.quotes?.first)
        #expect(finding.verdict == .wrongLine)
        #expect(finding.subject == "quote of line 3")
        #expect(finding.evidence.last?.value == "found on line 4")
        let text = report.rendered()
        #expect(text.contains("  wrong line   quote of line 3\n"))
        #expect(text.contains("      found on line 4  in README.md  ✗"))
        #expect(text.contains("1 of 3 quotes not on their line"))
    }

    @Test func withoutTheSourceTheLinesAreLeftUncheckedAndSaid() throws {
        let report = ClaimsReport(claims: try Self.claims(line: 3))
        #expect(report.passed)
        #expect(report.summary.hasSuffix("line numbers not checked (no source.lines copy)"))
    }

    @Test func theOlderSpellingOfTheCropsRateStillReads() throws {
        let claims = try Claims.parse(
            yaml: """
                claims: 1
                source: {project: p, file: R}
                rates:
                  - {line: 1, text: t, rate: classifier.groundTruth.accuracy, value: 90%}
                """, file: "c.yml")
        #expect(claims.rates.first?.name == .groundTruthAccuracy)
    }

    @Test func theCropsAccuracyIsComparedWithARunThatMeasuredIt() throws {
        var document = RunFixture.run().metrics
        var confusion = ConfusionMatrix(classes: [.masked, .unmasked])
        confusion.counts = [[300, 100], [356, 313]]
        document.classifier.groundTruthCrops = MetricsDocument.ClassifierOnFaces(
            accuracy: Rate(613, of: 1069), confusion: confusion, roc: nil,
            auc: Estimate(value: nil, low: nil, high: nil))
        let findings = ClaimsCheck.compare(try Self.claims(line: 4), with: document, tolerance: 0.001)
        let crops = try #require(findings.first { $0.subject == "classifier.groundTruthCrops.accuracy 57.3%" })
        #expect(crops.verdict == .matches)
        #expect(crops.evidence.last?.value == "613/1069 = 57.34%")
        document.classifier.groundTruthCrops = nil
        let without = ClaimsCheck.compare(try Self.claims(line: 4), with: document, tolerance: 0.001)
        #expect(without.first { $0.subject.hasPrefix("classifier.groundTruthCrops") }?.verdict == .notInRun)
    }

    @Test func theCopyIsFoundBesideTheClaimsFileAndNamedWithoutDotDots() throws {
        let root = try Command.temporaryDirectory()
        let claimsFolder = root.appendingPathComponent("Baselines/claims")
        try FileManager.default.createDirectory(at: claimsFolder, withIntermediateDirectories: true)
        try Self.source.joined(separator: "\n").write(
            to: root.appendingPathComponent("README.md"), atomically: true, encoding: .utf8)
        let claims = Claims(
            file: claimsFolder.appendingPathComponent("c.yml").path,
            source: Claims.Source(project: "p", file: "README.md", lines: "../../README.md"), counts: [], rates: [])
        let found = try #require(claims.sourceLines())
        #expect(found.path == root.appendingPathComponent("README.md").path)
        #expect(found.lines == Self.source)
        #expect(Claims.joined("Baselines/claims", "../../README.md") == "README.md")
        #expect(Claims.joined("a", "../../b") == "../b")
    }
}
