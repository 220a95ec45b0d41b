import Testing

@testable import MaskBenchCore

/// The greedy rules over ``Matcher/Candidates`` (the pairs whose IoU passes) give the assignment of the rules
/// over the whole IoU table, for every setting under which an IoU of 0 does not pass.
@Suite struct MatcherCandidatesTests {
    /// Images of overlapping boxes on a small grid, so that ties in IoU and in score are common.
    static func images(count: Int, seed: UInt64) -> [(predictions: [Box], scores: [Double], faces: [Box])] {
        var rng = SplitMix64(seed: seed)
        func box() -> Box {
            Box(
                x: Double(rng.next() % 8), y: Double(rng.next() % 8), width: Double(1 + rng.next() % 6),
                height: Double(1 + rng.next() % 6))
        }
        return (0..<count).map { _ in
            let n = Int(rng.next() % 9)
            let m = Int(rng.next() % 7)
            return (
                (0..<n).map { _ in box() }, (0..<n).map { _ in Double(rng.next() % 4) / 4 }, (0..<m).map { _ in box() }
            )
        }
    }

    static let settings: [MatchingSettings] = [
        MatchingSettings(mode: .coco, iouThreshold: 0.5),
        MatchingSettings(mode: .coco, iouThreshold: 0.5, iouInclusive: true),
        MatchingSettings(mode: .coco, iouThreshold: 0.1, pixels: .inclusive),
        MatchingSettings(mode: .voc, iouThreshold: 0.5),
        MatchingSettings(mode: .voc, iouThreshold: 1.0 / 3.0, iouInclusive: true),
        MatchingSettings(mode: .voc, iouThreshold: 0.05),
    ]

    @Test(arguments: settings)
    func candidatesGiveTheSameAssignmentAsTheWholeTable(_ settings: MatchingSettings) {
        #expect(!settings.accepts(0))
        let (pairsKept, matches) = Self.compareWithWholeTable(settings)
        // The images exercise the rules: many pairs pass, many are matched, far from all pairs are kept.
        #expect(pairsKept > 300)
        #expect(matches > 400)
    }

    /// With an IoU of 0 passing (`--iou 0 --iou-inclusive`), every pair is a candidate.
    @Test(arguments: [
        MatchingSettings(mode: .coco, iouThreshold: 0, iouInclusive: true),
        MatchingSettings(mode: .voc, iouThreshold: 0, iouInclusive: true),
    ])
    func everyPairIsACandidateWhenZeroPasses(_ settings: MatchingSettings) {
        #expect(settings.accepts(0))
        let (_, matches) = Self.compareWithWholeTable(settings)
        #expect(matches > 400)
    }

    /// Runs both rules on every image, expecting the same assignments; returns the candidate pairs kept and
    /// the faces matched, summed over images and rules.
    static func compareWithWholeTable(_ settings: MatchingSettings) -> (pairsKept: Int, matches: Int) {
        let matcher = Matcher(settings: settings)
        var candidates = Matcher.Candidates()
        var pairsKept = 0
        var matches = 0
        for image in Self.images(count: 3000, seed: 7) {
            let (n, m) = (image.predictions.count, image.faces.count)
            var ious: [Double] = []
            for p in image.predictions {
                for g in image.faces { ious.append(p.iou(with: g, pixels: settings.pixels)) }
            }
            candidates.collect(ious: ious, faceCount: m, accepting: settings)
            pairsKept += candidates.faces.count
            var order = [Int](repeating: 0, count: n)
            Matcher.rankByScore(count: n, score: { image.scores[$0] }, into: &order)
            // Class-agnostic, then a class-aware rule (only pairs of the same parity may match).
            let rules: [(Int, Int) -> Bool] = [{ _, _ in true }, { p, g in (p + g) % 2 == 0 }]
            for compatible in rules {
                var denseFaces = [Int](repeating: -1, count: m)
                var densePredictions = [Int](repeating: -1, count: n)
                Self.wholeTableGreedy(
                    settings, ious: ious, faceCount: m, order: order, &denseFaces, &densePredictions,
                    compatible: compatible)
                var sparseFaces = [Int](repeating: -1, count: m)
                var sparsePredictions = [Int](repeating: -1, count: n)
                matcher.assignGreedy(
                    candidates: candidates, order: order, &sparseFaces, &sparsePredictions, compatible: compatible)
                #expect(sparseFaces == denseFaces)
                #expect(sparsePredictions == densePredictions)
                matches += denseFaces.filter { $0 >= 0 }.count
            }
        }
        return (pairsKept, matches)
    }

