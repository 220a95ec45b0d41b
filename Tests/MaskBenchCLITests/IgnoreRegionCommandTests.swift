import Foundation
import MaskBenchTestSupport
import Testing

/// Ignore regions end to end: a COCO crowd region and a VOC difficult face, written here, through `evaluate`,
/// `validate`, metrics.json, summary.md and faces.csv, and `--ignore-regions count`.
@Suite struct IgnoreRegionCommandTests {
    /// Two images: `a.png` with a masked face and a crowd region, `b.png` with an unmasked face.
    static let coco = """
        {"images": [{"id": 1, "file_name": "a.png", "width": 400, "height": 300},
                    {"id": 2, "file_name": "b.png", "width": 400, "height": 300}],
         "categories": [{"id": 1, "name": "with_mask"}, {"id": 2, "name": "without_mask"}],
         "annotations": [
           {"id": 1, "image_id": 1, "category_id": 1, "bbox": [10, 10, 40, 40], "iscrowd": 0},
           {"id": 2, "image_id": 1, "category_id": 2, "bbox": [100, 0, 300, 300], "iscrowd": 1},
           {"id": 3, "image_id": 2, "category_id": 2, "bbox": [50, 50, 40, 40], "iscrowd": 0}]}
        """
    /// One detection per face, two inside the crowd region, one on nothing.
    static let predictions = """
        {"image": "a.png", "box": [10, 10, 40, 40], "faceScore": 0.9, "maskScore": 0.8}
        {"image": "a.png", "box": [150, 50, 30, 30], "faceScore": 0.95, "maskScore": 0.2}
        {"image": "a.png", "box": [250, 150, 30, 30], "faceScore": 0.7, "maskScore": 0.1}
        {"image": "b.png", "box": [50, 50, 40, 40], "faceScore": 0.8, "maskScore": 0.3}
        {"image": "b.png", "box": [300, 200, 30, 30], "faceScore": 0.6, "maskScore": 0.1}
        """

