import Foundation
import MaskBenchCore
import MaskBenchTestSupport
import Testing

/// Object-Detection-Metrics' 7-image sample (../shared/datasets/peer-vectors/EXPECTED.md, section A):
/// 15 faces, 24 detections lettered A…Y (no W) in file order.
enum SevenImageSample {
    static let folder = Fixtures.dataset("peer-vectors/object-detection-metrics")

    /// `class [confidence] left top width height` lines, one file per image, images in name order.
    static func read() throws -> (Dataset, PredictionSet) {
        var images: [AnnotatedImage] = []
        var predictions = PredictionSet()
        for name in (1...7).map({ String(format: "%05d", $0) }) {
            let truth = try lines(folder.appendingPathComponent("groundtruths/\(name).txt"))
            let faces = truth.map { f in
                GroundTruthFace(box: Box(x: f[0], y: f[1], width: f[2], height: f[3]), label: .masked)
            }
            images.append(AnnotatedImage(name: name, width: 200, height: 200, faces: faces))
            let detections = try lines(folder.appendingPathComponent("detections/\(name).txt"))
            predictions.byImage[name] = detections.map { d in
                Prediction(box: Box(x: d[1], y: d[2], width: d[3], height: d[4]), faceScore: d[0], maskScore: 1)
            }
        }
        return (Dataset(images: images), predictions)
    }

    private static func lines(_ url: URL) throws -> [[Double]] {
        try String(contentsOf: url, encoding: .utf8)
            .split(whereSeparator: \.isNewline)
            .map { line in line.split(whereSeparator: \.isWhitespace).dropFirst().compactMap { Double($0) } }
            .filter { !$0.isEmpty }
    }

    static func evaluate(iou: Double, pixels: PixelConvention) throws -> Evaluation {
        let (dataset, predictions) = try read()
        let settings = EvaluationSettings(
            matching: MatchingSettings(mode: .voc, iouThreshold: iou, iouInclusive: true, pixels: pixels),
            bootstrap: Bootstrap(samples: 0)
        )
        return Evaluator(settings: settings).evaluate(dataset, predictions)
    }
}

@Suite(.enabled(if: Fixtures.datasetsAvailable, "needs ../shared/datasets"))
struct PeerVectorTests {
    /// review_object_detection_metrics/tests/test_eval_pascal.py, `test_case_1`, and
    /// Object-Detection-Metrics' README (every-point 24.56%, 11-point 26.84% at IoU 0.3).
    @Test(arguments: [
        (0.10, 0.3371980676, 0.3333333333),
        (0.30, 0.2456866804, 0.2683982683),
        (0.50, 0.0222222222, 0.0303030303),
        (0.75, 0.0, 0.0),
    ])
    func vocAveragePrecisionEqualsTheStatedValues(iou: Double, allPoint: Double, elevenPoint: Double) throws {
        let evaluation = try SevenImageSample.evaluate(iou: iou, pixels: .inclusive)
        #expect(evaluation.detector.ap.voc.isClose(to: allPoint, absolute: 1e-9))
        #expect(evaluation.detector.ap.elevenPoint.isClose(to: elevenPoint, absolute: 1e-9))
    }

    @Test func theTruePositivesAtIoU03AreBEGJPRX() throws {
        let evaluation = try SevenImageSample.evaluate(iou: 0.3, pixels: .inclusive)
        let letters = Array("ABCDEFGHIJKLMNOPQRSTUVXY")
        let (_, predictions) = try SevenImageSample.read()
        var offsets: [Int] = []
        var running = 0
        for name in (1...7).map({ String(format: "%05d", $0) }) {
            offsets.append(running)
            running += predictions[name].count
        }
        let falsePositives = Set(evaluation.extras.map { offsets[$0.image] + $0.prediction })
        let truePositives = letters.indices.filter { !falsePositives.contains($0) }.map { letters[$0] }
        #expect(String(truePositives) == "BEGJPRX")
        #expect(evaluation.detector.truePositives == 7)
        #expect(evaluation.detector.falsePositives == 17)
    }

    /// EXPECTED.md A.2 (DERIVED): with continuous IoU, G drops out at 0.3.
    @Test func continuousPixelsGiveTheDerivedValues() throws {
        let evaluation = try SevenImageSample.evaluate(iou: 0.3, pixels: .continuous)
        #expect(evaluation.detector.ap.voc.isClose(to: 0.2253968254, absolute: 1e-9))
        #expect(evaluation.detector.ap.elevenPoint.isClose(to: 0.2683982684, absolute: 1e-9))
        #expect(evaluation.detector.truePositives == 6)
    }
}
