/// The pairing of one image's predictions with its ground-truth faces.
public struct ImageMatch: Sendable, Hashable {
    /// For each face, the index of the prediction that identifies it, or `nil` when it was missed.
    public var faceMatches: [Int?]
    /// For each prediction, the face it matched, or `nil` for a false positive (an extra detection).
    ///
    /// In `dataroots` mode several predictions may point at one face; only one of them is in ``faceMatches``.
    public var predictionMatches: [Int?]

    public init(faceMatches: [Int?], predictionMatches: [Int?]) {
        self.faceMatches = faceMatches
        self.predictionMatches = predictionMatches
    }
}

/// Pairs predictions with faces, one image at a time.
public struct Matcher: Sendable {
    public var settings: MatchingSettings

    public init(settings: MatchingSettings) {
        self.settings = settings
    }

    /// Matches `predictions` to `faces` under ``settings``.
    ///
    /// Predictions are taken as given: filtering by ``MatchingSettings/minFaceScore`` is the caller's job.
    /// The `dataroots` rule needs `maskScore`; the greedy rules use `faceScore` order only.
    public func match(_ predictions: [Prediction], to faces: [GroundTruthFace]) -> ImageMatch {
        var workspace = Workspace()
        workspace.load(predictions, faces: faces, accepting: settings)
        assign(in: &workspace)
        return ImageMatch(
            faceMatches: workspace.faceMatches.map { $0 < 0 ? nil : $0 },
            predictionMatches: workspace.predictionMatches.map { $0 < 0 ? nil : $0 }
        )
    }

    /// The assignment of ``settings``'s rule (`coco`, `voc` or `dataroots`) for the image loaded in
    /// `workspace`, left in its ``Workspace/faceMatches`` and ``Workspace/predictionMatches``.
    ///
    /// - Parameter workspace: loaded under settings that accept the same IoUs as ``settings`` (the mode may
    ///   differ: the evaluator matches one image under its rule, then under pycocotools' for AP).
    package func assign(in workspace: inout Workspace) {
        if settings.mode == .dataroots {
            workspace.resetMatches()
            assignDataroots(
                ious: workspace.ious, faceCount: workspace.faceCount, maskScores: workspace.maskScores,
                &workspace.faceMatches, &workspace.predictionMatches)
        } else {
            assignGreedy(in: &workspace) { _, _ in true }
        }
    }

    /// The `coco` or `voc` rule (``settings``'s mode; `dataroots` counts as `coco`) for the image loaded in
    /// `workspace`, with only the pairs `compatible` allows (class-aware matching), left in its
    /// ``Workspace/faceMatches`` and ``Workspace/predictionMatches``.
    @inline(__always)
    package func assignGreedy(in workspace: inout Workspace, compatible: (Int, Int) -> Bool) {
        workspace.resetMatches()
        assignGreedy(
            candidates: workspace.candidates, order: workspace.order, &workspace.faceMatches,
            &workspace.predictionMatches, compatible: compatible)
    }

    /// The buffers of matching one image, reused from image to image so that matching many images allocates
    /// nothing per image.
    package struct Workspace {
        /// The IoU of prediction `p` with face `g` at `p * faceCount + g`.
        package private(set) var ious: [Double] = []
        package private(set) var faceCount = 0
        /// Each prediction's `maskScore` (the `dataroots` rule).
        package private(set) var maskScores: [Double] = []
        /// The predictions by descending `faceScore`, ties in input order.
        package private(set) var order: [Int] = []
        /// The pairs the greedy rules can match.
        private(set) var candidates = Candidates()
        /// For each face, the prediction matching it; `-1` for none.
        package fileprivate(set) var faceMatches: [Int] = []
        /// For each prediction, the face it matches; `-1` for none.
        package fileprivate(set) var predictionMatches: [Int] = []

        package init() {}

        /// Loads one image: the IoU table, the score order and the pairs whose IoU `settings` accepts.
        ///
        /// - Parameters:
        ///   - predictions: the image's predictions (already filtered by ``MatchingSettings/minFaceScore``).
        ///   - faces: the image's faces.
        ///   - settings: the pixel convention and the IoU threshold.
        package mutating func load(
            _ predictions: [Prediction], faces: [GroundTruthFace], accepting settings: MatchingSettings
        ) {
            let n = predictions.count
            faceCount = faces.count
            ious.removeAll(keepingCapacity: true)
            maskScores.removeAll(keepingCapacity: true)
            for p in predictions {
                for face in faces { ious.append(p.box.iou(with: face.box, pixels: settings.pixels)) }
                maskScores.append(p.maskScore)
            }
            candidates.collect(ious: ious, faceCount: faceCount, accepting: settings)
            order.removeAll(keepingCapacity: true)
            order.append(contentsOf: repeatElement(0, count: n))
            Matcher.rankByScore(count: n, score: { predictions[$0].faceScore }, into: &order)
        }

        /// Sets every face and prediction unmatched.
        fileprivate mutating func resetMatches() {
            faceMatches.removeAll(keepingCapacity: true)
            faceMatches.append(contentsOf: repeatElement(-1, count: faceCount))
            predictionMatches.removeAll(keepingCapacity: true)
            predictionMatches.append(contentsOf: repeatElement(-1, count: maskScores.count))
        }
    }

