import Foundation

/// The detector's metrics: rankings, AP, FROC.
extension Evaluator {
    // MARK: - Detection metrics

    /// The detector's rankings and average precisions, from the matching.
    struct DetectionPart: Sendable {
        /// The detections that count at the matching threshold (ignored ones left out), and their images.
        var ranked: RankedDetections
        var rankedImages: [Int32]
        /// The same under the per-image cap of the COCO AP (the same lists when no image has more).
        var rankedCapped: RankedDetections
        var rankedCappedImages: [Int32]
        var ap: APSummary
        var apPerClass: [FaceClass: APSummary]
        var apMean: APSummary
        var froc: [FROCPoint]
        var logAverageMissRate: Double?
        var precisionAtRecall: [Double]
    }

    /// Detections ranked by descending score (ties in dataset order), with their outcome at every IoU
    /// threshold of the matching (bit `t` of ``hits`` and ``ignored``, as in ``RankEntry``).
    struct RankedMatches: Sendable {
        var scores: [Double]
        var images: [Int32]
        var hits: [UInt16]
        var ignored: [UInt16]
        /// The faces to find.
        var positives: Int

        /// Ranks `entries`, made in image order and, within an image, in prediction order, so a stable sort
        /// by score alone gives the tie order. The entries' other fields ride along in the sort, packed in one
        /// word, so nothing is gathered afterwards.
        init(_ entries: ArraySlice<RankEntry>, positives: Int) {
            var keys: [UInt64] = []
            var packed: [UInt64] = []
            keys.reserveCapacity(entries.count)
            packed.reserveCapacity(entries.count)
            for entry in entries {
                keys.append(~ScoreSort.key(entry.score))
                packed.append(
                    UInt64(UInt32(truncatingIfNeeded: entry.image)) << 32 | UInt64(entry.hits) << 16
                        | UInt64(entry.ignored))
            }
            ScoreSort.sort(&keys, carrying: &packed)
            scores = keys.map { ScoreSort.score(fromKey: ~$0) }
            images = packed.map { Int32(truncatingIfNeeded: $0 >> 32) }
            hits = packed.map { UInt16(truncatingIfNeeded: $0 >> 16) }
            ignored = packed.map { UInt16(truncatingIfNeeded: $0) }
            self.positives = positives
        }

        /// The detections that count at threshold `t` (those matched to an ignore region there are left out),
        /// with their images.
        func detections(at t: Int) -> (RankedDetections, images: [Int32]) {
            var isTruePositive: [Bool] = []
            var kept: [Double] = []
            var keptImages: [Int32] = []
            isTruePositive.reserveCapacity(scores.count)
            kept.reserveCapacity(scores.count)
            keptImages.reserveCapacity(scores.count)
            for k in scores.indices where (ignored[k] >> t) & 1 == 0 {
                isTruePositive.append((hits[k] >> t) & 1 != 0)
                kept.append(scores[k])
                keptImages.append(images[k])
            }
            return (RankedDetections(isTruePositive: isTruePositive, scores: kept, positives: positives), keptImages)
        }

        /// The APs at the four thresholds from bit `first` (lane `j` at bit `first + j`), every detection
        /// weighted 1: the computation of the bootstrap's replicates (``AveragePrecisions``).
        func averagePrecisions(from first: Int, scratch: inout [AveragePrecisions.Point]) -> AveragePrecisions {
            typealias Lanes = Bootstrap.Lanes
            let shift = UInt16(first)
            // One slot per detection that hits in some lane, and one for the write after the last: sized to the
            // detections (64 bytes each) it was 309 MB of pages written on 500,000 images, most of them never used.
            let slots = hits.withUnsafeBufferPointer { hits in
                var hitting = 0
                for hit in hits { hitting &+= (hit >> shift) & 0xF != 0 ? 1 : 0 }
                return hitting + 1
            }
            if scratch.count < slots { scratch = Array(repeating: (.zero, .zero), count: slots) }
            var count = 0
            hits.withUnsafeBufferPointer { hits in
                ignored.withUnsafeBufferPointer { ignored in
                    scratch.withUnsafeMutableBufferPointer { out in
                        Self.nibbles.withUnsafeBufferPointer { nibble in
                            var tp = Lanes.zero
                            var called = Lanes.zero
                            // Every step writes the counts; a hit in any lane keeps them (in the other lanes the
                            // point repeats the previous one, which changes no AP).
                            for k in hits.indices {
                                let hit = Int((hits[k] >> shift) & 0xF)
                                tp += nibble[hit]
                                called += nibble[Int(~(ignored[k] >> shift) & 0xF)]
                                out[count] = (tp, called)
                                count &+= hit != 0 ? 1 : 0
                            }
                        }
                    }
                }
            }
            return scratch.withUnsafeBufferPointer {
                AveragePrecisions(
                    points: UnsafeBufferPointer(rebasing: $0[..<count]), positives: Lanes(repeating: Double(positives)))
            }
        }

        /// Four bits as four lanes of 0 or 1.
        static let nibbles: [Bootstrap.Lanes] = (0..<16).map { n in
            Bootstrap.Lanes((0..<4).map { Double((n >> $0) & 1) })
        }
    }

