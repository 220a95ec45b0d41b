import MaskBenchCore
import MaskBenchTestSupport
import Testing

/// Changes to the input that must leave the metrics as they should be: reordering, moving or scaling every box
/// together, duplicating the dataset. Each runs on seeded random datasets.
@Suite struct MetamorphicTests {
    static let quick = EvaluationSettings(bootstrap: Bootstrap(samples: 0))

    /// Faces on an integer grid (so translations and power-of-two scalings are exact), predictions jittered by
    /// whole pixels, every faceScore distinct (so no order decides a tie), some extra detections.
    static func randomRun(seed: UInt64, images: Int = 80) -> (Dataset, PredictionSet) {
        var rng = SplitMix64(seed: seed)
        var annotated: [AnnotatedImage] = []
        var predictions = PredictionSet()
        var serial = 0
        func nextFaceScore() -> Double {
            serial += 1
            return 0.05 + 0.9 * Double((serial * 7919) % 10007) / 10007
        }
        for i in 0..<images {
            let name = "img\(i).jpg"
            var faces: [GroundTruthFace] = []
            var found: [Prediction] = []
            for f in 0..<Int.random(in: 0...4, using: &rng) {
                let box = Box(
                    x: Double(f * 90 + Int.random(in: 0...20, using: &rng)),
                    y: Double(Int.random(in: 0...50, using: &rng)),
                    width: Double(Int.random(in: 20...70, using: &rng)),
                    height: Double(Int.random(in: 20...80, using: &rng)))
                let label: FaceClass = [.masked, .unmasked, .incorrect][Int.random(in: 0...2, using: &rng)]
                faces.append(GroundTruthFace(box: box, label: label))
                for _ in 0..<Int.random(in: 0...2, using: &rng) {
                    let jitter = { Double(Int.random(in: -8...8, using: &rng)) }
                    found.append(
                        Prediction(
                            box: Box(x: box.x + jitter(), y: box.y + jitter(), width: box.width, height: box.height),
                            faceScore: nextFaceScore(),
                            maskScore: Double(Int.random(in: 0...100, using: &rng)) / 100
                        ))
                }
            }
            if Bool.random(using: &rng) {
                found.append(
                    Prediction(
                        box: Box(x: 400, y: 300, width: 30, height: 30), faceScore: nextFaceScore(),
                        maskScore: Double(Int.random(in: 0...100, using: &rng)) / 100))
            }
            annotated.append(AnnotatedImage(name: name, width: 640, height: 480, faces: faces))
            predictions.byImage[name] = found
        }
        return (Dataset(images: annotated), predictions)
    }

    static func transformed(
        _ run: (Dataset, PredictionSet), _ transform: (Box) -> Box
    ) -> (Dataset, PredictionSet) {
        let (dataset, predictions) = run
        let images = dataset.images.map { image in
            var image = image
            image.faces = image.faces.map { GroundTruthFace(box: transform($0.box), label: $0.label) }
            return image
        }
        var moved = PredictionSet()
        for (name, list) in predictions.byImage {
            moved.byImage[name] = list.map { p in
                var p = p
                p.box = transform(p.box)
                return p
            }
        }
        return (Dataset(images: images), moved)
    }

    /// The numbers that must not change, as one comparable value.
    struct Headline: Equatable {
        var tnr: Rate
        var fnr: Rate
        var outcomes: [FaceClass: ClassOutcome]
        var truePositives: Int
        var falsePositives: Int
        var ap: APSummary
        var apPerClass: [FaceClass: APSummary]
        var pipelineAUC: Double?
        var matchedAUC: Double?

        init(_ e: Evaluation) {
            tnr = e.pipeline.tnr
            fnr = e.pipeline.fnr
            outcomes = e.pipeline.outcomes
            truePositives = e.detector.truePositives
            falsePositives = e.detector.falsePositives
            ap = e.detector.ap
            apPerClass = e.detector.apPerClass
            pipelineAUC = e.pipeline.auc.value
            matchedAUC = e.matchedClassifier.auc.value
        }
    }

    static func evaluate(_ run: (Dataset, PredictionSet), _ settings: EvaluationSettings = quick) -> Evaluation {
        Evaluator(settings: settings).evaluate(run.0, run.1)
    }

