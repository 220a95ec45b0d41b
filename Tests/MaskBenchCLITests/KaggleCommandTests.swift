import Foundation
import MaskBenchTestSupport
import Testing

/// The commands on ../shared/datasets/kaggle-face-mask (214 images, 1069 faces, VOC and YOLO labels).
@Suite(.enabled(if: Fixtures.datasetsAvailable, "needs ../shared/datasets"))
struct KaggleCommandTests {
    static let root = Fixtures.dataset("kaggle-face-mask").path

    @Test func validateReportsTheBoxPastTheImageEdgeAndWhatItDoes() throws {
        let result = try Command.maskbench([
            "validate", "--ground-truth", Self.root + "/annotations", "--images", Self.root + "/images",
        ])
        #expect(result.status == 1, "warnings exit 1: \(result.stderr)")
        #expect(result.stdout.contains("voc, 214 images, 1069 faces"))
        #expect(result.stdout.contains("maksssksksss616.xml:"))
        #expect(result.stdout.contains("clamped to the image"))
        #expect(result.stdout.contains("findings: 1 boxOutsideImage"))
    }

    @Test func evaluatingWithNoPredictionsClampsWarnsAndMissesEveryFace() throws {
        let out = try Command.temporaryDirectory()
        let empty = out.appendingPathComponent("empty.jsonl")
        try Data().write(to: empty)
        let result = try Command.maskbench([
            "evaluate", "--ground-truth", Self.root + "/annotations", "--predictions", empty.path, "--out", out.path,
        ])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("maksssksksss616.xml"))
        let metrics = try JSONSerialization.jsonObject(
            with: Data(contentsOf: out.appendingPathComponent("metrics.json")))
        let dataset = try #require((metrics as? [String: Any])?["dataset"] as? [String: Any])
        let faces = try #require(dataset["faces"] as? [String: Int])
        #expect(dataset["images"] as? Int == 214)
        #expect(faces == ["masked": 821, "unmasked": 214, "incorrect": 34, "total": 1069, "ignored": 0])
        let detector = try #require((metrics as? [String: Any])?["detector"] as? [String: Any])
        #expect(detector["falseNegatives"] as? Int == 1069)
    }
}
