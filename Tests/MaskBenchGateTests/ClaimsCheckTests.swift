import Foundation
import MaskBenchGate
import MaskBenchRecords
import MaskBenchTestSupport
import Testing

/// `ClaimsCheck`: rates recomputed from the claimed counts, totals that must agree, and a run.
@Suite struct ClaimsCheckTests {
    func seed001() throws -> Claims { try Claims.read(path: ClaimsParsingTests.seed001) }

    func finding(_ findings: [ClaimsFinding], _ subject: String) throws -> ClaimsFinding {
        try #require(findings.first { $0.subject == subject }, "no finding '\(subject)'")
    }

    /// The table alone, with its rates: everything adds up.
    static let table = """
        claims: 1
        source: {project: seed 001, file: README.md}
        totals:
          - line: 74
            text: "249 faces, of which 130 are unmasked"
            values: {dataset.faces.total: 249, dataset.faces.unmasked: 130}
        counts:
          - line: 82
            text: "| masked faces |  119 |  95 | 14 | 10 |"
            values:
              pipeline.outcomes.masked.groundTruth: 119
              pipeline.outcomes.masked.correct: 95
              pipeline.outcomes.masked.wrong: 14
              pipeline.outcomes.masked.missed: 10
          - line: 83
            text: "| unmasked faces |    130   |   115 | 7 | 8  |"
            values:
              pipeline.outcomes.unmasked.groundTruth: 130
              pipeline.outcomes.unmasked.correct: 115
              pipeline.outcomes.unmasked.wrong: 7
              pipeline.outcomes.unmasked.missed: 8
          - line: 86
            text: "15 faces that did not match any face"
            values: {pipeline.extraDetections.total: 15}
        rates:
          - {line: 86, text: "TNR of 88.5%", rate: pipeline.tnr, value: 88.5%, count: 115, total: 130}
          - {line: 86, text: "FNR of 11.8%", rate: pipeline.fnr, value: 11.8%}
          - {line: 90, text: "recall", rate: detector.recall, value: 92.8%}
          - {line: 91, text: "accuracy", rate: classifier.matched.accuracy, value: 90.9%}
        """

    // MARK: - Consistency

