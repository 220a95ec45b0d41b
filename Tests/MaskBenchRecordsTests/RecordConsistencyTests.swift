import MaskBenchCore
import MaskBenchRecords
import MaskBenchTestSupport
import Testing

/// `MetricsDocument.disagreements(faces:extras:)`: a run's own records always agree, under every setting; a
/// table cut short or a number edited by hand does not.
@Suite struct RecordConsistencyTests {
    /// A random run: 30 images with 0–4 faces of all three labels, predictions near some faces (some twice,
    /// some with a one-stage label), extra detections elsewhere, scores with ties.
    /// With `ignoreRegions`, every fourth face is a crowd region or a difficult face.
    static func randomRun(
        seed: UInt64, settings: EvaluationSettings, ignoreRegions: Bool = false
    ) -> (MetricsDocument, [FaceRecord], [ExtraRecord]) {
        var rng = SplitMix64(seed: seed)
        let labels: [FaceClass] = [.masked, .unmasked, .incorrect]
        var images: [AnnotatedImage] = []
        var byImage: [String: [Prediction]] = [:]
        for i in 0..<30 {
            let name = "img\(i).jpg"
            var faces: [GroundTruthFace] = []
            var predictions: [Prediction] = []
            for f in 0..<Int.random(in: 0...4, using: &rng) {
                let box = Box(x: Double(f) * 120, y: 10, width: 100, height: 100)
                let region: IgnoreRegion? =
                    ignoreRegions && (i + f) % 4 == 0 ? (i % 2 == 0 ? .crowd : .difficult) : nil
                faces.append(
                    GroundTruthFace(box: box, label: labels.randomElement(using: &rng) ?? .masked, ignoreRegion: region)
                )
                for _ in 0..<Int.random(in: 0...2, using: &rng) {
                    let shift = Double(Int.random(in: 0...40, using: &rng))
                    let label: FaceClass? = Int.random(in: 0..<8, using: &rng) == 0 ? .incorrect : nil
                    predictions.append(
                        Prediction(
                            box: Box(x: box.x + shift, y: 10, width: 100, height: 100),
                            faceScore: Double(Int.random(in: 1...10, using: &rng)) / 10,
                            maskScore: Double(Int.random(in: 0...10, using: &rng)) / 10, label: label))
                }
            }
            if Bool.random(using: &rng) {
                predictions.append(
                    Prediction(
                        box: Box(x: 700, y: 700, width: 50, height: 50), faceScore: 0.5,
                        maskScore: Double(Int.random(in: 0...10, using: &rng)) / 10))
            }
            images.append(AnnotatedImage(name: name, width: 1000, height: 1000, faces: faces))
            byImage[name] = predictions
        }
        let dataset = Dataset(images: images)
        let evaluation = Evaluator(settings: settings).evaluate(dataset, PredictionSet(byImage: byImage))
        let metrics = MetricsDocument(
            evaluation,
            inputs: MetricsDocument.Inputs(
                groundTruth: "gt.csv", groundTruthFormat: "makesense", predictions: "p.csv", predictionsFormat: "csv",
                images: nil),
            version: "test", datasetFingerprint: "sha256:random")
        let faces = evaluation.outcomes.map { FaceRecord($0, image: dataset.images[$0.image].name) }
        let extras = evaluation.extras.map {
            ExtraRecord(
                image: dataset.images[$0.image].name, prediction: $0.prediction, box: nil, faceScore: $0.faceScore,
                maskScore: $0.maskScore, call: $0.call)
        }
        return (metrics, faces, extras)
    }

    static let settings: [EvaluationSettings] = MatchingMode.allCases.flatMap { mode in
        IncorrectPolicy.allCases.flatMap { policy in
            [1.0, nil].map { missed in
                EvaluationSettings(
                    matching: MatchingSettings(mode: mode, iouThreshold: 0.5, minFaceScore: 0.2), threshold: 0.6,
                    incorrectAs: policy, missedFaceScore: missed, bootstrap: Bootstrap(samples: 0))
            }
        }
    }

    @Test(arguments: settings)
    func aRunsOwnRecordsAgreeUnderEverySetting(_ settings: EvaluationSettings) {
        for seed in UInt64(1)...4 {
            let (metrics, faces, extras) = Self.randomRun(seed: seed, settings: settings)
            #expect(metrics.disagreements(faces: faces, extras: extras) == [], "seed \(seed)")
        }
    }

    /// Ignore regions (truth `ignored` in faces.csv, and no face of any count) leave the records agreeing,
    /// ignored or counted as faces, in every matching mode.
    @Test(arguments: MatchingMode.allCases)
    func aRunsOwnRecordsAgreeWithIgnoreRegions(_ mode: MatchingMode) throws {
        for policy in IgnoreRegionPolicy.allCases {
            let settings = EvaluationSettings(
                matching: MatchingSettings(mode: mode, iouThreshold: 0.5, minFaceScore: 0.2, ignoreRegions: policy),
                threshold: 0.6, bootstrap: Bootstrap(samples: 0))
            for seed in UInt64(1)...4 {
                let (metrics, faces, extras) = Self.randomRun(seed: seed, settings: settings, ignoreRegions: true)
                #expect(faces.contains(where: \.ignored) == (policy == .ignore), "\(policy), seed \(seed)")
                #expect(metrics.disagreements(faces: faces, extras: extras) == [], "\(policy), seed \(seed)")
            }
        }
    }

