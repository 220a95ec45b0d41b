import Foundation
import MaskBenchCore
import MaskBenchTestSupport
import Testing

/// Crowd regions as pycocotools treats them, difficult faces as the VOC devkit and chainercv do, and both in
/// every matching mode and count.
@Suite struct IgnoreRegionTests {
    static func face(
        _ x: Double, _ y: Double, _ w: Double, _ h: Double, _ label: FaceClass = .masked,
        _ region: IgnoreRegion? = nil
    ) -> GroundTruthFace {
        GroundTruthFace(box: Box(x: x, y: y, width: w, height: h), label: label, ignoreRegion: region)
    }

    static func prediction(
        _ x: Double, _ y: Double, _ w: Double, _ h: Double, score: Double,
        masked: Bool = true
    ) -> Prediction {
        Prediction(box: Box(x: x, y: y, width: w, height: h), faceScore: score, maskScore: masked ? 0.9 : 0.1)
    }

    static func evaluate(
        _ faces: [GroundTruthFace], _ predictions: [Prediction], mode: MatchingMode = .coco,
        iouThreshold: Double = 0.5, inclusive: Bool = false, pixels: PixelConvention = .continuous,
        ignoreRegions: IgnoreRegionPolicy = .ignore
    ) -> Evaluation {
        let settings = EvaluationSettings(
            matching: MatchingSettings(
                mode: mode, iouThreshold: iouThreshold, iouInclusive: inclusive, pixels: pixels,
                ignoreRegions: ignoreRegions),
            bootstrap: Bootstrap(samples: 0))
        return Evaluator(settings: settings).evaluate(
            Dataset(images: [AnnotatedImage(name: "a.png", faces: faces)]),
            PredictionSet(byImage: ["a.png": predictions]))
    }

    /// Settings written before `ignoreRegions` existed (a baseline's) read as the default, so the gate does not
    /// take them for other settings: their data had no ignore region, where the two policies agree.
    @Test func settingsWithoutIgnoreRegionsDecodeAsTheDefault() throws {
        let json = #"{"mode":"coco","iouThreshold":0.5,"iouInclusive":false,"pixels":"continuous","minFaceScore":0}"#
        #expect(try JSONDecoder().decode(MatchingSettings.self, from: Data(json.utf8)) == MatchingSettings())
    }

    // MARK: - Crowd regions (pycocotools)

    @Test func aCrowdRegionsIoUIsTheShareOfTheDetectionInsideIt() {
        let crowd = Box(x: 0, y: 0, width: 100, height: 100)
        #expect(Box(x: 10, y: 10, width: 20, height: 20).fraction(inside: crowd) == 1)
        #expect(Box(x: 90, y: 0, width: 20, height: 10).fraction(inside: crowd) == 0.5)
        #expect(Box(x: 200, y: 0, width: 20, height: 10).fraction(inside: crowd) == 0)
        // Inclusive pixels: 11 of 21 columns, 11 rows of 11.
        #expect(Box(x: 90, y: 0, width: 20, height: 10).fraction(inside: crowd, pixels: .inclusive) == 11.0 / 21)
    }

    @Test func detectionsOnACrowdRegionAreNeitherTrueNorFalsePositives() {
        let faces = [
            Self.face(10, 10, 20, 20), Self.face(100, 0, 200, 200, .masked, .crowd), Self.face(40, 10, 20, 20),
        ]
        // One on each face, three small ones inside the crowd (IoU 1 with it), one on nothing.
        let predictions = [
            Self.prediction(10, 10, 20, 20, score: 0.9), Self.prediction(120, 20, 10, 10, score: 0.95),
            Self.prediction(150, 50, 10, 10, score: 0.5), Self.prediction(200, 100, 30, 30, score: 0.3),
            Self.prediction(400, 400, 10, 10, score: 0.8), Self.prediction(40, 10, 20, 20, score: 0.85),
        ]
        let e = Self.evaluate(faces, predictions)
        #expect(e.detector.truePositives == 2 && e.detector.falseNegatives == 0)
        #expect(e.detector.falsePositives == 1 && e.pipeline.extraDetections == 1)
        #expect(e.detector.ignoredDetections == 3)
        #expect(e.detector.precision.count == 2 && e.detector.precision.total == 3)
        #expect(e.detector.recall.value == 1)
        // Ranked 0.95 (ignored), 0.9 and 0.85 hits, 0.8 false, 0.5 and 0.3 ignored: precision 1 at recall 1.
        #expect(e.detector.ap.voc == 1 && e.detector.ap.coco == 1 && e.detector.ap.coco50to95 == 1)
        #expect(e.ignoredRegions == 1)
        #expect(e.annotatedFaces == [.masked: 2])
        // The region is listed, flagged, with the best prediction matched to it.
        #expect(e.outcomes.count == 3)
        #expect(e.outcomes[1].ignoreRegion == .crowd && e.outcomes[1].prediction == 1)
        #expect(e.pipeline.outcomes[.masked] == ClassOutcome(groundTruth: 2, correct: 2, wrong: 0, missed: 0))
    }