    /// For each prediction, the faces whose IoU with it passes the threshold, in face order: the only pairs
    /// the `coco` and `voc` rules can match (every pair when an IoU of 0 passes).
    struct Candidates {
        /// Prediction `p`'s pairs are at `starts[p]..<starts[p + 1]`.
        private(set) var starts: [Int] = []
        private(set) var faces: [Int] = []
        private(set) var ious: [Double] = []

        /// Refills the lists from a prediction-major IoU table of `faceCount` faces, keeping the storage.
        mutating func collect(ious table: [Double], faceCount m: Int, accepting settings: MatchingSettings) {
            starts.removeAll(keepingCapacity: true)
            faces.removeAll(keepingCapacity: true)
            ious.removeAll(keepingCapacity: true)
            starts.append(0)
            guard m > 0 else { return }
            for row in stride(from: 0, to: table.count, by: m) {
                for g in 0..<m where settings.accepts(table[row + g]) {
                    faces.append(g)
                    ious.append(table[row + g])
                }
                starts.append(faces.count)
            }
        }
    }

    /// The `coco` or `voc` rule over ``Candidates``; `-1` means no match. The `coco` rule takes, prediction by
    /// prediction, the unmatched face with the best passing IoU (the last of equals); the `voc` rule takes the
    /// face with the best IoU (the first of equals), and nothing when that face is taken. A face whose IoU does
    /// not pass is never a candidate, and cannot change either choice: the `voc` rule's best face either
    /// passes (then it is a candidate, as is every face with that IoU) or no face does.
    ///
    /// - Parameters:
    ///   - candidates: collected for ``settings``, with an entry for every prediction in `order` (an image
    ///     without faces has none).
    ///   - order: the predictions by descending score, ties in input order.
    ///   - faceMatches: one entry per face, all `-1` on entry.
    ///   - predictionMatches: one entry per prediction, all `-1` on entry.
    ///   - compatible: whether prediction `p` may match face `g` at all (class-aware matching).
    @inline(__always)
    func assignGreedy(
        candidates: Candidates,
        order: [Int],
        _ faceMatches: inout [Int],
        _ predictionMatches: inout [Int],
        compatible: (Int, Int) -> Bool
    ) {
        guard candidates.starts.count > 1 else { return }
        for p in order {
            let pairs = candidates.starts[p]..<candidates.starts[p + 1]
            var best = -1
            var bestIoU = 0.0
            if settings.mode == .voc {
                var topIoU = -1.0
                for k in pairs where compatible(p, candidates.faces[k]) && candidates.ious[k] > topIoU {
                    best = candidates.faces[k]
                    topIoU = candidates.ious[k]
                }
                if best >= 0, !(settings.accepts(topIoU) && faceMatches[best] < 0) { best = -1 }
            } else {
                for k in pairs {
                    let g = candidates.faces[k]
                    guard faceMatches[g] < 0, compatible(p, g) else { continue }
                    let v = candidates.ious[k]
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

    /// The `dataroots` rule over a prediction-major IoU table; `-1` means no match.
    func assignDataroots(
        ious: [Double],
        faceCount m: Int,
        maskScores: [Double],
        _ faceMatches: inout [Int],
        _ predictionMatches: inout [Int]
    ) {
        let n = predictionMatches.count
        for g in 0..<m {
            for p in 0..<n where settings.accepts(ious[p * m + g]) {
                let current = faceMatches[g]
                if current >= 0, maskScores[current] <= maskScores[p] { continue }
                faceMatches[g] = p
            }
        }
        for p in 0..<n {
            var topIoU = -1.0
            for g in 0..<m where settings.accepts(ious[p * m + g]) && ious[p * m + g] > topIoU {
                predictionMatches[p] = g
                topIoU = ious[p * m + g]
            }
        }
    }

    /// Writes `0..<count` ordered by descending score, ties in input order (an insertion sort: images
    /// have few predictions).
    @inline(__always)
    static func rankByScore(count: Int, score: (Int) -> Double, into order: inout [Int]) {
        for i in 0..<count {
            let s = score(i)
            var j = i
            while j > 0, score(order[j - 1]) < s {
                order[j] = order[j - 1]
                j -= 1
            }
            order[j] = i
        }
    }

    /// Indices ordered by descending score; equal scores keep their input order.
    public static func rankedByScore(_ scores: [Double]) -> [Int] {
        ScoreSort.descendingOrder(scores).map { Int($0) }
    }
}