    /// The APs of one ranking: VOC all-point and 11-point at the matching threshold on every detection; the
    /// COCO 101-point APs at the matching threshold, at 0.50:0.05:0.95 and at 0.75 on `capped` (the
    /// detections within pycocotools' per-image cap); and the COCO precision at each recall level of each
    /// threshold (bit `t`: 101 values). All `nil` (and no levels) without faces to find.
    static func averagePrecisions(
        _ all: RankedMatches, capped: RankedMatches, scratch: inout [AveragePrecisions.Point]
    ) -> (APSummary, cocoPrecision: [[Double]]) {
        guard all.positives > 0 else { return (APSummary(), []) }
        let thresholds = 1 + cocoThresholds.count
        var cocoPrecision = [[Double]](repeating: [], count: thresholds)
        var coco = [Double](repeating: 0, count: thresholds)
        var first: AveragePrecisions?
        for start in stride(from: 0, to: thresholds, by: 4) {
            // Lanes past the last threshold read bits that are never set.
            let lanes = capped.averagePrecisions(from: start, scratch: &scratch)
            if start == 0 { first = lanes }
            for lane in 0..<4 where start + lane < thresholds {
                coco[start + lane] = lanes.coco[lane]
                cocoPrecision[start + lane] = lanes.cocoPrecision.map { $0[lane] }
            }
        }
        // Without a cap that bites, the VOC APs are those of the first pass.
        let atMatching: AveragePrecisions
        if let first, all.hits.count == capped.hits.count {
            atMatching = first
        } else {
            atMatching = all.averagePrecisions(from: 0, scratch: &scratch)
        }
        let t75 = 1 + (cocoThresholds.firstIndex(of: 0.75) ?? 5)
        // pycocotools' AP: the mean of every threshold's 101 precisions, threshold by threshold.
        let stacked = cocoPrecision[1...].flatMap { $0 }
        let summary = APSummary(
            voc: atMatching.allPoint[0],
            elevenPoint: atMatching.elevenPoint[0],
            coco: coco[0],
            coco50to95: pairwiseSum(stacked) / Double(stacked.count),
            coco75: coco[t75]
        )
        return (summary, cocoPrecision)
    }

    /// pycocotools' mean over classes of the COCO AP at `thresholds` (bits): the mean of the 101 precisions of
    /// every threshold and class with faces, in its order (threshold, recall level, class).
    static func cocoMean(_ perClass: [[[Double]]], thresholds: ClosedRange<Int>) -> Double? {
        var values: [Double] = []
        for t in thresholds {
            for r in 0..<AveragePrecisions.cocoLevels.count {
                for levels in perClass where !levels.isEmpty { values.append(levels[t][r]) }
            }
        }
        return values.isEmpty ? nil : pairwiseSum(values) / Double(values.count)
    }

    /// The detector's part of ``evaluate(_:_:)``: rankings, AP, FROC.
    func detectionPart(
        _ joined: Partial, capped cappedLists: (agnostic: [RankEntry], perClass: [[RankEntry]])?, images: Int
    ) -> DetectionPart {
        let classes = settings.incorrectAs.classes
        let faceTotal = joined.facesPerImage.reduce(0, +)
        var scratch: [AveragePrecisions.Point] = []
        let agnostic = RankedMatches(joined.agnostic, positives: faceTotal)
        let agnosticCapped = cappedLists.map { RankedMatches($0.agnostic[...], positives: faceTotal) } ?? agnostic
        let (ranked, rankedImages) = agnostic.detections(at: 0)
        let (rankedCapped, rankedCappedImages) =
            cappedLists == nil ? (ranked, rankedImages) : agnosticCapped.detections(at: 0)
        let (ap, cocoPrecision) = Self.averagePrecisions(agnostic, capped: agnosticCapped, scratch: &scratch)
        var apPerClass: [FaceClass: APSummary] = [:]
        var classPrecision: [[[Double]]] = []
        for (k, c) in classes.enumerated() {
            let positives = joined.perClassPositives[k]
            let all = RankedMatches(joined.perClass[k], positives: positives)
            let capped = cappedLists.map { RankedMatches($0.perClass[k][...], positives: positives) } ?? all
            let (summary, levels) = Self.averagePrecisions(all, capped: capped, scratch: &scratch)
            apPerClass[c] = summary
            classPrecision.append(levels)
        }
        let t75 = 1 + (Self.cocoThresholds.firstIndex(of: 0.75) ?? 5)
        let apMean = APSummary(
            voc: Self.mean(classes.compactMap { apPerClass[$0]?.voc }),
            elevenPoint: Self.mean(classes.compactMap { apPerClass[$0]?.elevenPoint }),
            coco: Self.mean(classes.compactMap { apPerClass[$0]?.coco }),
            coco50to95: Self.cocoMean(classPrecision, thresholds: 1...Self.cocoThresholds.count),
            coco75: Self.cocoMean(classPrecision, thresholds: t75...t75)
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
            precisionAtRecall: cocoPrecision.first ?? []
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