    /// A detection whose face is already taken falls to the crowd region around it, and is ignored rather than
    /// a duplicate; the first detection takes the face although the crowd contains it whole (IoU 1).
    @Test func aDetectionMatchesACrowdRegionOnlyWhenNoOrdinaryFaceIsLeftForIt() {
        let faces = [Self.face(0, 0, 300, 300, .masked, .crowd), Self.face(10, 10, 20, 20)]
        let predictions = [Self.prediction(10, 10, 20, 20, score: 0.9), Self.prediction(11, 10, 20, 20, score: 0.8)]
        let match = Matcher(settings: MatchingSettings()).match(predictions, to: faces)
        #expect(match.predictionMatches == [1, 0])
        #expect(match.faceMatches == [1, 0])
        let e = Self.evaluate(faces, predictions)
        #expect(e.detector.truePositives == 1 && e.detector.falsePositives == 0 && e.detector.ignoredDetections == 1)
        // Without the crowd region the second detection is a duplicate: a false positive.
        let alone = Self.evaluate([faces[1]], predictions)
        #expect(alone.detector.falsePositives == 1 && alone.detector.ignoredDetections == 0)
    }

    @Test func crowdRegionsCountAsFacesWithCount() {
        let faces = [Self.face(10, 10, 20, 20), Self.face(100, 0, 200, 200, .unmasked, .crowd)]
        let predictions = [Self.prediction(10, 10, 20, 20, score: 0.9), Self.prediction(120, 20, 10, 10, score: 0.95)]
        let e = Self.evaluate(faces, predictions, ignoreRegions: .count)
        // The crowd is an ordinary unmasked face, missed: the small box's ordinary IoU with it is low.
        #expect(e.detector.truePositives == 1 && e.detector.falseNegatives == 1 && e.detector.falsePositives == 1)
        #expect(e.pipeline.tnr.total == 1 && e.ignoredRegions == 0 && e.outcomes[1].ignoreRegion == nil)
        #expect(e.annotatedFaces == [.masked: 1, .unmasked: 1])
    }

    /// faster_coco_eval's `test_ignore_coco_eval` (COCO image 2299: 13 people and a crowd region over them,
    /// 36 detections scoring at least 0.1): pycocotools 2.0.11 gives AP .50:.95 0.7099009900990099, AP50 1.0,
    /// AP75 0.8415841584158416 (the test's own values). Without the crowd rules MaskBench gave AP50 0.7545.
    @Test func fasterCOCOEvalsIgnoreTestGivesPycocotoolsValues() {
        let faces: [(Double, Double, Double, Double, Bool)] = [
            (70.18, 189.51, 64.2, 112.04, false), (139.9, 190.55, 72.04, 107.81, false),
            (204.27, 187.31, 65.83, 101.12, false), (257.68, 192.06, 72.41, 95.16, false),
            (327.79, 190.02, 63.11, 95.01, false), (387.02, 193.51, 62.58, 98.63, false),
            (394.3, 127.59, 40.72, 92.29, false), (331.91, 131.75, 66.35, 117.15, false),
            (322.94, 129.11, 38.51, 72.29, false), (60.0, 32.96, 53.21, 106.88, false),
            (99.93, 80.0, 46.67, 74.28, false), (431.19, 134.39, 42.6, 141.41, false),
            (284.3, 118.18, 41.34, 109.28, false), (0, 18, 499, 263, true),
        ]
        let detections: [(Double, Double, Double, Double, Double)] = [
            (0.023, 131.217, 46.438, 145.565, 0.73537), (69.943, 193.115, 64.941, 107.132, 0.70184),
            (384.914, 193.709, 69.607, 97.819, 0.67916), (327.302, 189.619, 60.443, 97.483, 0.66178),
            (139.475, 192.003, 72.769, 103.302, 0.65485), (391.178, 127.631, 42.296, 92.2, 0.63106),
            (38.117, 128.745, 41.144, 147.276, 0.62575), (429.468, 132.132, 47.589, 146.875, 0.61723),
            (110.203, 126.231, 38.686, 133.226, 0.57315), (264.701, 193.581, 65.041, 95.608, 0.57249),
            (355.63, 130.565, 42.723, 97.821, 0.56443), (248.012, 123.709, 46.19, 108.957, 0.50313),
            (321.319, 129.063, 39.732, 108.869, 0.45959), (216.014, 122.973, 39.979, 98.859, 0.45283),
            (202.388, 190.317, 65.361, 101.373, 0.45203), (97.949, 86.133, 48.116, 73.603, 0.3739),
            (178.873, 121.629, 43.202, 116.363, 0.35788), (288.638, 121.121, 37.154, 112.827, 0.34437),
            (60.512, 33.788, 52.803, 94.854, 0.33802), (0.147, 90.889, 48.041, 77.764, 0.33673),
            (446.76, 87.429, 48.095, 203.282, 0.33519), (44.883, 80.76, 48.201, 79.793, 0.32205),
            (145.264, 133.644, 37.335, 101.748, 0.30812), (112.352, 29.787, 50.295, 92.886, 0.3036),
            (391.916, 36.331, 49.174, 83.455, 0.28702), (407.634, 83.988, 44.853, 76.104, 0.27551),
            (75.197, 135.555, 37.547, 101.157, 0.26372), (144.933, 86.119, 42.959, 71.099, 0.22839),
            (362.281, 90.381, 46.311, 69.53, 0.22765), (320.495, 89.08, 44.146, 70.92, 0.21637),
            (163.672, 26.658, 44.792, 89.299, 0.21491), (445.443, 86.566, 48.408, 141.157, 0.20146),
            (349.221, 26.183, 44.031, 94.373, 0.19005), (223.965, 69.865, 54.486, 86.119, 0.15501),
            (185.664, 87.481, 42.012, 66.442, 0.11465), (208.43, 21.466, 50.104, 89.881, 0.11058),
        ]
        let e = Self.evaluate(
            faces.map { Self.face($0.0, $0.1, $0.2, $0.3, .masked, $0.4 ? .crowd : nil) },
            detections.map { Self.prediction($0.0, $0.1, $0.2, $0.3, score: $0.4) }, inclusive: true)
        #expect(e.detector.ap.coco == 1)
        #expect(e.detector.ap.coco75.isClose(to: 0.8415841584158416, absolute: 1e-15))
        #expect(e.detector.ap.coco50to95.isClose(to: 0.7099009900990099, absolute: 1e-15))
        #expect(e.detector.apPerClass[.masked]?.coco50to95 == e.detector.ap.coco50to95)
        #expect(e.detector.truePositives == 13 && e.detector.falsePositives == 0)
        #expect(e.detector.ignoredDetections == 23)
    }