    @Test func aTableCutShortDisagrees() throws {
        let (metrics, faces, extras) = Self.randomRun(
            seed: 7, settings: EvaluationSettings(bootstrap: Bootstrap(samples: 0)))
        let fields = metrics.disagreements(faces: Array(faces.dropLast(faces.count / 2)), extras: extras).map(\.field)
        #expect(fields.first == "dataset.faces.total")
        #expect(fields.contains("detector.recall.total"))
        let extraFields = metrics.disagreements(faces: faces, extras: Array(extras.dropLast())).map(\.field)
        #expect(extraFields.contains("pipeline.extraDetections.total"))
        // The detector's false positives are the extra detections: one edited alone disagrees.
        var edited = metrics
        edited.detector.falsePositives -= 1
        #expect(edited.disagreements(faces: faces, extras: extras).map(\.field) == ["detector.falsePositives"])
    }

    @Test func aRecomputedRateOrAUCEditedByHandDisagrees() throws {
        let (metrics, faces, extras) = Self.randomRun(
            seed: 9, settings: EvaluationSettings(bootstrap: Bootstrap(samples: 0)))
        var edited = metrics
        edited.pipeline.tnr.value = (edited.pipeline.tnr.value ?? 0) + 0.01
        edited.pipeline.roc.auc = 0.99
        let found = edited.disagreements(faces: faces, extras: extras)
        #expect(found.map(\.field) == ["pipeline.tnr.value", "pipeline.roc.auc"])
        #expect(found.first?.recomputed == "\(metrics.pipeline.tnr.value ?? 0)")
        // One face's call changed in the table, the metrics left alone.
        var calls = faces
        let index = try #require(calls.firstIndex { $0.truth == .unmasked && $0.correct })
        calls[index].call = .masked
        #expect(metrics.disagreements(faces: calls, extras: extras).map(\.field).contains("pipeline.tnr.count"))
    }

    /// With bootstrap intervals, a run's own records still agree: its APs recompute from the faces and
    /// extras (ties between a true and a false positive ranked either way), and its intervals are intervals.
    @Test(arguments: [MatchingMode.coco, .voc])
    func aRunsOwnRecordsAgreeWithTheirAPsAndIntervals(_ mode: MatchingMode) {
        for seed in UInt64(1)...3 {
            let settings = EvaluationSettings(
                matching: MatchingSettings(mode: mode, iouThreshold: 0.5), bootstrap: Bootstrap(samples: 40))
            let (metrics, faces, extras) = Self.randomRun(seed: seed, settings: settings)
            #expect(metrics.detector.ap.vocInterval.low != nil)
            #expect(metrics.disagreements(faces: faces, extras: extras) == [], "seed \(seed)")
        }
    }

    /// What the faces and extras determine beyond the counts is recomputed: the APs at the matching
    /// threshold, precision, and the Wilson bounds of every rate; a bootstrap interval must be an interval.
    /// A baseline's `detector.ap` edited by hand passed before.
    @Test func anAPPrecisionOrIntervalEditedByHandDisagrees() throws {
        let (metrics, faces, extras) = Self.randomRun(
            seed: 9, settings: EvaluationSettings(bootstrap: Bootstrap(samples: 40)))
        #expect(metrics.disagreements(faces: faces, extras: extras) == [])
        func away(_ value: Double?) -> Double { (value ?? 0) > 0.5 ? 0.01 : 0.99 }
        let edits: [(String, (inout MetricsDocument) -> Void)] = [
            ("detector.ap.voc", { $0.detector.ap.voc = away($0.detector.ap.voc) }),
            ("detector.ap.elevenPoint", { $0.detector.ap.elevenPoint = away($0.detector.ap.elevenPoint) }),
            ("detector.ap.coco", { $0.detector.ap.coco = away($0.detector.ap.coco) }),
            ("detector.precision.value", { $0.detector.precision.value = away($0.detector.precision.value) }),
            ("detector.precision.count", { $0.detector.precision.count += 1 }),
            ("detector.recall.low", { $0.detector.recall.low = ($0.detector.recall.low ?? 0) / 2 }),
            ("pipeline.tnr.high", { $0.pipeline.tnr.high = ($0.pipeline.tnr.high ?? 0) / 2 }),
            ("detector.ap.vocInterval", { $0.detector.ap.vocInterval.high = 1.25 }),
            (
                "pipeline.roc.aucInterval",
                {
                    $0.pipeline.roc.aucInterval.low = $0.pipeline.roc.aucInterval.high
                    $0.pipeline.roc.aucInterval.high = 0
                }
            ),
            ("detector.ap.cocoInterval", { $0.detector.ap.cocoInterval.low = nil }),
        ]
        for (field, edit) in edits {
            var edited = metrics
            edit(&edited)
            let found = edited.disagreements(faces: faces, extras: extras)
            #expect(found.map(\.field) == [field])
        }
        var edited = metrics
        edited.detector.ap.voc = 0.99
        let found = try #require(edited.disagreements(faces: faces, extras: extras).first)
        #expect(found.recorded == "0.99")
        #expect(found.recomputed.hasPrefix("\(metrics.detector.ap.voc ?? -1)") || found.recomputed.contains(" to "))
    }
}
