import Foundation
import MaskBenchTestSupport
import Testing

/// `maskbench gate` and `baseline record` failing closed, end to end.
extension GateCommandTests {
    @Test func reEvaluatingUnderOtherSettingsIsRefused() throws {
        let setup = try setUp()
        let other = setup.path("other")
        let result = try Command.maskbench([
            "evaluate", "--ground-truth", Self.sample + "ground-truth.csv", "--predictions",
            Self.sample + "predictions.csv", "--out", other, "--bootstrap", "0", "--quiet", "--iou", "0.3",
            "--matching", "dataroots",
        ])
        #expect(result.status == 0, "\(result.stderr)")
        let refused = try gate(setup, run: other)
        #expect(refused.status == 2, "\(refused.stdout)\(refused.stderr)")
        #expect(refused.stderr.contains("settings differ from the baseline's"))
        #expect(refused.stderr.contains("matching.iouThreshold: baseline 0.5, now 0.3"))
        #expect(refused.stderr.contains("matching.mode: baseline \"coco\", now \"dataroots\""))
        #expect(refused.stdout.isEmpty)
        let allowed = try gate(setup, run: other, ["--allow-settings-change"])
        #expect(allowed.status != 2, "\(allowed.stderr)")
        #expect(allowed.stdout.hasPrefix("Settings changed (allowed by --allow-settings-change):\n"))
    }

    @Test func anotherLabelMapIsRefusedAsASetting() throws {
        let setup = try setUp()
        let other = setup.path("other")
        let result = try Command.maskbench([
            "evaluate", "--ground-truth", Self.sample + "ground-truth.csv", "--predictions",
            Self.sample + "predictions.csv", "--out", other, "--bootstrap", "0", "--quiet", "--label",
            "Not Masked=masked",
        ])
        #expect(result.status == 0, "\(result.stderr)")
        let metrics = try String(contentsOfFile: other + "/metrics.json", encoding: .utf8)
        #expect(metrics.contains("\"labels\" : {\n      \"not_masked\" : \"masked\"\n    }"), "\(metrics)")
        let refused = try gate(setup, run: other)
        #expect(refused.status == 2, "\(refused.stdout)\(refused.stderr)")
        // The faces' labels changed too, so the data differs as well: both are said.
        #expect(refused.stderr.contains("the run is on other data"))
        #expect(refused.stderr.contains("labels.not_masked: baseline \"unmasked\", now \"masked\""))
    }

    @Test func aTruncatedFacesTableIsRefused() throws {
        let setup = try setUp()
        let again = setup.path("again")
        try evaluate(predictions: Self.sample + "predictions.csv", out: again)
        let faces = again + "/faces.csv"
        let lines = try String(contentsOfFile: faces, encoding: .utf8).split(separator: "\n")
        try (lines.prefix(lines.count / 2).joined(separator: "\n") + "\n").write(
            toFile: faces, atomically: true, encoding: .utf8)
        let result = try gate(setup, run: again)
        #expect(result.status == 2, "\(result.stdout)\(result.stderr)")
        #expect(result.stderr.contains("faces.csv disagrees with metrics.json"))
    }

    @Test func aBaselineEditedByHandIsRefused() throws {
        let setup = try setUp()
        var text = try String(contentsOfFile: setup.baseline, encoding: .utf8)
        // The baseline's TNR made better by hand, in its metrics only.
        let tnr = try #require(text.range(of: "\"tnr\" : {"))
        let count = try #require(text.range(of: "\"count\" : 115", range: tnr.upperBound..<text.endIndex))
        text.replaceSubrange(count, with: "\"count\" : 125")
        try text.write(toFile: setup.baseline, atomically: true, encoding: .utf8)
        let again = setup.path("again")
        try evaluate(predictions: Self.sample + "predictions.csv", out: again)
        let result = try gate(setup, run: again)
        #expect(result.status == 2, "\(result.stdout)\(result.stderr)")
        #expect(result.stderr.contains("the baseline's faces disagree with its metrics"))
        #expect(result.stderr.contains("pipeline.tnr.count is 125 in the metrics but 115 from the faces"))
    }