    // MARK: - Difficult faces (VOC devkit, chainercv)

    /// chainercv's `eval_detection_voc` test with difficult faces (boxes `y_min, x_min, y_max, x_max`, IoU >=
    /// the threshold, one pixel added to the maximum corner): precision [0, 0, 1/3] and recall [0, 0, 1] in
    /// score order. Counting the difficult face, recall would end at 0.5.
    @Test func aDifficultFaceIsLeftOutOfRecallAsInChainerCV() {
        func box(_ y0: Double, _ x0: Double, _ y1: Double, _ x1: Double) -> Box {
            Box(minX: x0, minY: y0, maxX: x1, maxY: y1)
        }
        let faces = [
            GroundTruthFace(box: box(0, 0, 1, 0.9), label: .masked),
            GroundTruthFace(box: box(1, 1, 2, 2), label: .masked, ignoreRegion: .difficult),
        ]
        let predictions = [(box(0, 0, 1, 1), 0.8), (box(0, 0, 2, 2), 0.9), (box(0.3, 0.3, 0.5, 0.5), 1.0)].map {
            Prediction(box: $0.0, faceScore: $0.1, maskScore: 1)
        }
        let e = Self.evaluate(
            faces, predictions.map { $0 }, mode: .voc, inclusive: true, pixels: .inclusive)
        #expect(e.detector.recall.value == 1 && e.detector.recall.total == 1)
        #expect(e.detector.truePositives == 1 && e.detector.falsePositives == 2)
        #expect(e.detector.ap.voc.isClose(to: 1.0 / 3, absolute: 1e-15))
        let counted = Self.evaluate(
            faces, predictions, mode: .voc, inclusive: true, pixels: .inclusive,
            ignoreRegions: .count)
        #expect(counted.detector.recall.value == 0.5)
    }