    /// One workspace reused from image to image (as the evaluator does) leaves nothing of an image behind:
    /// each assignment is that of a fresh match.
    @Test(arguments: MatchingMode.allCases)
    func aReusedWorkspaceMatchesLikeAFreshOne(_ mode: MatchingMode) {
        let matcher = Matcher(settings: MatchingSettings(mode: mode, iouThreshold: 0.3))
        var workspace = Matcher.Workspace()
        var matches = 0
        for image in Self.images(count: 500, seed: 11) {
            let predictions = zip(image.predictions, image.scores).map {
                Prediction(box: $0, faceScore: $1, maskScore: $1)
            }
            let faces = image.faces.map { GroundTruthFace(box: $0, label: .masked) }
            workspace.load(predictions, faces: faces, accepting: matcher.settings)
            matcher.assign(in: &workspace)
            let fresh = matcher.match(predictions, to: faces)
            #expect(workspace.faceMatches.map { $0 < 0 ? nil : $0 } == fresh.faceMatches)
            #expect(workspace.predictionMatches.map { $0 < 0 ? nil : $0 } == fresh.predictionMatches)
            matches += fresh.faceMatches.compactMap { $0 }.count
        }
        #expect(matches > 200)
    }

    @Test func collectKeepsThePassingPairsOfEachPredictionInFaceOrder() {
        let settings = MatchingSettings(mode: .coco, iouThreshold: 0.5)
        var candidates = Matcher.Candidates()
        // Three predictions, two faces.
        candidates.collect(ious: [0.9, 0.6, 0.5, 0.1, 0.0, 0.7], faceCount: 2, accepting: settings)
        #expect(candidates.starts == [0, 2, 2, 3])
        #expect(candidates.faces == [0, 1, 1])
        #expect(candidates.ious == [0.9, 0.6, 0.7])
        candidates.collect(ious: [], faceCount: 0, accepting: settings)
        #expect(candidates.starts == [0])
    }

    /// The `coco` and `voc` rules as they were written over the whole prediction-major IoU table (the
    /// reference ``Matcher/assignGreedy(candidates:order:_:_:compatible:)`` must agree with).
    ///
    /// - Parameters:
    ///   - order: the predictions by descending score, ties in input order.
    ///   - faceMatches: one entry per face, all `-1` on entry.
    ///   - predictionMatches: one entry per prediction, all `-1` on entry.
    ///   - compatible: whether prediction `p` may match face `g` at all (class-aware matching).
    static func wholeTableGreedy(
        _ settings: MatchingSettings,
        ious: [Double],
        faceCount m: Int,
        order: [Int],
        _ faceMatches: inout [Int],
        _ predictionMatches: inout [Int],
        compatible: (Int, Int) -> Bool
    ) {
        for p in order {
            let row = p * m
            var best = -1
            var bestIoU = 0.0
            if settings.mode == .voc {
                var topIoU = -1.0
                for g in 0..<m where compatible(p, g) && ious[row + g] > topIoU {
                    best = g
                    topIoU = ious[row + g]
                }
                if best >= 0, !(settings.accepts(topIoU) && faceMatches[best] < 0) { best = -1 }
            } else {
                for g in 0..<m where faceMatches[g] < 0 && compatible(p, g) {
                    let v = ious[row + g]
                    guard settings.accepts(v) else { continue }
                    if best < 0 || v >= bestIoU {
                        best = g
                        bestIoU = v
                    }
                }
            }
            if best >= 0 {
                faceMatches[best] = p
                predictionMatches[p] = best
            }
        }
    }
}
