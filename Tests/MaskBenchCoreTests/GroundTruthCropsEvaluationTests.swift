import MaskBenchCore
import Testing

/// The classifier alone on ground-truth crops (seed 001's "classifier evaluated separately").
@Suite struct GroundTruthCropsEvaluationTests {
    @Test func groundTruthCropsGiveAccuracyConfusionAndAUC() throws {
        let face: (FaceClass) -> GroundTruthFace = {
            GroundTruthFace(box: Box(x: 0, y: 0, width: 5, height: 5), label: $0)
        }
        let dataset = Dataset(images: [
            AnnotatedImage(name: "a", faces: [face(.masked), face(.unmasked)]),
            AnnotatedImage(name: "b", faces: [face(.masked), face(.incorrect)]),
            AnnotatedImage(name: "c", faces: [face(.masked)]),
        ])
        // "c" has no crop scores (failed or not asked): left out.
        let scores = ["a": [0.9, 0.3], "b": [0.4, 0.6]]
        var settings = EvaluationSettings()
        settings.bootstrap = Bootstrap(samples: 0)
        let crops = try #require(GroundTruthCropsEvaluation.evaluate(dataset, scores: scores, settings: settings))
        #expect(crops.faces == 4)
        #expect(crops.accuracy.count == 2)
        #expect(crops.accuracy.total == 4)
        #expect(crops.confusion[.masked, .masked] == 1)
        #expect(crops.confusion[.masked, .unmasked] == 1)
        #expect(crops.confusion[.unmasked, .masked] == 1)
        #expect(crops.confusion[.unmasked, .unmasked] == 1)
        // Pairs (masked, unmasked): (0.9, 0.3) (0.9, 0.6) (0.4, 0.3) ranked right, (0.4, 0.6) wrong.
        #expect(crops.auc.value == 0.75)
        #expect(GroundTruthCropsEvaluation.evaluate(dataset, scores: [:], settings: settings) == nil)
    }

    /// A crowd region or a difficult face is not a face to classify: its crop is left out, unless
    /// `--ignore-regions count` makes it a face.
    @Test func ignoreRegionsAreLeftOutOfTheCrops() throws {
        let box = Box(x: 0, y: 0, width: 5, height: 5)
        let dataset = Dataset(images: [
            AnnotatedImage(
                name: "a",
                faces: [
                    GroundTruthFace(box: box, label: .masked),
                    GroundTruthFace(box: box, label: .unmasked, ignoreRegion: .crowd),
                    GroundTruthFace(box: box, label: .unmasked),
                    GroundTruthFace(box: box, label: .masked, ignoreRegion: .difficult),
                ])
        ])
        let scores = ["a": [0.9, 0.8, 0.2, 0.1]]
        var settings = EvaluationSettings()
        settings.bootstrap = Bootstrap(samples: 0)
        let ignored = try #require(GroundTruthCropsEvaluation.evaluate(dataset, scores: scores, settings: settings))
        #expect(ignored.faces == 2)
        #expect(ignored.accuracy.count == 2)
        #expect(ignored.auc.value == 1)
        settings.matching.ignoreRegions = .count
        let counted = try #require(GroundTruthCropsEvaluation.evaluate(dataset, scores: scores, settings: settings))
        #expect(counted.faces == 4)
        #expect(counted.accuracy.count == 2)
        #expect(counted.auc.value == 0.5)
    }
}