    /// A number of a baseline that its faces and extras recompute, edited by hand in `metrics`.
    struct HandEdit: Sendable, CustomTestStringConvertible {
        var path: [String]
        var value: Double
        var testDescription: String { path.joined(separator: ".") }
    }

    /// The detector's AP and precision, and a rate's interval bound, edited by hand in a baseline passed
    /// (only counts, rates and AUCs were recomputed); now each is refused naming the field and both values,
    /// while the same file rewritten unedited still passes.
    @Test(arguments: [
        HandEdit(path: ["detector", "ap", "voc"], value: 0.99),
        HandEdit(path: ["detector", "ap", "coco"], value: 0.99),
        HandEdit(path: ["detector", "precision", "value"], value: 0.5),
        HandEdit(path: ["detector", "recall", "low"], value: 0.125),
    ])
    func aBaselineWithAnAPPrecisionOrIntervalEditedByHandIsRefused(_ edit: HandEdit) throws {
        let setup = try setUp()
        func rewrite(_ change: (inout [String: Any]) -> Void) throws {
            let data = try Data(contentsOf: URL(fileURLWithPath: setup.baseline))
            var baseline = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
            change(&baseline)
            try JSONSerialization.data(withJSONObject: baseline, options: [.prettyPrinted, .sortedKeys])
                .write(to: URL(fileURLWithPath: setup.baseline))
        }
        try rewrite { _ in }
        let unedited = try gate(setup, run: setup.baseRun)
        #expect(unedited.status == 0, "\(unedited.stdout)\(unedited.stderr)")
        try rewrite { baseline in
            func set(_ object: Any?, _ path: ArraySlice<String>) -> Any? {
                guard var dictionary = object as? [String: Any], let key = path.first else { return edit.value }
                dictionary[key] = set(dictionary[key], path.dropFirst())
                return dictionary
            }
            baseline["metrics"] = set(baseline["metrics"], edit.path[...])
        }
        let result = try gate(setup, run: setup.baseRun)
        #expect(result.status == 2, "\(result.stdout)\(result.stderr)")
        #expect(result.stderr.contains("the baseline's faces disagree with its metrics"))
        #expect(result.stderr.contains("\(edit.testDescription) is \(edit.value) in the metrics but "))
        #expect(result.stdout.isEmpty)
    }

