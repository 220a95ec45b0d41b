import MaskBenchCore
import Testing

@Suite struct MatcherTests {
    let faces = [
        GroundTruthFace(box: Box(x: 0, y: 0, width: 10, height: 10), label: .masked),
        GroundTruthFace(box: Box(x: 3, y: 0, width: 10, height: 10), label: .unmasked),
    ]

    func prediction(_ x: Double, score: Double, mask: Double = 0.5) -> Prediction {
        Prediction(box: Box(x: x, y: 0, width: 10, height: 10), faceScore: score, maskScore: mask)
    }

    @Test func cocoFallsBackToTheNextBestUnmatchedFace() {
        // Both predictions overlap face 0 best; the second then takes face 1 (IoU 7/13 > 0.5).
        let preds = [prediction(0, score: 0.9), prediction(1, score: 0.8)]
        let match = Matcher(settings: MatchingSettings(mode: .coco)).match(preds, to: faces)
        #expect(match.faceMatches == [0, 1])
        #expect(match.predictionMatches == [0, 1])
    }

    @Test func vocDoesNotFallBackWhenTheBestFaceIsTaken() {
        let preds = [prediction(0, score: 0.9), prediction(1, score: 0.8)]
        let match = Matcher(settings: MatchingSettings(mode: .voc)).match(preds, to: faces)
        #expect(match.faceMatches == [0, nil])
        #expect(match.predictionMatches == [0, nil])
    }

    @Test func predictionsAreTakenByDescendingFaceScore() {
        // The later, more confident prediction gets face 0.
        let preds = [prediction(1, score: 0.2), prediction(0, score: 0.9)]
        let match = Matcher(settings: MatchingSettings(mode: .voc)).match(preds, to: faces)
        #expect(match.faceMatches == [1, nil])
    }

    @Test func equalScoresKeepInputOrder() {
        let preds = [prediction(0, score: 0.5), prediction(0, score: 0.5)]
        let match = Matcher(settings: MatchingSettings(mode: .voc)).match(preds, to: faces)
        #expect(match.predictionMatches == [0, nil])
    }

    @Test func threshold50IsStrictUnlessInclusive() {
        // IoU exactly 0.5: width 10 boxes offset so that overlap is 2/3 of each... use 20x10 vs 10x10 inside.
        let face = [GroundTruthFace(box: Box(x: 0, y: 0, width: 20, height: 10), label: .masked)]
        let pred = [Prediction(box: Box(x: 0, y: 0, width: 10, height: 10), faceScore: 1, maskScore: 1)]
        #expect(pred[0].box.iou(with: face[0].box) == 0.5)
        let strict = Matcher(settings: MatchingSettings(mode: .coco)).match(pred, to: face)
        #expect(strict.faceMatches == [nil])
        let inclusive = Matcher(settings: MatchingSettings(mode: .coco, iouInclusive: true)).match(pred, to: face)
        #expect(inclusive.faceMatches == [0])
    }

    @Test func datarootsUsesTheLowestMaskScoreAndCountsNoDuplicateAsExtra() {
        let preds = [
            prediction(0, score: 0.9, mask: 0.8),
            prediction(0.5, score: 0.7, mask: 0.1),
            prediction(40, score: 0.9, mask: 0.3),
        ]
        let match = Matcher(settings: MatchingSettings(mode: .dataroots)).match(preds, to: faces)
        // Face 0: predictions 0 and 1 overlap it; prediction 1 has the lower maskScore.
        #expect(match.faceMatches[0] == 1)
        // Prediction 2 overlaps nothing: an extra detection. Predictions 0 and 1 are not extras.
        #expect(match.predictionMatches[2] == nil)
        #expect(match.predictionMatches[0] != nil && match.predictionMatches[1] != nil)
    }

    @Test func cocoPrefersTheLaterFaceOnEqualIoULikePycocotools() {
        let twins = [
            GroundTruthFace(box: Box(x: 0, y: 0, width: 10, height: 10), label: .masked),
            GroundTruthFace(box: Box(x: 0, y: 0, width: 10, height: 10), label: .unmasked),
        ]
        let coco = Matcher(settings: MatchingSettings(mode: .coco)).match([prediction(0, score: 1)], to: twins)
        #expect(coco.faceMatches == [nil, 0])
        let voc = Matcher(settings: MatchingSettings(mode: .voc)).match([prediction(0, score: 1)], to: twins)
        #expect(voc.faceMatches == [0, nil])
    }

    @Test func noPredictionsMissEveryFace() {
        let match = Matcher(settings: MatchingSettings()).match([], to: faces)
        #expect(match.faceMatches == [nil, nil])
        #expect(match.predictionMatches.isEmpty)
    }
}
