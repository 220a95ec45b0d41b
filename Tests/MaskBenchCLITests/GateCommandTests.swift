import Foundation
import FoundationXML
import MaskBenchTestSupport
import Testing

/// `maskbench baseline record` and `maskbench gate` end to end, on the seed-001 sample and worse copies.
@Suite struct GateCommandTests {
    static let sample = "Annotations/seed001-table/"

    /// A temporary folder holding a baseline of the sample (`B/seed.json`) and the run it was made from (`base/`).
    struct Setup {
        var folder: URL
        var baseline: String { folder.appendingPathComponent("B/seed.json").path }
        var baseRun: String { folder.appendingPathComponent("base").path }
        func path(_ name: String) -> String { folder.appendingPathComponent(name).path }
    }

    func setUp() throws -> Setup {
        let setup = Setup(folder: try Command.temporaryDirectory())
        try evaluate(predictions: Self.sample + "predictions.csv", out: setup.baseRun)
        let record = try Command.maskbench([
            "baseline", "record", "--from", setup.baseRun, "--name", "seed", "--baselines", setup.path("B"),
        ])
        #expect(record.status == 0, "\(record.stderr)")
        #expect(record.stdout.hasPrefix("Wrote \(setup.baseline): 249 faces, dataset sha256:"))
        return setup
    }

    func evaluate(predictions: String, out: String) throws {
        let result = try Command.maskbench([
            "evaluate", "--ground-truth", Self.sample + "ground-truth.csv", "--predictions", predictions,
            "--out", out, "--bootstrap", "0", "--quiet",
        ])
        #expect(result.status == 0, "\(result.stderr)")
    }

