import Testing

@testable import MaskBenchCore

/// The greedy rules over ``Matcher/Candidates`` (the pairs whose IoU passes a threshold, best first), at
/// several thresholds at once with bit masks, give at each threshold the assignment of the rules written as
/// the reference tools write them over the whole IoU table: pycocotools' `evaluateImg` loop for `coco`, the VOC
/// devkit's for `voc`, with crowd regions and difficult faces among the faces.
@Suite struct MatcherCandidatesTests {
    struct Image {
        var predictions: [Box]
        var scores: [Double]
        var faces: [Box]
        var regions: [IgnoreRegion?]
    }

    /// Images of overlapping boxes on a small grid, so that ties in IoU and in score are common; with
    /// `ignoreRegions`, about one face in four is a crowd region or a difficult face.
    static func images(
        count: Int, seed: UInt64, ignoreRegions: Bool = false, sizes: (predictions: UInt64, faces: UInt64) = (9, 7)
    ) -> [Image] {
        var rng = SplitMix64(seed: seed)
        func box() -> Box {
            Box(
                x: Double(rng.next() % 8), y: Double(rng.next() % 8), width: Double(1 + rng.next() % 6),
                height: Double(1 + rng.next() % 6))
        }
        return (0..<count).map { _ in
            let n = Int(rng.next() % sizes.predictions)
            let m = Int(rng.next() % sizes.faces)
            let regions: [IgnoreRegion?] = (0..<m).map { _ in
                guard ignoreRegions else { return nil }
                switch rng.next() % 8 {
                case 0: return .crowd
                case 1: return .difficult
                default: return nil
                }
            }
            return Image(
                predictions: (0..<n).map { _ in box() }, scores: (0..<n).map { _ in Double(rng.next() % 4) / 4 },
                faces: (0..<m).map { _ in box() }, regions: regions)
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

    /// Thresholds matched besides the matching one: pycocotools' ten, and some that tie with grid IoUs.
    static let more = COCOEvalParameters.defaultIoUThresholds + [0.25, 1.0 / 3.0, 0.2]

    @Test(arguments: settings)
    func everyThresholdGetsTheAssignmentOfTheWholeTableRule(_ settings: MatchingSettings) {
        #expect(!settings.accepts(0))
        let (pairsKept, matches) = Self.compareWithWholeTable(settings, ignoreRegions: false)
        // The images exercise the rules: many pairs pass, many are matched.
        #expect(pairsKept > 300)
        #expect(matches > 400)
    }

    @Test(arguments: settings)
    func ignoreRegionsFollowThePycocotoolsAndDevkitLoops(_ settings: MatchingSettings) {
        let (_, matches) = Self.compareWithWholeTable(settings, ignoreRegions: true)
        #expect(matches > 300)
    }

    /// With an IoU of 0 passing (`--iou 0 --iou-inclusive`), every pair is a candidate.
    @Test(arguments: [
        MatchingSettings(mode: .coco, iouThreshold: 0, iouInclusive: true),
        MatchingSettings(mode: .voc, iouThreshold: 0, iouInclusive: true),
    ])
    func everyPairIsACandidateWhenZeroPasses(_ settings: MatchingSettings) {
        #expect(settings.accepts(0))
        let (_, matches) = Self.compareWithWholeTable(settings, ignoreRegions: true)
        #expect(matches > 400)
    }

    /// Runs the rule at every threshold at once and each reference rule threshold by threshold on every image,
    /// expecting the same outcomes; returns the candidate pairs kept and the true positives, summed.
    static func compareWithWholeTable(
        _ settings: MatchingSettings, ignoreRegions: Bool, tablePairs: Int = Matcher.Workspace.tablePairLimit,
        images: [Image]? = nil
    ) -> (pairsKept: Int, matches: Int) {
        let matcher = Matcher(settings: settings)
        var workspace = Matcher.Workspace()
        workspace.tablePairs = tablePairs
        var pairsKept = 0
        var matches = 0
        let thresholds = [settings.iouThreshold] + more
        for image in images ?? Self.images(count: 600, seed: 7, ignoreRegions: ignoreRegions) {
            let predictions = zip(image.predictions, image.scores).map {
                Prediction(box: $0, faceScore: $1, maskScore: $1)
            }
            let faces = zip(image.faces, image.regions).map {
                GroundTruthFace(box: $0, label: .masked, ignoreRegion: $1)
            }
            workspace.load(predictions, faces: faces, settings: settings, thresholds: more)
            pairsKept += workspace.candidates.faces.count
            #expect(workspace.keepsWholeTable == (predictions.count * faces.count <= tablePairs))
            var ious: [Double] = []
            for p in image.predictions {
                for (g, region) in zip(image.faces, image.regions) {
                    ious.append(
                        region == .crowd
                            ? p.fraction(inside: g, pixels: settings.pixels) : p.iou(with: g, pixels: settings.pixels))
                }
            }
            // Class-agnostic, then a class-aware rule (only pairs of the same parity may match).
            let rules: [(Int, Int) -> Bool] = [{ _, _ in true }, { p, g in (p + g) % 2 == 0 }]
            for compatible in rules {
                matcher.assignGreedy(in: &workspace, compatible: compatible)
                for (t, threshold) in thresholds.enumerated() {
                    var at = settings
                    at.iouThreshold = threshold
                    let reference = Self.wholeTable(
                        at, ious: ious, regions: image.regions, scores: image.scores, compatible: compatible)
                    let bit = UInt16(1) << t
                    #expect(workspace.hits.map { $0 & bit != 0 } == reference.hits, "threshold \(threshold)")
                    #expect(workspace.ignored.map { $0 & bit != 0 } == reference.ignored, "threshold \(threshold)")
                    if t == 0 {
                        #expect(workspace.predictionMatches == reference.predictionMatches)
                        #expect(workspace.faceMatches == reference.faceMatches)
                    }
                    matches += reference.hits.filter { $0 }.count
                }
            }
        }
        return (pairsKept, matches)
    }

    /// The `coco` rule as pycocotools' `evaluateImg` loops (ground truths sorted ignore-last; a taken one
    /// skipped unless a crowd; once a regular one is held, the ignored ones are not looked at; the last of
    /// equal IoUs wins), and the `voc` rule as the VOC devkit's (the best face by IoU, the first of equals,
    /// difficult ones included; taken or below the threshold: a false positive; a difficult one: ignored),
    /// with crowd regions after the faces. Over the whole prediction-major IoU table, at one threshold.
    static func wholeTable(
        _ settings: MatchingSettings, ious: [Double], regions: [IgnoreRegion?], scores: [Double],
        compatible: (Int, Int) -> Bool
    ) -> (hits: [Bool], ignored: [Bool], faceMatches: [Int], predictionMatches: [Int]) {
        let m = regions.count
        let n = scores.count
        let order = Matcher.rankedByScore(scores)
        var hits = [Bool](repeating: false, count: n)
        var ignored = [Bool](repeating: false, count: n)
        var faceMatches = [Int](repeating: -1, count: m)
        var predictionMatches = [Int](repeating: -1, count: n)
        var taken = [Bool](repeating: false, count: m)
        let gtOrder = (0..<m).filter { regions[$0] == nil } + (0..<m).filter { regions[$0] != nil }
        for p in order {
            var best = -1
            if settings.mode == .voc {
                var topIoU = -1.0
                for g in 0..<m where regions[g] != .crowd && compatible(p, g) && ious[p * m + g] > topIoU {
                    best = g
                    topIoU = ious[p * m + g]
                }
                if best >= 0, !settings.accepts(topIoU) || (regions[best] == nil && taken[best]) {
                    if !settings.accepts(topIoU) { best = -1 } else { continue }
                }
                if best < 0 {
                    topIoU = -1.0
                    for g in 0..<m where regions[g] == .crowd && compatible(p, g) && ious[p * m + g] > topIoU {
                        guard settings.accepts(ious[p * m + g]) else { continue }
                        best = g
                        topIoU = ious[p * m + g]
                    }
                }
            } else {
                var bestIoU = 0.0
                for g in gtOrder where compatible(p, g) {
                    if taken[g] && regions[g] != .crowd { continue }
                    if best >= 0 && regions[best] == nil && regions[g] != nil { break }
                    let v = ious[p * m + g]
                    guard settings.accepts(v), best < 0 || v >= bestIoU else { continue }
                    best = g
                    bestIoU = v
                }
            }
            guard best >= 0 else { continue }
            if regions[best] == nil { hits[p] = true } else { ignored[p] = true }
            if regions[best] != .crowd && !(settings.mode == .voc && regions[best] == .difficult) { taken[best] = true }
            predictionMatches[p] = best
            if faceMatches[best] < 0 { faceMatches[best] = p }
        }
        return (hits, ignored, faceMatches, predictionMatches)
    }

    /// An image with more prediction-face pairs than ``Matcher/Workspace/tablePairs`` is matched a prediction
    /// at a time, each row of IoUs computed when the rule comes to it: the same assignment at every threshold,
    /// class-aware or not, with and without ignore regions.
    @Test(arguments: settings + [MatchingSettings(mode: .coco, iouThreshold: 0, iouInclusive: true)])
    func imagesOverTheTableLimitAreMatchedRowByRowAlike(_ settings: MatchingSettings) {
        for ignoreRegions in [false, true] {
            let (pairsKept, matches) = Self.compareWithWholeTable(
                settings, ignoreRegions: ignoreRegions, tablePairs: 6)
            #expect(pairsKept > 0)
            #expect(matches > 300)
        }
    }

    /// The dataroots rule, and the IoU of each pair, are the same row by row as over the whole table.
    @Test func theDatarootsRuleAndPairIoUsAreTheSameRowByRow() {
        let matcher = Matcher(settings: MatchingSettings(mode: .dataroots, iouThreshold: 0.3))
        var whole = Matcher.Workspace()
        var rows = Matcher.Workspace()
        rows.tablePairs = 0
        var matches = 0
        for image in Self.images(count: 500, seed: 13, ignoreRegions: true) {
            let predictions = zip(image.predictions, image.scores).map {
                Prediction(box: $0, faceScore: $1, maskScore: 1 - $1)
            }
            let faces = zip(image.faces, image.regions).map {
                GroundTruthFace(box: $0, label: .masked, ignoreRegion: $1)
            }
            whole.load(predictions, faces: faces, settings: matcher.settings)
            rows.load(predictions, faces: faces, settings: matcher.settings)
            #expect(!rows.keepsWholeTable || predictions.isEmpty || faces.isEmpty)
            matcher.assign(in: &whole)
            matcher.assign(in: &rows)
            #expect(rows.faceMatches == whole.faceMatches)
            #expect(rows.predictionMatches == whole.predictionMatches)
            #expect(rows.hits == whole.hits && rows.ignored == whole.ignored)
            for p in predictions.indices {
                for g in faces.indices { #expect(rows.iou(p, g) == whole.iou(p, g)) }
            }
            matches += whole.faceMatches.filter { $0 >= 0 }.count
        }
        #expect(matches > 200)
    }

    /// An image of 2,000 predictions on 2,000 faces keeps no table of 4,000,000 IoUs (32 MB; 9,999 on 9,999
    /// took 1.1 GB): what the workspace holds stays within the table limit, and the assignment is the same.
    @Test func aLargeImageKeepsNoWholeIoUTable() {
        let n = 2000
        // Face `i` and prediction `i` on a diagonal, each overlapping its own and its neighbours.
        let faces = (0..<n).map {
            GroundTruthFace(box: Box(x: Double($0) * 8, y: 0, width: 10, height: 10), label: .masked)
        }
        let predictions = (0..<n).map {
            Prediction(box: Box(x: Double($0) * 8 + 1, y: 0, width: 10, height: 10), faceScore: 0.5, maskScore: 0)
        }
        var workspace = Matcher.Workspace()
        workspace.load(predictions, faces: faces, settings: MatchingSettings(mode: .coco, iouThreshold: 0.5))
        #expect(workspace.storedPairs <= Matcher.Workspace.tablePairLimit)
        Matcher(settings: MatchingSettings(mode: .coco, iouThreshold: 0.5)).assign(in: &workspace)
        #expect(workspace.storedPairs <= Matcher.Workspace.tablePairLimit)
        #expect(workspace.predictionMatches == Array(0..<n))
        #expect(workspace.iou(5, 5) == 90.0 / 110.0)
    }

    /// Rows longer than the insertion sort's (every pair passing, ties everywhere) are ordered alike, whole
    /// table or row by row: the pairs' order is total (kind, IoU, then face index).
    @Test(arguments: [MatchingMode.coco, .voc])
    func longRowsOfTiesAreOrderedAsShortOnes(_ mode: MatchingMode) {
        let settings = MatchingSettings(mode: mode, iouThreshold: 0, iouInclusive: true)
        for tablePairs in [Matcher.Workspace.tablePairLimit, 0] {
            let (pairsKept, matches) = Self.compareWithWholeTable(
                settings, ignoreRegions: true, tablePairs: tablePairs,
                images: Self.images(count: 12, seed: 5, ignoreRegions: true, sizes: (60, 50)))
            #expect(tablePairs == 0 || pairsKept > 12 * 100)
            #expect(matches > 100)
        }
    }

    /// One workspace reused from image to image (as the evaluator does) leaves nothing of an image behind:
    /// each assignment is that of a fresh match.
    @Test(arguments: MatchingMode.allCases)
    func aReusedWorkspaceMatchesLikeAFreshOne(_ mode: MatchingMode) {
        let matcher = Matcher(settings: MatchingSettings(mode: mode, iouThreshold: 0.3))
        var workspace = Matcher.Workspace()
        var matches = 0
        for image in Self.images(count: 500, seed: 11, ignoreRegions: true) {
            let predictions = zip(image.predictions, image.scores).map {
                Prediction(box: $0, faceScore: $1, maskScore: $1)
            }
            let faces = zip(image.faces, image.regions).map {
                GroundTruthFace(box: $0, label: .masked, ignoreRegion: $1)
            }
            workspace.load(predictions, faces: faces, settings: matcher.settings)
            matcher.assign(in: &workspace)
            let fresh = matcher.match(predictions, to: faces)
            #expect(workspace.faceMatches.map { $0 < 0 ? nil : $0 } == fresh.faceMatches)
            #expect(workspace.predictionMatches.map { $0 < 0 ? nil : $0 } == fresh.predictionMatches)
            matches += fresh.faceMatches.compactMap { $0 }.count
        }
        #expect(matches > 200)
    }

    @Test func collectKeepsThePassingPairsOfEachPredictionBestFirst() {
        var candidates = Matcher.Candidates()
        // Three predictions, three faces, the third a crowd region.
        let ious = [0.6, 0.9, 0.95, 0.5, 0.1, 0.0, 0.7, 0.7, 0.6]
        candidates.collect(
            ious: ious, regions: [0, 0, Matcher.Workspace.crowd], thresholds: [0.5, 0.75], inclusive: false, voc: false)
        #expect(candidates.starts == [0, 3, 3, 6])
        // Faces by descending IoU (the later of equals first under coco), the crowd region after them.
        #expect(candidates.faces == [1, 0, 2, 1, 0, 2])
        #expect(candidates.splits == [2, 3, 5])
        #expect(candidates.passes == [3, 1, 3, 1, 1, 1])
        candidates.collect(
            ious: ious, regions: [0, 0, Matcher.Workspace.crowd], thresholds: [0.5], inclusive: false, voc: true)
        #expect(candidates.faces == [1, 0, 2, 0, 1, 2])
        candidates.collect(ious: [], regions: [], thresholds: [0.5], inclusive: false, voc: false)
        #expect(candidates.starts == [0])
    }
}
