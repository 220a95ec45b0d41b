import Foundation
import MaskBenchTestSupport
import Testing

/// `maskbench evaluate` end to end: the built executable on files, as a user runs it.
@Suite struct EvaluateCommandTests {
    static let sample = "Annotations/seed001-table/"
    static let fixtures = "Tests/MaskBenchCLITests/Fixtures/"

    func json(_ url: URL) throws -> [String: Any] {
        let object = try JSONSerialization.jsonObject(with: Data(contentsOf: url))
        return try #require(object as? [String: Any])
    }

    /// Follows a dotted path (`pipeline.tnr.value`) through nested objects.
    func value(_ document: [String: Any], _ path: String) -> Any? {
        var current: Any? = document
        for key in path.split(separator: ".") {
            current = (current as? [String: Any])?[String(key)]
        }
        return current
    }

    func evaluateSample(_ extra: [String] = []) throws -> (Command.Result, URL) {
        let out = try Command.temporaryDirectory()
        let result = try Command.maskbench(
            [
                "evaluate", "--ground-truth", Self.sample + "ground-truth.csv", "--predictions",
                Self.sample + "predictions.csv", "--out", out.path, "--bootstrap", "200",
            ] + extra
        )
        return (result, out)
    }

    @Test func theDefaultSampleReproducesSeed001sTable() throws {
        let (result, out) = try evaluateSample()
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("masked faces             119                                   95"))
        #expect(result.stdout.contains("88.5% (115/130)"))
        #expect(result.stdout.contains("11.8% (14/119)"))
        let metrics = try json(out.appendingPathComponent("metrics.json"))
        #expect(value(metrics, "pipeline.tnr.count") as? Int == 115)
        #expect(value(metrics, "pipeline.fnr.total") as? Int == 119)
        #expect(value(metrics, "pipeline.outcomes.unmasked.missed") as? Int == 8)
        #expect(value(metrics, "pipeline.extraDetections.total") as? Int == 15)
        #expect(value(metrics, "pipeline.extraDetections.calledUnmasked") as? Int == 4)
        #expect(value(metrics, "dataset.faces.masked") as? Int == 119)
        #expect(value(metrics, "inputs.groundTruthFormat") as? String == "makesense")
        #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent("summary.md").path))
        let faces = try String(contentsOf: out.appendingPathComponent("faces.csv"), encoding: .utf8)
            .split(separator: "\n")
        #expect(faces.first == "image,face,truth,call,maskScore,faceScore,iou")
        #expect(faces.count == 250)
        // Missed faces have no call and no scores.
        #expect(faces.filter { $0.hasSuffix(",,,,") }.count == 18)
    }

    /// The fields issue #2 names are a public contract: each must be present.
    @Test func metricsJSONHasEveryContractField() throws {
        let (result, out) = try evaluateSample()
        #expect(result.status == 0, "\(result.stderr)")
        let metrics = try json(out.appendingPathComponent("metrics.json"))
        let contract = [
            "schemaVersion", "dataset.fingerprint", "dataset.images", "dataset.faces.masked", "dataset.faces.unmasked",
            "dataset.faces.incorrect", "detector.truePositives", "detector.falsePositives",
            "detector.falseNegatives", "detector.precision.value", "detector.recall.value", "detector.ap.voc",
            "detector.ap.coco", "pipeline.threshold", "pipeline.tnr.value", "pipeline.tnr.low", "pipeline.tnr.high",
            "pipeline.fnr.value", "pipeline.fnr.low", "pipeline.fnr.high", "pipeline.outcomes.masked.groundTruth",
            "pipeline.outcomes.masked.correct", "pipeline.outcomes.masked.wrong", "pipeline.outcomes.masked.missed",
            "pipeline.outcomes.unmasked.groundTruth", "pipeline.extraDetections.total",
            "pipeline.extraDetections.calledUnmasked", "pipeline.roc.auc", "classifier.matched.accuracy.value",
            "classifier.matched.auc", "classifier.matched.confusion.masked.unmasked", "settings.matching.mode",
            "settings.matching.iouThreshold", "settings.matching.iouInclusive", "settings.matching.pixels",
            "settings.matching.minFaceScore", "settings.threshold", "settings.incorrectAs", "intervalMethod.name",
        ]
        for path in contract {
            #expect(value(metrics, path) != nil, "metrics.json lacks \(path)")
        }
        #expect(value(metrics, "schemaVersion") as? Int == 1)
        #expect(value(metrics, "intervalMethod.name") as? String == "percentile-bootstrap")
    }

    @Test func sameInputsGiveTheSameBytes() throws {
        let (_, first) = try evaluateSample()
        let (_, second) = try evaluateSample()
        for file in ["metrics.json", "summary.md", "faces.csv"] {
            let a = try Data(contentsOf: first.appendingPathComponent(file))
            let b = try Data(contentsOf: second.appendingPathComponent(file))
            #expect(a == b, "\(file) differs between two runs")
        }
    }

    @Test func summaryMarkdownMatchesItsGoldenFile() throws {
        let (result, out) = try evaluateSample()
        #expect(result.status == 0, "\(result.stderr)")
        let summary = try String(contentsOf: out.appendingPathComponent("summary.md"), encoding: .utf8)
            .replacingOccurrences(of: out.path, with: "OUT")
        let failure = Golden.check(summary, named: "seed001-summary.md")
        #expect(failure == nil, "\(failure ?? "")")
    }

    @Test func aMalformedPredictionsFileNamesFileAndLineAndWritesNothing() throws {
        let out = try Command.temporaryDirectory()
        let result = try Command.maskbench([
            "evaluate", "--ground-truth", Self.sample + "ground-truth.csv", "--predictions",
            Self.fixtures + "bad-predictions.csv", "--out", out.path,
        ])
        #expect(result.status == 2)
        #expect(result.stderr.contains("bad-predictions.csv:3"), "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: out.appendingPathComponent("metrics.json").path))
    }

    @Test func predictionsForUnknownImagesAreAnErrorUnlessAllowed() throws {
        let arguments = [
            "evaluate", "--ground-truth", Self.sample + "ground-truth.csv", "--predictions",
            Self.fixtures + "unknown-image.csv", "--bootstrap", "0",
        ]
        let refused = try Command.maskbench(arguments + ["--out", try Command.temporaryDirectory().path])
        #expect(refused.status == 2)
        #expect(refused.stderr.contains("not-in-the-ground-truth.jpg"), "\(refused.stderr)")
        #expect(refused.stderr.contains("--allow-unknown-images"))
        let allowed = try Command.maskbench(
            arguments + ["--allow-unknown-images", "--out", try Command.temporaryDirectory().path]
        )
        #expect(allowed.status == 0, "\(allowed.stderr)")
        #expect(allowed.stderr.contains("skipped 1 prediction(s) for not-in-the-ground-truth.jpg"))
    }

    @Test func noPredictionsAtAllIsAValidRunWithEveryFaceMissed() throws {
        let out = try Command.temporaryDirectory()
        let result = try Command.maskbench([
            "evaluate", "--ground-truth", Self.sample + "ground-truth.csv", "--predictions",
            Self.fixtures + "no-predictions.csv", "--out", out.path,
        ])
        #expect(result.status == 0, "\(result.stderr)")
        let metrics = try json(out.appendingPathComponent("metrics.json"))
        #expect(value(metrics, "detector.falseNegatives") as? Int == 249)
        #expect(value(metrics, "pipeline.tnr.value") as? Double == 0)
        // Undefined numbers are written as null, not left out: the keys are a contract.
        #expect(value(metrics, "detector.precision.value") is NSNull)
        #expect(value(metrics, "classifier.matched.auc") is NSNull)
        #expect(value(metrics, "classifier.matched.aucInterval.low") is NSNull)
        // Every face missed, every face scored 1: the pipeline ROC is the chance line.
        #expect(value(metrics, "pipeline.roc.auc") as? Double == 0.5)
    }

    @Test(arguments: [
        ["--iou", "1.5"], ["--threshold", "-0.1"], ["--matching", "nearest"], ["--missed-face-score", "maybe"],
    ])
    func usageErrorsExitWithTwo(arguments: [String]) throws {
        let (result, _) = try evaluateSample(arguments)
        #expect(result.status == 2, "\(arguments): \(result.stderr)")
        #expect(!result.stderr.isEmpty)
    }

    @Test func datarootsMatchingAndInclusivePixelsAreRecordedInTheSettings() throws {
        let (result, out) = try evaluateSample(["--matching", "dataroots", "--pixels", "inclusive"])
        #expect(result.status == 0, "\(result.stderr)")
        let metrics = try json(out.appendingPathComponent("metrics.json"))
        #expect(value(metrics, "settings.matching.mode") as? String == "dataroots")
        #expect(value(metrics, "settings.matching.pixels") as? String == "inclusive")
        #expect(value(metrics, "pipeline.tnr.count") as? Int == 115)
    }
}
