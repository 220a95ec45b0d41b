import MaskBenchCore
import MaskBenchTestSupport
import Testing

/// Builds datasets face by face: each face in an image of its own, with what the pipeline did to it.
struct OutcomeBuilder {
    enum Fate {
        case called(maskScore: Double)
        case missed
    }

    var images: [AnnotatedImage] = []
    var predictions = PredictionSet()
    let box = Box(x: 10, y: 10, width: 40, height: 50)

    mutating func add(_ label: FaceClass, _ fate: Fate, count: Int = 1) {
        for _ in 0..<count {
            let name = "face\(images.count).jpg"
            images.append(
                AnnotatedImage(name: name, width: 100, height: 100, faces: [GroundTruthFace(box: box, label: label)]))
            if case .called(let score) = fate {
                predictions.byImage[name] = [Prediction(box: box, faceScore: 0.99, maskScore: score)]
            }
        }
    }

    /// An image with no face and one detection.
    mutating func addExtra(maskScore: Double, count: Int = 1) {
        for _ in 0..<count {
            let name = "empty\(images.count).jpg"
            images.append(AnnotatedImage(name: name, width: 100, height: 100, faces: []))
            predictions.byImage[name] = [Prediction(box: box, faceScore: 0.6, maskScore: maskScore)]
        }
    }

    var dataset: Dataset { Dataset(images: images) }
}

@Suite struct EvaluatorTests {
    static let quick = EvaluationSettings(bootstrap: Bootstrap(samples: 0))

    /// Seed 001's published table: 95/14/10 masked, 115/7/8 unmasked, 15 extra detections.
    static func seed001() -> OutcomeBuilder {
        var b = OutcomeBuilder()
        b.add(.masked, .called(maskScore: 0.9), count: 95)
        b.add(.masked, .called(maskScore: 0.2), count: 14)
        b.add(.masked, .missed, count: 10)
        b.add(.unmasked, .called(maskScore: 0.1), count: 115)
        b.add(.unmasked, .called(maskScore: 0.7), count: 7)
        b.add(.unmasked, .missed, count: 8)
        b.addExtra(maskScore: 0.3, count: 4)
        b.addExtra(maskScore: 0.8, count: 11)
        return b
    }

    @Test func seed001TableGivesTNR885AndFNR118() {
        let b = Self.seed001()
        let e = Evaluator(settings: Self.quick).evaluate(b.dataset, b.predictions)
        #expect(e.pipeline.outcomes[.masked] == ClassOutcome(groundTruth: 119, correct: 95, wrong: 14, missed: 10))
        #expect(e.pipeline.outcomes[.unmasked] == ClassOutcome(groundTruth: 130, correct: 115, wrong: 7, missed: 8))
        #expect(e.pipeline.tnr.count == 115 && e.pipeline.tnr.total == 130)
        #expect(e.pipeline.fnr.count == 14 && e.pipeline.fnr.total == 119)
        #expect((e.pipeline.tnr.value! * 1000).rounded() == 885)
        #expect((e.pipeline.fnr.value! * 1000).rounded() == 118)
        #expect(e.pipeline.extraDetections == 15)
        #expect(e.pipeline.falseAlarms == 4)
        #expect(e.detector.truePositives == 231)
        #expect(e.detector.falseNegatives == 18)
        #expect(e.detector.falsePositives == 15)
        #expect(e.detector.missed == [.masked: 10, .unmasked: 8])
        #expect(e.matchedClassifier.confusion[.masked, .unmasked] == 14)
        #expect(e.matchedClassifier.confusion[.unmasked, .masked] == 7)
        #expect(e.matchedClassifier.accuracy.count == 210 && e.matchedClassifier.accuracy.total == 231)
    }

    @Test func missedFacesScoreOneOnThePipelineROCByDefaultOrAreLeftOut() {
        let b = Self.seed001()
        let e = Evaluator(settings: Self.quick).evaluate(b.dataset, b.predictions)
        #expect(e.pipeline.roc?.positives == 119 && e.pipeline.roc?.negatives == 130)
        var settings = Self.quick
        settings.missedFaceScore = nil
        let excluded = Evaluator(settings: settings).evaluate(b.dataset, b.predictions)
        #expect(excluded.pipeline.roc?.positives == 109 && excluded.pipeline.roc?.negatives == 122)
        #expect(excluded.pipeline.auc.value == excluded.matchedClassifier.auc.value)
    }

