import Foundation

/// The detector's metrics: rankings, AP, FROC.
extension Evaluator {
    // MARK: - Detection metrics

    /// The detector's rankings and average precisions, from the matching.
    struct DetectionPart: Sendable {
        var ranked: RankedDetections
        var rankedImages: [Int32]
        var rankedCapped: RankedDetections
        var rankedCappedImages: [Int32]
        var ap: APSummary
        var apPerClass: [FaceClass: APSummary]
        var apMean: APSummary
        var froc: [FROCPoint]
        var logAverageMissRate: Double?
        var precisionAtRecall: [Double]
    }

    /// The detector's part of ``evaluate(_:_:)``: rankings, AP, FROC.
    func detectionPart(
        _ joined: Partial, capped cappedLists: (agnostic: [RankEntry], perClass: [[RankEntry]])?, images: Int
    ) -> DetectionPart {
        let classes = settings.incorrectAs.classes
        let faceTotal = joined.outcomes.count
        let (ranked, rankedImages) = Self.rank(joined.agnostic, positives: faceTotal)
        let (rankedCapped, rankedCappedImages) =
            cappedLists.map { Self.rank($0.agnostic, positives: faceTotal) } ?? (ranked, rankedImages)
        var ap = APSummary(
            voc: ranked.averagePrecision(.allPoint),
            elevenPoint: ranked.averagePrecision(.elevenPoint),
            coco: rankedCapped.averagePrecision(.coco101)
        )
        if faceTotal == 0 { ap = APSummary() }
        var apPerClass: [FaceClass: APSummary] = [:]
        for (k, c) in classes.enumerated() {
            let positives = joined.perClassPositives[k]
            let (r, _) = Self.rank(joined.perClass[k], positives: positives)
            let rc = cappedLists.map { Self.rank($0.perClass[k], positives: positives).0 } ?? r
            apPerClass[c] = APSummary(
                voc: r.averagePrecision(.allPoint),
                elevenPoint: r.averagePrecision(.elevenPoint),
                coco: rc.averagePrecision(.coco101)
            )
        }
        let apMean = APSummary(
            voc: Self.mean(classes.compactMap { apPerClass[$0]?.voc }),
            elevenPoint: Self.mean(classes.compactMap { apPerClass[$0]?.elevenPoint }),
            coco: Self.mean(classes.compactMap { apPerClass[$0]?.coco })
        )
        let (froc, lamr) = Self.froc(ranked, images: images)
        return DetectionPart(
            ranked: ranked,
            rankedImages: rankedImages,
            rankedCapped: rankedCapped,
            rankedCappedImages: rankedCappedImages,
            ap: ap,
            apPerClass: apPerClass,
            apMean: apMean,
            froc: froc,
            logAverageMissRate: lamr,
            precisionAtRecall: rankedCapped.positives > 0 ? rankedCapped.interpolatedPrecision() : []
        )
    }

    /// The nine FPPI levels of the Caltech log-average miss rate, `logspace(-2, 0, 9)`, then 2, 4 and 8.
    static let frocLevels: [Double] = (0..<9).map { pow(10, -2 + Double($0) / 4) } + [2, 4, 8]

    /// Miss rate at each FPPI level: the lowest threshold whose false positives per image stay at or
    /// below the level. Returns the points and the log-average miss rate over the first nine.
    static func froc(_ ranked: RankedDetections, images: Int) -> ([FROCPoint], Double?) {
        guard images > 0, ranked.positives > 0 else { return ([], nil) }
        // Operating points at each distinct score: (fppi, missRate, threshold).
        var points: [(fppi: Double, miss: Double, threshold: Double)] = []
        var tp = 0
        var fp = 0
        for k in ranked.scores.indices {
            if ranked.isTruePositive[k] { tp += 1 } else { fp += 1 }
            if k + 1 == ranked.scores.count || ranked.scores[k + 1] != ranked.scores[k] {
                points.append(
                    (Double(fp) / Double(images), 1 - Double(tp) / Double(ranked.positives), ranked.scores[k])
                )
            }
        }
        var result: [FROCPoint] = []
        for level in frocLevels {
            let reachable = points.last { $0.fppi <= level }
            result.append(
                FROCPoint(
                    falsePositivesPerImage: level,
                    missRate: reachable?.miss ?? 1,
                    threshold: reachable?.threshold
                )
            )
        }
        let logs = result.prefix(9).map { log(max($0.missRate, 1e-10)) }
        return (result, exp(logs.reduce(0, +) / Double(logs.count)))
    }
}
