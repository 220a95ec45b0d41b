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
        match(
            boxes: predictions.map(\.box),
            scores: predictions.map(\.faceScore),
            maskScores: predictions.map(\.maskScore),
            to: faces.map(\.box)
        )
    }

    /// Matches by boxes and scores.
    public func match(boxes: [Box], scores: [Double], maskScores: [Double], to faces: [Box]) -> ImageMatch {
        let n = boxes.count
        let m = faces.count
        var ious = [Double](repeating: 0, count: n * m)
        for p in 0..<n {
            for g in 0..<m { ious[p * m + g] = boxes[p].iou(with: faces[g], pixels: settings.pixels) }
        }
        var order = [Int](repeating: 0, count: n)
        Self.rankByScore(count: n, score: { scores[$0] }, into: &order)
        var faceMatches = [Int](repeating: -1, count: m)
        var predictionMatches = [Int](repeating: -1, count: n)
        if settings.mode == .dataroots {
            assignDataroots(ious: ious, faceCount: m, maskScores: maskScores, &faceMatches, &predictionMatches)
        } else {
            var candidates = Candidates()
            candidates.collect(ious: ious, faceCount: m, accepting: settings)
            assignGreedy(candidates: candidates, order: order, &faceMatches, &predictionMatches) { _, _ in true }
        }
        return ImageMatch(
            faceMatches: faceMatches.map { $0 < 0 ? nil : $0 },
            predictionMatches: predictionMatches.map { $0 < 0 ? nil : $0 }
        )
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
