import Foundation
import MaskBenchCore
import MaskBenchFiles
import MaskBenchRecords
import MaskBenchTestSupport
import Testing

@testable import MaskBenchReport

/// The gallery's groups and captions: faces annotated as a mask worn incorrectly say so and what they count
/// as, missed masked faces have their own group, and an extra detection names the face it lies on.
@Suite struct GalleryTests {
    /// One image: an incorrect-mask face found and called masked, a masked face missed, an unmasked face found
    /// and called unmasked, and three extra detections called unmasked: one on the unmasked face at a low IoU,
    /// one duplicating it, one on nothing.
    static func run(incorrectAs: IncorrectPolicy) throws -> ReportData {
        let faces = [
            GroundTruthFace(box: Box(x: 0, y: 0, width: 40, height: 50), label: .incorrect),
            GroundTruthFace(box: Box(x: 100, y: 0, width: 40, height: 50), label: .masked),
            GroundTruthFace(box: Box(x: 200, y: 0, width: 40, height: 50), label: .unmasked),
        ]
        let predictions = [
            Prediction(box: Box(x: 0, y: 0, width: 40, height: 50), faceScore: 0.9, maskScore: 0.8),
            Prediction(box: Box(x: 200, y: 0, width: 40, height: 50), faceScore: 0.9, maskScore: 0.1),
            // IoU with the unmasked face: 20 × 50 / (40 × 50 + 40 × 50 − 20 × 50) = 1/3.
            Prediction(box: Box(x: 220, y: 0, width: 40, height: 50), faceScore: 0.8, maskScore: 0.2),
            Prediction(box: Box(x: 201, y: 0, width: 40, height: 50), faceScore: 0.7, maskScore: 0.3),
            Prediction(box: Box(x: 400, y: 300, width: 30, height: 30), faceScore: 0.6, maskScore: 0.4),
        ]
        let dataset = Dataset(images: [AnnotatedImage(name: "a.jpg", width: 640, height: 480, faces: faces)])
        let set = PredictionSet(byImage: ["a.jpg": predictions])
        let settings = EvaluationSettings(incorrectAs: incorrectAs, bootstrap: Bootstrap(samples: 0))
        let evaluation = Evaluator(settings: settings).evaluate(dataset, set)
        let document = MetricsDocument(
            evaluation,
            inputs: MetricsDocument.Inputs(
                groundTruth: "gt.csv", groundTruthFormat: "makesense", predictions: "p.csv", predictionsFormat: "csv",
                images: nil),
            version: "test", datasetFingerprint: "sha256:0")
        // Written to files and read back, as `maskbench report` reads them.
        let folder = try Command.temporaryDirectory().path
        try AtomicFile.write(try document.jsonData(), to: folder + "/metrics.json")
        try FaceOutcomesCSV.write(evaluation, dataset: dataset, to: folder + "/faces.csv")
        try BoxTables.write(evaluation, dataset: dataset, predictions: set, folder: folder)
        let loaded = try ReportData.load(metricsPath: folder + "/metrics.json")
        let inMemory = ReportData(document: document, evaluation: evaluation, dataset: dataset, predictions: set)
        #expect(loaded.faces == inMemory.faces)
        return loaded
    }

    static func captions(_ gallery: Gallery, _ kind: Gallery.Kind) -> [String] {
        (gallery.items[kind] ?? []).map(\.caption)
    }

    static let incorrectCaptions: [(IncorrectPolicy, [String])] = [
        (.unmasked, ["incorrect (counted unmasked) called masked · maskScore 0.800"]),
        (.class, ["incorrect called masked · maskScore 0.800"]),
        // Counted masked and called masked: not a mistake.
        (.masked, []),
    ]

    @Test(arguments: incorrectCaptions)
    func aFaceAnnotatedIncorrectSaysSoAndWhatItCountsAs(policy: IncorrectPolicy, wrongCalls: [String]) throws {
        let gallery = Gallery(try Self.run(incorrectAs: policy), cap: 60)
        #expect(Self.captions(gallery, .wrongCall) == wrongCalls)
    }

    @Test func theBaselineGalleryNamesIncorrectMasksToo() throws {
        var data = try Self.run(incorrectAs: .unmasked)
        data.baseline = ReportData.BaselineOutcomes(name: "main", correct: ["a.jpg": [0: true]])
        let gallery = Gallery(data, cap: 60)
        #expect(
            Self.captions(gallery, .newMistake) == [
                "incorrect (counted unmasked), right in main, now called masked · maskScore 0.800"
            ])
    }

    @Test func missedMaskedFacesHaveTheirOwnGroup() throws {
        let gallery = Gallery(try Self.run(incorrectAs: .unmasked), cap: 60)
        #expect(Self.captions(gallery, .missedMasked) == ["masked, missed · 50 px high"])
        #expect(Self.captions(gallery, .missed).isEmpty)
        #expect(gallery.totals[.missedMasked] == 1)
    }

    @Test func anExtraDetectionNamesTheFaceItLiesOnAndTheIoU() throws {
        let gallery = Gallery(try Self.run(incorrectAs: .unmasked), cap: 60)
        #expect(
            Self.captions(gallery, .falseAlarm) == [
                "on the unmasked face 2 at IoU 0.33, below 0.5, called unmasked · faceScore 0.800, maskScore 0.200",
                "duplicate on the unmasked face 2 (IoU 0.95, taken by another detection), called unmasked · "
                    + "faceScore 0.700, maskScore 0.300",
                "no face, called unmasked · faceScore 0.600, maskScore 0.400",
            ])
    }
}
