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
        var faceMatches = [Int?](repeating: nil, count: faces.count)
        var predictionMatches = [Int?](repeating: nil, count: boxes.count)
        guard !boxes.isEmpty, !faces.isEmpty else {
            return ImageMatch(faceMatches: faceMatches, predictionMatches: predictionMatches)
        }
        let pixels = settings.pixels
        // IoU table, prediction-major.
        var ious = [Double](repeating: 0, count: boxes.count * faces.count)
        for p in boxes.indices {
            for g in faces.indices {
                ious[p * faces.count + g] = boxes[p].iou(with: faces[g], pixels: pixels)
            }
        }
        switch settings.mode {
        case .coco, .voc:
            for p in Self.rankedByScore(scores) {
                let row = p * faces.count
                var best: Int?
                var bestIoU = 0.0
                if settings.mode == .coco {
                    for g in faces.indices where faceMatches[g] == nil {
                        let v = ious[row + g]
                        guard settings.accepts(v) else { continue }
                        if best == nil || v >= bestIoU {
                            best = g
                            bestIoU = v
                        }
                    }
                } else {
                    var top = -1
                    var topIoU = -1.0
                    for g in faces.indices where ious[row + g] > topIoU {
                        top = g
                        topIoU = ious[row + g]
                    }
                    if settings.accepts(topIoU), faceMatches[top] == nil { best = top }
                }
                if let g = best {
                    faceMatches[g] = p
                    predictionMatches[p] = g
                }
            }
        case .dataroots:
            for g in faces.indices {
                for p in boxes.indices where settings.accepts(ious[p * faces.count + g]) {
                    if let current = faceMatches[g], maskScores[current] <= maskScores[p] { continue }
                    faceMatches[g] = p
                }
            }
            for p in boxes.indices {
                let row = p * faces.count
                var top: Int?
                var topIoU = -1.0
                for g in faces.indices where settings.accepts(ious[row + g]) && ious[row + g] > topIoU {
                    top = g
                    topIoU = ious[row + g]
                }
                predictionMatches[p] = top
            }
        }
        return ImageMatch(faceMatches: faceMatches, predictionMatches: predictionMatches)
    }

    /// Indices ordered by descending score; equal scores keep their input order.
    public static func rankedByScore(_ scores: [Double]) -> [Int] {
        Array(scores.indices).sorted { a, b in
            scores[a] != scores[b] ? scores[a] > scores[b] : a < b
        }
    }
}