    @Test func seed001sInconsistenciesAreFoundWithTheirLines() throws {
        let findings = ClaimsCheck.consistency(of: try seed001())
        let inconsistent = findings.filter { $0.verdict == .inconsistent }
        #expect(
            inconsistent.map(\.subject) == [
                "ground-truth faces", "faces the detector found", "faces the detector missed",
                "masked faces the detector missed", "extra detections (boxes matching no face)",
                "detector recall 95.9%",
            ]
        )
        // 249 faces in the dataset sentence and the table, 266 in the detector paragraph.
        let faces = try finding(findings, "ground-truth faces")
        #expect(faces.lines == [74, 82, 83, 94])
        #expect(faces.evidence.map(\.value) == ["249", "119 + 130 = 249", "266", "255 + 11 = 266"])
        // 10 + 8 missed in the table, 11 in the detector paragraph.
        let missed = try finding(findings, "faces the detector missed")
        #expect(missed.evidence.map(\.value).contains("10 + 8 = 18"))
        #expect(missed.evidence.map(\.value).contains("11"))
        #expect(missed.lines == [82, 83, 94])
        // 15 extra detections in the pipeline paragraph, 9 in the detector paragraph.
        let extra = try finding(findings, "extra detections (boxes matching no face)")
        #expect(extra.evidence.map(\.value) == ["15", "9"])
        #expect(extra.lines == [86, 94])
        #expect(try finding(findings, "masked faces the detector missed").lines == [82, 94])
    }

    @Test func seed001sTableAndRatesAgreeWithEachOther() throws {
        let findings = ClaimsCheck.consistency(of: try seed001())
        for subject in [
            "masked faces", "unmasked faces", "unmasked faces found and called unmasked",
            "masked faces found and called unmasked", "unmasked faces the detector missed",
            "extra detections called unmasked", "TNR 88.5%", "FNR 11.8%",
        ] {
            #expect(try finding(findings, subject).verdict == .consistent, "\(subject)")
        }
        #expect(try finding(findings, "classifier accuracy on the annotated faces 90%").verdict == .unchecked)
    }

    @Test func detectorRecallAgreesWithItsParagraphButNotWithTheTable() throws {
        let recall = try finding(ClaimsCheck.consistency(of: try seed001()), "detector recall 95.9%")
        #expect(recall.evidence.map(\.value) == ["95.9%", "255/266 = 95.86%", "231/249 = 92.77%"])
        #expect(recall.evidence.map(\.agrees) == [nil, true, false])
        #expect(recall.evidence[2].lines == [82, 83])
    }

    @Test func theTableAloneIsConsistent() throws {
        let claims = try Claims.parse(yaml: Self.table, file: "table.yml")
        let report = ClaimsReport(claims: claims)
        #expect(report.passed, "\(report.rendered())")
        let findings = report.consistency
        // Rates recomputed from the table: 14/119, 231/249, 210/231.
        #expect(try finding(findings, "FNR 11.8%").evidence.last?.value == "14/119 = 11.76%")
        #expect(try finding(findings, "detector recall 92.8%").evidence.last?.value == "231/249 = 92.77%")
        #expect(
            try finding(findings, "classifier accuracy on the detector's faces 90.9%").evidence.last?.value
                == "210/231 = 90.91%"
        )
    }

    /// A rate must round to what is written: 115/130 is 88.46%, so 88.4% and 88.6% are wrong, 88% is right.
    @Test(arguments: [
        ("88.5%", true), ("88%", true), ("88.4%", false), ("88.6%", false), ("88.46%", true), ("88.47%", false),
    ])
    func aRateIsRecomputedAsItIsWritten(written: String, consistent: Bool) throws {
        let yaml = Self.table.replacingOccurrences(of: "value: 88.5%", with: "value: \(written)")
        let report = ClaimsReport(claims: try Claims.parse(yaml: yaml, file: "t.yml"))
        let tnr = try finding(report.consistency, "TNR \(written)")
        #expect(tnr.verdict == (consistent ? .consistent : .inconsistent))
        #expect(report.passed == consistent)
    }

    @Test func aRowThatDoesNotAddUpIsReported() throws {
        let yaml = Self.table.replacingOccurrences(of: "masked.missed: 10", with: "masked.missed: 11")
        let findings = ClaimsCheck.consistency(of: try Claims.parse(yaml: yaml, file: "t.yml"))
        let masked = try finding(findings, "masked faces")
        #expect(masked.verdict == .inconsistent)
        #expect(masked.evidence.map(\.value).contains("95 + 14 + 11 = 120"))
        #expect(masked.lines == [74, 82])
    }

    @Test func theRenderedReportQuotesTheLinesOfEachProblem() throws {
        let text = ClaimsReport(claims: try seed001()).rendered()
        #expect(text.contains("inconsistent ground-truth faces"))
        #expect(text.contains("266  detector.faces (line 94)"))
        #expect(text.contains("6 of 14 consistency checks failed (1 claim unchecked)"))
        #expect(text.contains("  line 74: Our test set of 135 images contains 249 faces, of which 130 are unmasked."))
    }

    // MARK: - Against a run

    /// Evaluates the README's sample (whose outcome table is seed 001's) and reads its metrics.json.
    static func sampleRun() throws -> (MetricsDocument, String) {
        let out = try Command.temporaryDirectory()
        let sample = "Annotations/seed001-table/"
        let result = try Command.maskbench([
            "evaluate", "--ground-truth", sample + "ground-truth.csv", "--predictions", sample + "predictions.csv",
            "--out", out.path, "--bootstrap", "0",
        ])
        #expect(result.status == 0, "\(result.stderr)")
        let path = out.appendingPathComponent("metrics.json").path
        return (try MetricsDocument.read(path: path), path)
    }

    @Test func theSampleRunMatchesTheTableButNotTheDetectorParagraph() throws {
        let (run, _) = try Self.sampleRun()
        let findings = ClaimsCheck.compare(try seed001(), with: run, tolerance: 0.001)
        func verdicts(_ line: Int) -> Set<ClaimsFinding.Verdict> {
            Set(findings.filter { $0.lines == [line] }.map(\.verdict))
        }
        #expect(verdicts(82) == [.matches])
        #expect(verdicts(83) == [.matches])
        #expect(verdicts(86) == [.matches])  // extra detections 15, TNR, FNR
        let mismatched = findings.filter { $0.verdict == .mismatch }.map(\.subject)
        #expect(
            mismatched == [
                "dataset.images 135", "detector.faces 266", "detector.truePositives 255",
                "detector.falseNegatives 11", "detector.missed.masked 3", "detector.falsePositives 9",
                "detector.recall 95.9%",
            ]
        )
        #expect(
            findings.filter { $0.verdict == .notInRun }.map(\.subject) == ["classifier.groundTruthCrops.accuracy 90%"])
    }

    @Test func theTableClaimsPassAgainstTheSampleRun() throws {
        let (run, _) = try Self.sampleRun()
        let report = ClaimsReport(claims: try Claims.parse(yaml: Self.table, file: "t.yml"), run: run)
        #expect(report.passed, "\(report.rendered())")
        #expect(report.run?.allSatisfy { $0.verdict == .matches } == true)
    }

    /// Rates within the tolerance or within the written rounding match; a stated count must equal the run's.
    @Test func rateComparisonUsesToleranceOrRounding() throws {
        let (run, _) = try Self.sampleRun()
        func verdict(_ written: String, count: Int? = nil, tolerance: Double) throws -> ClaimsFinding.Verdict? {
            let counts = count.map { ", count: \($0), total: 130" } ?? ""
            let yaml = """
                claims: 1
                source: {project: p, file: R}
                rates:
                  - {line: 1, text: t, rate: pipeline.tnr, value: \(written)\(counts)}
                """
            return ClaimsCheck.compare(try Claims.parse(yaml: yaml, file: "t.yml"), with: run, tolerance: tolerance)
                .first?.verdict
        }
        #expect(try verdict("88.5%", tolerance: 0) == .matches)  // 88.46% rounds to 88.5%
        #expect(try verdict("88.3%", tolerance: 0.001) == .mismatch)
        #expect(try verdict("88.3%", tolerance: 0.002) == .matches)
        #expect(try verdict("89%", tolerance: 0) == .mismatch)  // 88.46% rounds to 88%
        #expect(try verdict("88.5%", count: 116, tolerance: 0.01) == .mismatch)
    }
}