    @Test func sweepCountsEachDistinctScore() {
        let b = Self.seed001()
        let e = Evaluator(settings: Self.quick).evaluate(b.dataset, b.predictions)
        let sweep = e.pipeline.sweep
        #expect(sweep.thresholds == [0.1, 0.2, 0.3, 0.7, 0.8, 0.9])
        // At 0.5 nothing changes between 0.3 and 0.7: the row for 0.7 calls everything below 0.7 unmasked.
        let row = sweep.thresholds.firstIndex(of: 0.7)!
        #expect(sweep.tnr[row].isClose(to: 115.0 / 130))
        #expect(sweep.fnr[row].isClose(to: 14.0 / 119))
        #expect(sweep.falseAlarms[row] == 4)
        // The lowest threshold calls everything masked.
        #expect(sweep.tnr[0] == 0 && sweep.fnr[0] == 0 && sweep.falseAlarms[0] == 0)
    }

    @Test func incorrectIsUnmaskedByDefaultOrItsOwnClass() {
        var b = OutcomeBuilder()
        b.add(.incorrect, .called(maskScore: 0.2), count: 3)
        b.add(.incorrect, .called(maskScore: 0.8), count: 1)
        b.add(.masked, .called(maskScore: 0.9), count: 2)
        let asUnmasked = Evaluator(settings: Self.quick).evaluate(b.dataset, b.predictions)
        #expect(asUnmasked.pipeline.tnr.count == 3 && asUnmasked.pipeline.tnr.total == 4)
        #expect(asUnmasked.matchedClassifier.confusion.classes == [.masked, .unmasked])

        var settings = Self.quick
        settings.incorrectAs = .class
        let asClass = Evaluator(settings: settings).evaluate(b.dataset, b.predictions)
        #expect(asClass.matchedClassifier.confusion.classes == [.masked, .unmasked, .incorrect])
        #expect(asClass.matchedClassifier.confusion[.incorrect, .unmasked] == 3)
        #expect(asClass.matchedClassifier.confusion[.incorrect, .masked] == 1)
        #expect(asClass.pipeline.outcomes[.incorrect] == ClassOutcome(groundTruth: 4, correct: 0, wrong: 4, missed: 0))
        #expect(asClass.pipeline.tnr.total == 0 && asClass.pipeline.tnr.value == nil)

        settings.incorrectAs = .masked
        let asMasked = Evaluator(settings: settings).evaluate(b.dataset, b.predictions)
        #expect(asMasked.pipeline.fnr.count == 3 && asMasked.pipeline.fnr.total == 6)
    }

    @Test func noPredictionsMissEveryFaceWithoutCrashing() {
        var b = Self.seed001()
        b.predictions = PredictionSet()
        let e = Evaluator(settings: EvaluationSettings()).evaluate(b.dataset, b.predictions)
        #expect(e.detector.truePositives == 0 && e.detector.falseNegatives == 249)
        #expect(e.detector.precision.value == nil)
        #expect(e.detector.ap.voc == 0 && e.detector.ap.coco == 0)
        #expect(e.pipeline.tnr.count == 0 && e.pipeline.tnr.total == 130)
        #expect(e.matchedClassifier.roc == nil && e.matchedClassifier.auc.value == nil)
    }

    @Test func anEmptyDatasetIsNotACrash() {
        let e = Evaluator(settings: EvaluationSettings()).evaluate(Dataset(images: []), PredictionSet())
        #expect(e.images == 0 && e.detector.ap.voc == nil && e.pipeline.tnr.value == nil)
    }

    @Test func minFaceScoreDropsPredictionsBeforeMatching() {
        let b = Self.seed001()
        var settings = Self.quick
        settings.matching.minFaceScore = 0.7
        let e = Evaluator(settings: settings).evaluate(b.dataset, b.predictions)
        #expect(e.pipeline.extraDetections == 0)
        #expect(e.predictions == 231)
    }

    @Test func bootstrapIntervalsAreSeededAndBracketTheEstimate() {
        let b = Self.seed001()
        let settings = EvaluationSettings(bootstrap: Bootstrap(samples: 200, seed: 7))
        let first = Evaluator(settings: settings).evaluate(b.dataset, b.predictions)
        let second = Evaluator(settings: settings).evaluate(b.dataset, b.predictions)
        #expect(first.pipeline.auc == second.pipeline.auc)
        #expect(first.detector.apCOCOInterval == second.detector.apCOCOInterval)
        let auc = first.pipeline.auc
        #expect(auc.low! <= auc.value! && auc.value! <= auc.high!)
        #expect(auc.low! < auc.high!)
    }

    @Test func frocReachesZeroMissesWhenEveryFaceIsFound() {
        var b = OutcomeBuilder()
        b.add(.masked, .called(maskScore: 0.9), count: 10)
        let e = Evaluator(settings: Self.quick).evaluate(b.dataset, b.predictions)
        #expect(e.detector.froc.allSatisfy { $0.missRate == 0 })
        #expect(e.detector.ap.coco.isClose(to: 1, absolute: 1e-12))
    }
}