    @Test(arguments: [MatchingMode.coco, .voc, .dataroots])
    func shufflingImagesAndPredictionsChangesNothing(mode: MatchingMode) {
        var settings = Self.quick
        settings.matching.mode = mode
        for seed: UInt64 in 1...4 {
            let run = Self.randomRun(seed: seed)
            var rng = SplitMix64(seed: seed &* 31)
            var predictions = PredictionSet()
            for (name, list) in run.1.byImage { predictions.byImage[name] = list.shuffled(using: &rng) }
            let shuffled = (Dataset(images: run.0.images.shuffled(using: &rng)), predictions)
            #expect(Headline(Self.evaluate(run, settings)) == Headline(Self.evaluate(shuffled, settings)))
        }
    }

    @Test func translatingEveryBoxTogetherChangesNothing() {
        for seed: UInt64 in 5...8 {
            let run = Self.randomRun(seed: seed)
            let moved = Self.transformed(run) { Box(x: $0.x + 37, y: $0.y - 11, width: $0.width, height: $0.height) }
            #expect(Headline(Self.evaluate(run)) == Headline(Self.evaluate(moved)))
        }
    }

    @Test func scalingTheImageAndItsBoxesChangesNothing() {
        for seed: UInt64 in 9...12 {
            let run = Self.randomRun(seed: seed)
            let scaled = Self.transformed(run) {
                Box(x: $0.x * 2, y: $0.y * 2, width: $0.width * 2, height: $0.height * 2)
            }
            #expect(Headline(Self.evaluate(run)) == Headline(Self.evaluate(scaled)))
        }
    }

    @Test func duplicatingTheDatasetKeepsRatesAndAPAndDoublesCounts() throws {
        for seed: UInt64 in 13...16 {
            let (dataset, predictions) = Self.randomRun(seed: seed)
            var images = dataset.images
            var doubled = predictions
            for image in dataset.images {
                var copy = image
                copy.name = "copy-" + image.name
                images.append(copy)
                doubled.byImage[copy.name] = predictions.byImage[image.name]
            }
            let once = Self.evaluate((dataset, predictions))
            let twice = Self.evaluate((Dataset(images: images), doubled))
            #expect(twice.detector.truePositives == 2 * once.detector.truePositives)
            #expect(twice.detector.falsePositives == 2 * once.detector.falsePositives)
            #expect(twice.pipeline.tnr.count == 2 * once.pipeline.tnr.count)
            #expect(twice.pipeline.tnr.value == once.pipeline.tnr.value)
            #expect(twice.pipeline.fnr.value == once.pipeline.fnr.value)
            // AP: each copy ranks right after its original (distinct scores), and interpolation hides the
            // point between them; sums in another order may differ in the last bits.
            for (a, b) in [
                (once.detector.ap.voc, twice.detector.ap.voc), (once.detector.ap.coco, twice.detector.ap.coco),
                (once.detector.ap.elevenPoint, twice.detector.ap.elevenPoint),
            ] {
                #expect(try #require(b).isClose(to: try #require(a)))
            }
            #expect(try #require(twice.pipeline.auc.value).isClose(to: try #require(once.pipeline.auc.value)))
        }
    }

    @Test func iouIsSymmetricAndWithinZeroAndOne() {
        var rng = SplitMix64(seed: 99)
        func box() -> Box {
            Box(
                x: Double.random(in: -50...50, using: &rng), y: Double.random(in: -50...50, using: &rng),
                width: Double.random(in: 0...60, using: &rng), height: Double.random(in: 0...60, using: &rng))
        }
        for _ in 0..<5000 {
            let (a, b) = (box(), box())
            for pixels in PixelConvention.allCases {
                let iou = a.iou(with: b, pixels: pixels)
                #expect(iou == b.iou(with: a, pixels: pixels))
                #expect(iou >= 0 && iou <= 1)
            }
        }
    }

    @Test func aucEqualsTheMannWhitneyStatistic() throws {
        var rng = SplitMix64(seed: 2024)
        for n in [2, 7, 50, 400] {
            // Coarse scores, so ties between a positive and a negative are common (each counts one half).
            let scores = (0..<n).map { _ in Double(Int.random(in: 0...12, using: &rng)) / 12 }
            var labels = (0..<n).map { _ in Bool.random(using: &rng) }
            labels[0] = true
            labels[1] = false
            var wins = 0.0
            var pairs = 0.0
            for i in 0..<n where labels[i] {
                for j in 0..<n where !labels[j] {
                    pairs += 1
                    if scores[i] > scores[j] { wins += 1 } else if scores[i] == scores[j] { wins += 0.5 }
                }
            }
            let auc = try #require(ROCCurve(scores: scores, labels: labels).auc)
            #expect(auc.isClose(to: wins / pairs), "n = \(n)")
        }
    }
}
