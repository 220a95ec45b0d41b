import Foundation
import MaskBenchCore
import MaskBenchFormats
import MaskBenchTestSupport
import Testing

/// review_object_detection_metrics' toy example (EXPECTED.md, section B): 10 Pascal VOC images of the class
/// `cat`, one of them without an object, 12 faces and 12 detections. Its README states the APs.
@Suite(.enabled(if: Fixtures.datasetsAvailable, "needs ../shared/datasets"))
struct PeerToyExampleTests {
    static let folder = Fixtures.dataset("peer-vectors/review-object-detection-metrics/toyexample")

    static func evaluate(iou: Double) throws -> Evaluation {
        let options = GroundTruthOptions(labelMap: LabelMap.defaults.setting("cat", to: .masked))
        let truth = try GroundTruthReader.read(
            path: folder.appendingPathComponent("gts_vocpascal_format").path,
            options: options
        )
        var predictions = PredictionSet()
        let detections = folder.appendingPathComponent("dets_classname_abs_xywh")
        for image in truth.dataset.images {
            let stem = (image.name as NSString).deletingPathExtension
            let text = try String(contentsOf: detections.appendingPathComponent(stem + ".txt"), encoding: .utf8)
            predictions.byImage[image.name] = text.split(whereSeparator: \.isNewline).map { line in
                let v = line.split(whereSeparator: \.isWhitespace).dropFirst().compactMap { Double($0) }
                return Prediction(box: Box(x: v[1], y: v[2], width: v[3], height: v[4]), faceScore: v[0], maskScore: 1)
            }
        }
        let settings = EvaluationSettings(
            matching: MatchingSettings(mode: .voc, iouThreshold: iou, iouInclusive: true, pixels: .inclusive),
            bootstrap: Bootstrap(samples: 0)
        )
        return Evaluator(settings: settings).evaluate(truth.dataset, predictions)
    }

    @Test func theDatasetHasAnImageWithoutObjects() throws {
        let e = try Self.evaluate(iou: 0.5)
        #expect(e.images == 10)
        #expect(e.outcomes.count == 12)
    }

    /// "t=0.5 … 11-point AP=88.64% … all-point AP=89.58%; t=0.75 … 49.24% and 50.97%".
    @Test(arguments: [(0.5, 0.895833, 0.886364, 11), (0.75, 0.509722, 0.492424, 8)])
    func averagePrecisionEqualsTheReadme(iou: Double, allPoint: Double, elevenPoint: Double, hits: Int) throws {
        let e = try Self.evaluate(iou: iou)
        #expect(e.detector.ap.voc.isClose(to: allPoint, absolute: 5e-7))
        #expect(e.detector.ap.elevenPoint.isClose(to: elevenPoint, absolute: 5e-7))
        #expect(e.detector.truePositives == hits)
    }
}