    /// chainercv's second difficult case, two images and two classes (label 0 masked, 2 unmasked): both
    /// unmasked detections match the difficult unmasked face and are ignored (chainercv's precision
    /// [nan, nan], no recall); the masked class keeps precision [0, 0.5, 1/3] and recall [0, 0.5, 0.5], AP
    /// 0.25 (11-point 0.5 / 11 · 6).
    @Test func anyNumberOfDetectionsOnADifficultFaceAreIgnoredUnderVOC() {
        func box(_ y0: Double, _ x0: Double, _ y1: Double, _ x1: Double) -> Box {
            Box(minX: x0, minY: y0, maxX: x1, maxY: y1)
        }
        let dataset = Dataset(images: [
            AnnotatedImage(
                name: "1",
                faces: [
                    GroundTruthFace(box: box(0, 0, 1, 1), label: .masked),
                    GroundTruthFace(box: box(1, 0, 4, 4), label: .masked),
                ]),
            AnnotatedImage(
                name: "2", faces: [GroundTruthFace(box: box(2, 2, 3, 3), label: .unmasked, ignoreRegion: .difficult)]),
        ])
        let predictions = PredictionSet(byImage: [
            "1": [
                Prediction(box: box(0, 4, 1, 5), faceScore: 1, maskScore: 1),
                Prediction(box: box(0, 0, 1, 1), faceScore: 0.9, maskScore: 1),
            ],
            "2": [
                Prediction(box: box(0, 0, 2, 2), faceScore: 0.7, maskScore: 1),
                Prediction(box: box(2, 2, 3, 3), faceScore: 0.6, maskScore: 0),
                Prediction(box: box(2, 2, 3, 3), faceScore: 0.8, maskScore: 0),
            ],
        ])
        let settings = EvaluationSettings(
            matching: MatchingSettings(mode: .voc, iouThreshold: 0.4, iouInclusive: true, pixels: .inclusive),
            bootstrap: Bootstrap(samples: 0))
        let e = Evaluator(settings: settings).evaluate(dataset, predictions)
        let masked = e.detector.apPerClass[.masked]
        #expect(masked?.voc.isClose(to: 0.25, absolute: 1e-15) == true)
        #expect(masked?.elevenPoint.isClose(to: 0.5 / 11 * 6, absolute: 1e-15) == true)
        #expect(e.detector.apPerClass[.unmasked]?.voc == nil)
        #expect(e.detector.ignoredDetections == 2)
        #expect(e.detector.truePositives == 1 && e.detector.falsePositives == 2 && e.detector.falseNegatives == 1)
        // Not in the outcome table, nor in the TNR denominator.
        #expect(e.pipeline.outcomes[.unmasked] == ClassOutcome())
        #expect(e.pipeline.tnr.total == 0)
        #expect(e.outcomes.filter { $0.ignoreRegion == .difficult }.map(\.prediction) == [2])
    }

    /// Under `coco` a difficult face is one of pycocotools' ignored ground truths: after the ordinary faces,
    /// and matched once.
    @Test func underCOCOADifficultFaceIsMatchedOnceAfterTheFaces() {
        let faces = [Self.face(0, 0, 20, 20, .masked, .difficult), Self.face(2, 0, 20, 20)]
        let predictions = [
            Self.prediction(0, 0, 20, 20, score: 0.9), Self.prediction(1, 0, 20, 20, score: 0.8),
            Self.prediction(0, 0, 20, 20, score: 0.7),
        ]
        let match = Matcher(settings: MatchingSettings()).match(predictions, to: faces)
        // The first takes the ordinary face although the difficult one fits it better; the second takes the
        // difficult face; the third finds both taken.
        #expect(match.predictionMatches == [1, 0, nil])
        let e = Self.evaluate(faces, predictions)
        #expect(e.detector.truePositives == 1 && e.detector.ignoredDetections == 1 && e.detector.falsePositives == 1)
    }

    // MARK: - Every mode

    @Test(arguments: MatchingMode.allCases)
    func aDetectionOnlyOnAnIgnoreRegionIsNotAnExtraDetection(_ mode: MatchingMode) {
        for region in IgnoreRegion.allCases {
            let faces = [Self.face(0, 0, 20, 20, .unmasked), Self.face(100, 100, 30, 30, .unmasked, region)]
            let predictions = [
                Self.prediction(0, 0, 20, 20, score: 0.9, masked: false),
                Self.prediction(100, 100, 30, 30, score: 0.8, masked: false),
                Self.prediction(300, 300, 30, 30, score: 0.7, masked: false),
            ]
            let e = Self.evaluate(faces, predictions, mode: mode)
            #expect(e.pipeline.extraDetections == 1, "\(mode) \(region)")
            #expect(e.pipeline.falseAlarms == 1)
            #expect(e.detector.ignoredDetections == 1)
            #expect(e.pipeline.tnr.count == 1 && e.pipeline.tnr.total == 1)
            #expect(e.pipeline.sweep.tnr.allSatisfy { $0 == nil || $0! <= 1 })
            #expect(e.pipeline.roc == nil)  // one class only: the ignored face is not on the curve
            #expect(e.outcomes[1].ignoreRegion == region && e.outcomes[1].prediction == 1)
            let counted = Self.evaluate(faces, predictions, mode: mode, ignoreRegions: .count)
            #expect(counted.pipeline.extraDetections == 1 && counted.detector.truePositives == 2)
            #expect(counted.pipeline.tnr.total == 2)
        }
    }
}