    /// What the gate prints from its inputs (a baseline's fingerprint, a label spelling of the run) cannot
    /// drive the terminal: ESC and a carriage return are shown escaped, as errors already were.
    @Test func theGatePrintsTextFromItsInputsEscaped() throws {
        let setup = try setUp()
        var text = try String(contentsOfFile: setup.baseline, encoding: .utf8)
        let start = try #require(text.range(of: "sha256:")).lowerBound
        let fingerprint = String(text[start..<text.index(start, offsetBy: 71)])
        // Both copies of the dataset fingerprint, as JSON escapes.
        text = text.replacingOccurrences(of: fingerprint, with: "sha256:\\u001b[31mred\\r")
        try text.write(toFile: setup.baseline, atomically: true, encoding: .utf8)
        let other = setup.path("other")
        let evaluated = try Command.maskbench([
            "evaluate", "--ground-truth", Self.sample + "ground-truth.csv", "--predictions",
            Self.sample + "predictions.csv", "--out", other, "--bootstrap", "0", "--quiet", "--label",
            "x\u{1b}]0;title\u{7}=masked",
        ])
        #expect(evaluated.status == 0, "\(evaluated.stderr)")
        let result = try gate(setup, run: other, ["--allow-dataset-change", "--allow-settings-change"])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.contains("Dataset changed: baseline sha256:\\u{1b}[31mred\\u{d}, now \(fingerprint)"))
        #expect(result.stdout.contains("x\\u{1b}]0;title\\u{7}"), "\(result.stdout)")
        #expect(!result.stdout.contains("\u{1b}") && !result.stdout.contains("\r") && !result.stdout.contains("\u{7}"))
    }

    @Test func theVerdictTableAsMarkdownForAPullRequest() throws {
        let setup = try setUp()
        let worse = setup.path("worse")
        try evaluate(predictions: try worsePredictions(flipping: 20, in: setup), out: worse)
        let markdown = setup.path("gate.md")
        let result = try gate(setup, run: worse, ["--markdown", markdown, "--quiet"])
        #expect(result.status == 1)
        let text = try String(contentsOfFile: markdown, encoding: .utf8)
        #expect(text.hasPrefix("### maskbench gate: FAIL (2 of 4 rules regressed)\n"))
        #expect(text.contains("| rule | baseline | current | delta | interval or p-value | verdict |\n"))
        #expect(
            text.contains(
                "| pipeline.tnr.value (higher is better) | 0.8846 | 0.7615 | -0.1231 | McNemar p=3.1e-05 (b=16, c=0) | **regression** |"
            ))
        #expect(text.contains("Images that gained mistakes"))
    }

    @Test func aNullMetricExits2UnlessTheRuleAllowsIt() throws {
        let setup = try setUp()
        // Evaluated with --bootstrap 0, the AUC's interval is null in both runs.
        let rules = setup.path("rules.yml")
        try "- metric: pipeline.roc.aucInterval.low\n  direction: higher\n"
            .write(toFile: rules, atomically: true, encoding: .utf8)
        let refused = try gate(setup, run: setup.baseRun, ["--rules", rules, "--junit", setup.path("j.xml")])
        #expect(refused.status == 2, "\(refused.stdout)\(refused.stderr)")
        #expect(refused.stderr.contains("\(rules):1: rule for 'pipeline.roc.aucInterval.low': "))
        #expect(refused.stderr.contains("pipeline.roc.aucInterval.low is undefined (null) in \(setup.baseline)"))
        #expect(!FileManager.default.fileExists(atPath: setup.path("j.xml")))
        try "- metric: pipeline.roc.aucInterval.low\n  direction: higher\n  allowUndefined: true\n"
            .write(toFile: rules, atomically: true, encoding: .utf8)
        let allowed = try gate(setup, run: setup.baseRun, ["--rules", rules])
        #expect(allowed.status == 0, "\(allowed.stdout)\(allowed.stderr)")
        #expect(allowed.stdout.contains("pipeline.roc.aucInterval.low (higher is better)  —         —        —"))
        #expect(allowed.stdout.hasSuffix("gate: pass (1 rule)\n"))
    }

    @Test func recordingATruncatedRunIsRefused() throws {
        let setup = try setUp()
        let faces = setup.baseRun + "/faces.csv"
        let lines = try String(contentsOfFile: faces, encoding: .utf8).split(separator: "\n")
        try (lines.dropLast(10).joined(separator: "\n") + "\n").write(toFile: faces, atomically: true, encoding: .utf8)
        let result = try Command.maskbench([
            "baseline", "record", "--from", setup.baseRun, "--name", "cut", "--baselines", setup.path("B"),
        ])
        #expect(result.status == 2, "\(result.stderr)")
        #expect(
            result.stderr.contains(
                "\(faces): faces.csv disagrees with metrics.json (239 faces): dataset.faces.total is 249"))
        #expect(!FileManager.default.fileExists(atPath: setup.path("B/cut.json")))
    }

    @Test func recordingOverAnExistingBaselineNeedsForce() throws {
        let setup = try setUp()
        let before = try Data(contentsOf: URL(fileURLWithPath: setup.baseline))
        let again = try Command.maskbench([
            "baseline", "record", "--from", setup.baseRun, "--name", "seed", "--baselines", setup.path("B"),
        ])
        #expect(again.status == 2)
        #expect(again.stderr.contains("\(setup.baseline): a baseline of that name exists; pass --force to replace it"))
        #expect(try Data(contentsOf: URL(fileURLWithPath: setup.baseline)) == before)
        let forced = try Command.maskbench([
            "baseline", "record", "--from", setup.baseRun, "--name", "seed", "--baselines", setup.path("B"), "--force",
        ])
        #expect(forced.status == 0, "\(forced.stderr)")
    }
}
