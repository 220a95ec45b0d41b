import Foundation
import MaskBenchCore
import MaskBenchFormats
import MaskBenchTestSupport
import Testing

/// ../shared/bench's synthetic 5k set against `reference_counts_5k.json`, which pycocotools' own matcher
/// produced: every count must be equal, at each detector-confidence threshold.
@Suite(.enabled(if: BenchData.available, "\(BenchData.unavailableReason ?? "")"))
struct ReferenceCountsTests {
    static let loaded: Result<(Dataset, PredictionSet), any Error> = Result {
        let (gt, dets) = try BenchData.files(images: 5000, tag: "5k")
        let truth = try GroundTruthReader.read(path: gt.path, options: GroundTruthOptions())
        let predictions = try PredictionReader.read(path: dets.path, groundTruth: truth)
        return (truth.dataset, predictions.predictions)
    }

    func evaluate(minFaceScore: Double) throws -> Evaluation {
        let (dataset, predictions) = try Self.loaded.get()
        let settings = EvaluationSettings(
            matching: MatchingSettings(mode: .coco, minFaceScore: minFaceScore),
            bootstrap: Bootstrap(samples: 0)
        )
        return Evaluator(settings: settings).evaluate(dataset, predictions)
    }

    @Test(arguments: ["0.3", "0.5", "0.7"])
    func countsEqualPycocotools(threshold: String) throws {
        let reference = try BenchData.referenceCounts(tag: "5k")
        let e = try evaluate(minFaceScore: try #require(Double(threshold)))
        let detector = try #require(
            (reference["detector_class_agnostic"] as? [String: Any])?[threshold] as? [String: Any])
        #expect(e.detector.truePositives == detector["TP"] as? Int)
        #expect(e.detector.falsePositives == detector["FP"] as? Int)
        #expect(e.detector.falseNegatives == detector["FN"] as? Int)

        let pipeline = try #require((reference["pipeline"] as? [String: Any])?[threshold] as? [String: Any])
        let confusion = try #require(pipeline["confusion_gt_rows_pred_cols"] as? [String: [String: Int]])
        let missed = try #require(pipeline["missed_gt_faces_by_class"] as? [String: Int])
        let falseFaces = try #require(pipeline["false_faces_by_pred_class"] as? [String: Int])
        for truth in [FaceClass.masked, .unmasked] {
            for call in [FaceClass.masked, .unmasked] {
                #expect(e.matchedClassifier.confusion[truth, call] == confusion[truth.rawValue]?[call.rawValue])
            }
            #expect(e.detector.missed[truth] == missed[truth.rawValue])
            #expect(e.pipeline.extraDetectionsByCall[truth] == falseFaces[truth.rawValue])
        }
    }

    /// ../shared/bench/README.md: AP50, mean over the two categories, pycocotools = 0.6499483603006495.
    @Test func cocoAPMeanOverClassesEqualsPycocotools() throws {
        let e = try evaluate(minFaceScore: 0)
        #expect(e.detector.apMeanOverClasses.coco.isClose(to: 0.6499483603006495, absolute: 1e-15))
    }
}