    func json(_ url: URL) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
    }

    func value(_ document: [String: Any], _ path: String) -> Any? {
        var current: Any? = document
        for key in path.split(separator: ".") { current = (current as? [String: Any])?[String(key)] }
        return current
    }

    func evaluate(_ extra: [String] = []) throws -> (Command.Result, URL) {
        let folder = try Command.temporaryDirectory()
        try Self.coco.write(to: folder.appendingPathComponent("gt.json"), atomically: true, encoding: .utf8)
        try Self.predictions.write(
            to: folder.appendingPathComponent("predictions.jsonl"), atomically: true, encoding: .utf8)
        let out = folder.appendingPathComponent("out")
        let result = try Command.maskbench(
            [
                "evaluate", "--ground-truth", folder.appendingPathComponent("gt.json").path, "--predictions",
                folder.appendingPathComponent("predictions.jsonl").path, "--out", out.path, "--bootstrap", "20",
            ] + extra)
        return (result, out)
    }

    @Test func crowdRegionsAreIgnoredAndCountedApart() throws {
        let (result, out) = try evaluate()
        #expect(result.status == 0, "\(result.stderr)")
        let metrics = try json(out.appendingPathComponent("metrics.json"))
        #expect(value(metrics, "dataset.faces.total") as? Int == 2)
        #expect(value(metrics, "dataset.faces.ignored") as? Int == 1)
        #expect(value(metrics, "dataset.faces.unmasked") as? Int == 1)
        #expect(value(metrics, "detector.ignoredDetections") as? Int == 2)
        #expect(value(metrics, "detector.truePositives") as? Int == 2)
        #expect(value(metrics, "detector.falsePositives") as? Int == 1)
        #expect(value(metrics, "pipeline.extraDetections.total") as? Int == 1)
        #expect(value(metrics, "pipeline.tnr.total") as? Int == 1)
        #expect(value(metrics, "settings.matching.ignoreRegions") as? String == "ignore")
        for path in [
            "detector.ap.coco50to95", "detector.ap.coco75", "detector.ap.elevenPointInterval.low",
            "detector.ap.perClass.masked.coco50to95", "detector.ap.meanOverClasses.coco75",
        ] {
            #expect(value(metrics, path) is Double, "\(path)")
        }
        let faces = try String(contentsOf: out.appendingPathComponent("faces.csv"), encoding: .utf8)
            .split(separator: "\n")
        #expect(faces.count == 4)
        // The crowd region: truth ignored, with the best detection on it.
        #expect(faces[2].hasPrefix("a.png,1,ignored,unmasked,0.2,0.95,1.0"), "\(faces[2])")
        let summary = try String(contentsOf: out.appendingPathComponent("summary.md"), encoding: .utf8)
        #expect(summary.contains("and 1 ignore region (crowd regions, difficult faces), not faces to find"))
        #expect(summary.contains("2 detections on ignore regions (neither right nor wrong)"))
        #expect(summary.contains("Detector AP (COCO, IoU .50:.95)"))
    }

    /// faces.csv's `ignored` rows read back everywhere: the report leaves them out, a baseline keeps them, the
    /// gate pairs only faces.
    @Test func reportBaselineAndGateReadTheIgnoredRows() throws {
        let (result, out) = try evaluate()
        #expect(result.status == 0, "\(result.stderr)")
        let report = try Command.maskbench(["report", "--metrics", out.appendingPathComponent("metrics.json").path])
        #expect(report.status == 0, "\(report.stderr)")
        let baselines = out.appendingPathComponent("B").path
        let record = try Command.maskbench([
            "baseline", "record", "--from", out.path, "--name", "crowd", "--baselines", baselines,
        ])
        #expect(record.status == 0, "\(record.stderr)")
        let stored = try String(contentsOfFile: baselines + "/crowd.json", encoding: .utf8)
        #expect(stored.contains("\"truth\" : \"ignored\""))
        let gate = try Command.maskbench([
            "gate", "--baseline", baselines + "/crowd.json", "--metrics",
            out.appendingPathComponent("metrics.json").path,
        ])
        #expect(gate.status == 0, "\(gate.stdout)\(gate.stderr)")
        #expect(!gate.stdout.contains("Unpaired faces"), "\(gate.stdout)")
        // A run that counts the crowd region as a face was made under other settings: the gate fails closed.
        let (counted, countedOut) = try evaluate(["--ignore-regions", "count"])
        #expect(counted.status == 0, "\(counted.stderr)")
        let against = try Command.maskbench([
            "gate", "--baseline", baselines + "/crowd.json", "--metrics",
            countedOut.appendingPathComponent("metrics.json").path,
        ])
        #expect(against.status != 0)
        #expect(
            (against.stdout + against.stderr).contains(#"matching.ignoreRegions: baseline "ignore", now "count""#),
            "\(against.stdout)\(against.stderr)")
    }

    @Test func countTreatsThemAsFaces() throws {
        let (result, out) = try evaluate(["--ignore-regions", "count"])
        #expect(result.status == 0, "\(result.stderr)")
        let metrics = try json(out.appendingPathComponent("metrics.json"))
        #expect(value(metrics, "dataset.faces.total") as? Int == 3)
        #expect(value(metrics, "dataset.faces.ignored") as? Int == 0)
        #expect(value(metrics, "detector.ignoredDetections") as? Int == 0)
        #expect(value(metrics, "detector.falseNegatives") as? Int == 1)
        #expect(value(metrics, "pipeline.tnr.total") as? Int == 2)
        #expect(value(metrics, "settings.matching.ignoreRegions") as? String == "count")
    }

    @Test func validateReportsThem() throws {
        let folder = try Command.temporaryDirectory()
        let path = folder.appendingPathComponent("gt.json").path
        try Self.coco.write(toFile: path, atomically: true, encoding: .utf8)
        let result = try Command.maskbench(["validate", "--ground-truth", path])
        #expect(
            result.stdout.contains(
                "coco, 2 images, 2 faces and 1 ignore region (1 crowd; evaluate ignores it unless --ignore-regions count)"
            ), "\(result.stdout)")
        let voc = folder.appendingPathComponent("voc")
        try FileManager.default.createDirectory(at: voc, withIntermediateDirectories: true)
        let box = "<bndbox><xmin>1</xmin><ymin>1</ymin><xmax>9</xmax><ymax>9</ymax></bndbox>"
        try """
        <annotation><filename>a.png</filename><size><width>20</width><height>20</height></size>
        <object><name>with_mask</name><difficult>1</difficult>\(box)</object>
        <object><name>without_mask</name><difficult>0</difficult>\(box)</object></annotation>
        """.write(to: voc.appendingPathComponent("a.xml"), atomically: true, encoding: .utf8)
        let vocResult = try Command.maskbench(["validate", "--ground-truth", voc.path])
        #expect(
            vocResult.stdout.contains("voc, 1 images, 1 faces and 1 ignore region (1 difficult;"), "\(vocResult.stdout)"
        )
    }
}