@Suite struct DetectionCapTests {
    /// pycocotools keeps the 100 most confident detections per image and class (`maxDets`); the COCO AP
    /// does the same, the VOC APs do not.
    @Test func cocoAPKeepsOnlyTheMostConfidentDetectionsPerImage() {
        let faces = (0..<4).map {
            GroundTruthFace(box: Box(x: Double($0) * 100, y: 0, width: 50, height: 50), label: .masked)
        }
        // Four exact hits, the least confident two beyond the cap.
        let predictions = (0..<4).map { i in
            Prediction(box: faces[i].box, faceScore: 0.9 - Double(i) * 0.1, maskScore: 0.9)
        }
        let dataset = Dataset(images: [AnnotatedImage(name: "a", faces: faces)])
        var settings = EvaluationSettings(bootstrap: Bootstrap(samples: 0))
        settings.maxDetectionsPerImage = 2
        let e = Evaluator(settings: settings).evaluate(dataset, PredictionSet(byImage: ["a": predictions]))
        #expect(e.detector.ap.voc == 1)
        // Recall reaches 0.5 with precision 1: levels 0…0.5 (51 of 101) count 1.
        #expect(e.detector.ap.coco.isClose(to: 51.0 / 101, absolute: 1e-12))
        #expect(e.detector.apPerClass[.masked]?.coco.isClose(to: 51.0 / 101, absolute: 1e-12) == true)
        #expect(e.detector.truePositives == 4)
    }
}

/// AP of perfect detections is exactly 1, and every AP interval holds its point: the replicates go through the
/// point estimate's AP function, on the same detections (the capped ones for COCO).
@Suite struct APIntervalTests {
    /// `faces` faces in images of one to three, each found exactly.
    static func perfect(faces: Int) -> (Dataset, PredictionSet) {
        var images: [AnnotatedImage] = []
        var predictions = PredictionSet()
        var made = 0
        while made < faces {
            let count = min(1 + images.count % 3, faces - made)
            let boxes = (0..<count).map { Box(x: Double($0) * 60, y: 0, width: 40, height: 40) }
            let name = "i\(images.count)"
            images.append(AnnotatedImage(name: name, faces: boxes.map { GroundTruthFace(box: $0, label: .masked) }))
            predictions.byImage[name] = boxes.enumerated().map {
                Prediction(box: $1, faceScore: 1 - Double(made + $0) / Double(faces + 1), maskScore: 0.9)
            }
            made += count
        }
        return (Dataset(images: images), predictions)
    }

    @Test func perfectDetectionsGiveAPOneAndIntervalsOfOne() {
        for n in [2, 3, 7, 10, 33, 49, 50, 99, 100, 101, 157, 300] {
            let (dataset, predictions) = Self.perfect(faces: n)
            let e = Evaluator(settings: EvaluationSettings(bootstrap: Bootstrap(samples: 40, seed: UInt64(n))))
                .evaluate(dataset, predictions)
            let d = e.detector
            #expect(d.ap.voc == 1 && d.ap.elevenPoint == 1 && d.ap.coco == 1, "N = \(n)")
            #expect(d.ap.coco50to95 == 1 && d.ap.coco75 == 1, "N = \(n)")
            #expect(d.apMeanOverClasses.voc == 1 && d.apMeanOverClasses.coco == 1, "N = \(n)")
            #expect(d.apMeanOverClasses.coco50to95 == 1 && d.apMeanOverClasses.coco75 == 1, "N = \(n)")
            for interval in [d.apVOCInterval, d.apElevenPointInterval, d.apCOCOInterval] {
                #expect(interval.low == 1 && interval.high == 1, "N = \(n)")
            }
        }
    }

    /// 150 faces per image, all found, but pycocotools keeps 100 detections per image: the COCO AP is that of
    /// recall 2/3 in every replicate as in the point, the VOC AP 1.
    @Test func theCappedCOCOIntervalHoldsItsPoint() {
        let boxes = (0..<150).map { Box(x: Double($0 % 15) * 60, y: Double($0 / 15) * 60, width: 40, height: 40) }
        let names = (0..<5).map { "i\($0)" }
        let dataset = Dataset(
            images: names.map {
                AnnotatedImage(name: $0, faces: boxes.map { GroundTruthFace(box: $0, label: .masked) })
            })
        var predictions = PredictionSet()
        for name in names {
            predictions.byImage[name] = boxes.enumerated().map {
                Prediction(box: $1, faceScore: 1 - Double($0) / 200, maskScore: 0.9)
            }
        }
        let e = Evaluator(settings: EvaluationSettings(bootstrap: Bootstrap(samples: 40, seed: 3)))
            .evaluate(dataset, predictions)
        let d = e.detector
        #expect(d.ap.voc == 1 && d.apVOCInterval.low == 1 && d.apVOCInterval.high == 1)
        // Recall reaches 100/150: levels 0 … 0.66 (67 of 101) at precision 1.
        #expect(d.ap.coco == 67.0 / 101)
        #expect(d.apCOCOInterval.low == d.ap.coco && d.apCOCOInterval.high == d.ap.coco)
    }
}