    /// The sample's predictions with the maskScore `s` of the first `count` predictions called unmasked
    /// (`s < 0.5`) replaced by `1 − s`: mostly unmasked faces now called masked, so TNR drops (20 flips
    /// turn 16 unmasked faces wrong and 2 wrongly called masked faces right).
    func worsePredictions(flipping count: Int, in setup: Setup) throws -> String {
        let url = Fixtures.packageRoot.appendingPathComponent(Self.sample + "predictions.csv")
        var lines = try String(contentsOf: url, encoding: .utf8).split(separator: "\n").map(String.init)
        var flipped = 0
        for i in lines.indices.dropFirst() where flipped < count {
            var fields = lines[i].split(separator: ",").map(String.init)
            guard let score = Double(fields[6]), score < 0.5 else { continue }
            fields[6] = String(format: "%.4f", 1 - score)
            lines[i] = fields.joined(separator: ",")
            flipped += 1
        }
        let path = setup.path("worse-\(count).csv")
        try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// The sample's predictions with the first `count` moved 300 px right: their faces become missed and they
    /// become extra detections, so the detector's AP drops.
    func movedPredictions(_ count: Int, in setup: Setup) throws -> String {
        let url = Fixtures.packageRoot.appendingPathComponent(Self.sample + "predictions.csv")
        var lines = try String(contentsOf: url, encoding: .utf8).split(separator: "\n").map(String.init)
        for i in lines.indices.dropFirst().prefix(count) {
            var fields = lines[i].split(separator: ",").map(String.init)
            fields[1] = String((Double(fields[1]) ?? 0) + 300)
            lines[i] = fields.joined(separator: ",")
        }
        let path = setup.path("moved-\(count).csv")
        try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    func gate(_ setup: Setup, run: String, _ extra: [String] = []) throws -> Command.Result {
        try Command.maskbench(["gate", "--baseline", setup.baseline, "--metrics", run + "/metrics.json"] + extra)
    }

    // MARK: - Pass and fail

    @Test func theReportShowsTheFacesThatChangedSinceTheBaseline() throws {
        let setup = try setUp()
        let worse = setup.path("worse")
        try evaluate(predictions: try worsePredictions(flipping: 20, in: setup), out: worse)
        let plain = try String(contentsOfFile: worse + "/index.html", encoding: .utf8)
        #expect(!plain.contains("since the baseline"))
        let report = try Command.maskbench([
            "report", "--metrics", worse + "/metrics.json", "--baseline", setup.baseline, "--quiet",
        ])
        #expect(report.status == 0, "\(report.stderr)")
        let html = try String(contentsOfFile: worse + "/index.html", encoding: .utf8)
        // The same faces the gate pairs: 16 unmasked faces now called masked, 2 masked faces now right.
        #expect(html.contains("New mistakes since the baseline: 16"))
        #expect(html.contains("Fixed since the baseline: 2"))
        #expect(html.contains("unmasked, right in seed, now called masked"))
        let gate = try gate(setup, run: worse)
        #expect(gate.stdout.contains("gained"))
    }

    @Test func detectorAPHasAPairedBootstrapThatTellsManyLostFacesFromOne() throws {
        let setup = try setUp()
        let rules = setup.path("ap.yml")
        try """
        - metric: detector.ap.voc
          direction: higher
          absoluteTolerance: 0.001
          significance: 0.05
        """.write(toFile: rules, atomically: true, encoding: .utf8)
        let many = setup.path("many")
        try evaluate(predictions: try movedPredictions(60, in: setup), out: many)
        let failed = try gate(setup, run: many, ["--rules", rules])
        #expect(failed.status == 1, "\(failed.stdout)\(failed.stderr)")
        #expect(failed.stdout.contains("detector.ap.voc (higher is better)"))
        #expect(failed.stdout.contains("regression"))
        let one = setup.path("one")
        try evaluate(predictions: try movedPredictions(1, in: setup), out: one)
        let passed = try gate(setup, run: one, ["--rules", rules])
        #expect(passed.status == 0, "\(passed.stdout)\(passed.stderr)")
        #expect(passed.stdout.contains("not significant"))
    }

    @Test func identicalResultsPass() throws {
        let setup = try setUp()
        let again = setup.path("again")
        try evaluate(predictions: Self.sample + "predictions.csv", out: again)
        let result = try gate(setup, run: again, ["--junit", setup.path("junit.xml")])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.contains("pipeline.tnr.value (higher is better)     0.8846    0.8846   +0.0000"))
        #expect(result.stdout.contains("Images that gained mistakes: none"))
        #expect(result.stdout.hasSuffix("gate: pass (4 rules)\n"))
        let junit = try JUnit(path: setup.path("junit.xml"))
        #expect(junit.testcases.count == 4)
        #expect(junit.failures.isEmpty)
    }

    @Test func aDeliberatelyWorseRunFailsWithExitCode1() throws {
        let setup = try setUp()
        let worse = setup.path("worse")
        try evaluate(predictions: try worsePredictions(flipping: 20, in: setup), out: worse)
        let result = try gate(setup, run: worse, ["--junit", setup.path("junit.xml")])
        #expect(result.status == 1, "\(result.stdout)\(result.stderr)")
        #expect(
            result.stdout.contains(
                "pipeline.tnr.value (higher is better)     0.8846    0.7615   -0.1231  McNemar p=3.1e-05 (b=16, c=0)  regression"
            ))
        #expect(result.stdout.contains("Images that gained mistakes ("))
        #expect(result.stdout.contains("  seed001_001.jpg  1 face\n"))
        #expect(result.stdout.contains("Images that gained mistakes (10 images, 16 faces):"))
        #expect(result.stdout.contains("Images that lost mistakes (2 images, 2 faces):"))
        #expect(result.stdout.hasSuffix("gate: FAIL (2 of 4 rules regressed)\n"))
        let junit = try JUnit(path: setup.path("junit.xml"))
        #expect(
            junit.testcases == [
                "pipeline.tnr.value", "pipeline.fnr.value", "detector.recall.value", "pipeline.roc.auc",
            ])
        #expect(junit.failures.contains { $0.hasPrefix("worse by 0.1231, beyond tolerance 0.0100 and significant") })
    }

    @Test func aSmallChangeWithinToleranceOrNotSignificantPasses() throws {
        let setup = try setUp()
        let one = setup.path("one")
        try evaluate(predictions: try worsePredictions(flipping: 1, in: setup), out: one)
        let within = try gate(setup, run: one)
        #expect(within.status == 0, "\(within.stdout)\(within.stderr)")
        #expect(within.stdout.contains("Images that gained mistakes (1 image, 1 face):"))

        let three = setup.path("three")
        try evaluate(predictions: try worsePredictions(flipping: 3, in: setup), out: three)
        let noise = try gate(setup, run: three)
        #expect(noise.status == 0, "\(noise.stdout)\(noise.stderr)")
        #expect(noise.stdout.contains("McNemar p=0.2500 (b=3, c=0)    not significant"))
        #expect(noise.stdout.contains("but not significant (p=0.2500 >= 0.0500)"))

        // The same change fails under a rule without significance.
        let rules = setup.path("strict.yml")
        try "- metric: pipeline.tnr.value\n  direction: higher\n  absoluteTolerance: 0.01\n"
            .write(toFile: rules, atomically: true, encoding: .utf8)
        let strict = try gate(setup, run: three, ["--rules", rules])
        #expect(strict.status == 1, "\(strict.stdout)\(strict.stderr)")
    }

    // MARK: - Input errors: exit 2, nothing written

    @Test func anotherBaselineSchemaVersionExits2AndWritesNothing() throws {
        let setup = try setUp()
        let url = URL(fileURLWithPath: setup.baseline)
        var object = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
        object["schemaVersion"] = 99
        try JSONSerialization.data(withJSONObject: object).write(to: url)
        let result = try gate(setup, run: setup.baseRun, ["--junit", setup.path("junit.xml")])
        #expect(result.status == 2)
        #expect(result.stderr.contains("error: \(setup.baseline): baseline schema version 99 is not supported"))
        #expect(result.stdout.isEmpty)
        #expect(!FileManager.default.fileExists(atPath: setup.path("junit.xml")))
    }

    @Test func anotherDatasetExits2UnlessAllowed() throws {
        let setup = try setUp()
        let url = URL(fileURLWithPath: setup.baseline)
        var object = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
        // Both copies of the fingerprint: the baseline's own and its metrics'.
        object["datasetFingerprint"] = "sha256:0000"
        var metrics = try #require(object["metrics"] as? [String: Any])
        var dataset = try #require(metrics["dataset"] as? [String: Any])
        dataset["fingerprint"] = "sha256:0000"
        metrics["dataset"] = dataset
        object["metrics"] = metrics
        try JSONSerialization.data(withJSONObject: object).write(to: url)
        let result = try gate(setup, run: setup.baseRun, ["--junit", setup.path("junit.xml")])
        #expect(result.status == 2)
        #expect(result.stderr.contains("differs from the baseline's sha256:0000"))
        #expect(result.stderr.contains("--allow-dataset-change"))
        #expect(!FileManager.default.fileExists(atPath: setup.path("junit.xml")))

        let allowed = try gate(setup, run: setup.baseRun, ["--allow-dataset-change"])
        #expect(allowed.status == 0, "\(allowed.stderr)")
        #expect(allowed.stdout.contains("Dataset changed: baseline sha256:0000"))
    }

    @Test(arguments: [
        (
            "- metric: pipeline.tnr.rate\n  direction: higher\n",
            "rules.yml:1: rule for 'pipeline.tnr.rate': unknown metric"
        ),
        (
            "[{\"metric\": \"pipeline.fnr.value\", \"direction\": \"lower\", \"absoluteTolerance\": -0.5}]",
            "rules.yml:1:78: rule 1 (pipeline.fnr.value): absoluteTolerance must be >= 0, found -0.5"
        ),
    ])
    func aBadRulesFileExits2AndWritesNothing(_ rules: String, _ message: String) throws {
        let setup = try setUp()
        try rules.write(toFile: setup.path("rules.yml"), atomically: true, encoding: .utf8)
        let result = try gate(
            setup, run: setup.baseRun, ["--rules", setup.path("rules.yml"), "--junit", setup.path("j.xml")])
        #expect(result.status == 2)
        #expect(result.stderr.contains(message), "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: setup.path("j.xml")))
    }

    // MARK: - Recording

    @Test func recordingTwiceGivesTheSameBytes() throws {
        let setup = try setUp()
        let first = try Data(contentsOf: URL(fileURLWithPath: setup.baseline))
        let again = try Command.maskbench([
            "baseline", "record", "--from", setup.baseRun, "--name", "seed", "--baselines", setup.path("B"), "--force",
        ])
        #expect(again.status == 0)
        #expect(try Data(contentsOf: URL(fileURLWithPath: setup.baseline)) == first)
        let names = try FileManager.default.contentsOfDirectory(atPath: setup.path("B"))
        #expect(names == ["seed.json"])
    }

    @Test func recordingWithoutFacesCSVExits2() throws {
        let setup = try setUp()
        try FileManager.default.removeItem(atPath: setup.baseRun + "/faces.csv")
        let result = try Command.maskbench([
            "baseline", "record", "--from", setup.baseRun, "--name", "other", "--baselines", setup.path("B"),
        ])
        #expect(result.status == 2)
        #expect(result.stderr.contains("faces.csv: no faces.csv beside metrics.json"))
        #expect(!FileManager.default.fileExists(atPath: setup.path("B/other.json")))
    }

    @Test func aNameWithASlashIsAUsageError() throws {
        let result = try Command.maskbench(["baseline", "record", "--from", "x", "--name", "../evil"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("--name '../evil'"))
    }
}

/// A JUnit file parsed back with `XMLParser`: test case names and failure messages.
private final class JUnit: NSObject, XMLParserDelegate {
    var testcases: [String] = []
    var failures: [String] = []

    init(path: String) throws {
        super.init()
        let parser = XMLParser(data: try Data(contentsOf: URL(fileURLWithPath: path)))
        parser.delegate = self
        guard parser.parse() else {
            throw CocoaError(.fileReadCorruptFile, userInfo: [NSFilePathErrorKey: path])
        }
    }

    func parser(
        _ parser: XMLParser, didStartElement element: String, namespaceURI: String?, qualifiedName: String?,
        attributes: [String: String] = [:]
    ) {
        if element == "testcase" { testcases.append(attributes["name"] ?? "") }
        if element == "failure" { failures.append(attributes["message"] ?? "") }
    }
}
