/// How a precision-recall curve is summarised into average precision.
public enum APInterpolation: String, Sendable, Codable, CaseIterable {
    /// Pascal VOC 2010+ every-point: precision made monotone from the right, summed over recall steps.
    case allPoint
    /// Pascal VOC 2007: mean of the best precision at recall ≥ r for r in `linspace(0, 1, 11)`.
    case elevenPoint
    /// pycocotools: mean of the monotone precision at the first point reaching each of
    /// `linspace(0, 1, 101)` recall levels, 0 past the last point.
    case coco101
}

/// Detections ranked by confidence, each a true or false positive, and the number of faces to find.
///
/// The rank order is the caller's: descending score, ties in dataset order (image order, then the order
/// of the predictions within the image), which is what the reference tools' stable sorts give. Detections
/// matched to an ignore region are not in the list: they are neither true nor false positives.
public struct RankedDetections: Sendable, Hashable {
    public let isTruePositive: [Bool]
    public let scores: [Double]
    public let positives: Int

    /// How many detections are true positives.
    let hitCount: Int

    public init(isTruePositive: [Bool], scores: [Double], positives: Int) {
        precondition(isTruePositive.count == scores.count, "one flag per score")
        self.isTruePositive = isTruePositive
        self.scores = scores
        self.positives = positives
        hitCount = isTruePositive.reduce(0) { $0 + ($1 ? 1 : 0) }
    }

    /// Average precision under `interpolation`, or `nil` when there is no face to find
    /// (pycocotools reports -1 there and leaves the class out of the mean).
    ///
    /// The same computation as the bootstrap's replicates (``AveragePrecisions/init(points:positives:)``),
    /// with every detection weighted 1: N perfect detections of N faces give exactly 1 under each
    /// interpolation.
    public func averagePrecision(_ interpolation: APInterpolation) -> Double? {
        guard positives > 0 else { return nil }
        let all = averagePrecisions()
        switch interpolation {
        case .allPoint: return all.allPoint[0]
        case .elevenPoint: return all.elevenPoint[0]
        case .coco101: return all.coco[0]
        }
    }

    /// Precision interpolated at the 101 COCO recall levels (0 where recall never reaches a level).
    public func interpolatedPrecision() -> [Double] {
        guard positives > 0 else { return Array(repeating: 0, count: AveragePrecisions.cocoLevels.count) }
        return averagePrecisions().cocoPrecision.map { $0[0] }
    }

    /// The three APs with every detection weighted 1, the same in every lane.
    private func averagePrecisions() -> AveragePrecisions {
        var scratch: [AveragePrecisions.Point] = []
        return weightedAveragePrecisions(
            positives: Bootstrap.Lanes(repeating: Double(positives)),
            images: [Int32](repeating: 0, count: isTruePositive.count),
            imageWeights: [.one],
            scratch: &scratch
        )
    }

    /// The APs of weighted detections for four bootstrap replicates at once (one per lane), from one
    /// branch-free pass over all detections that keeps the counts at each true positive
    /// (``AveragePrecisions/Point``) and one pass back over those.
    ///
    /// A detection's weight in a lane is its image's; a true positive of weight 0 in a lane repeats the lane's
    /// previous point, which changes no AP. Lanes with no positives are NaN.
    /// - Parameters:
    ///   - positives: the weighted number of faces of each lane.
    ///   - images: the image of the detection at each rank.
    ///   - imageWeights: the weights of each image.
    ///   - scratch: reused between calls; grows to the number of true positives plus one.
    package func weightedAveragePrecisions(
        positives n: Bootstrap.Lanes,
        images: [Int32],
        imageWeights: [Bootstrap.Lanes],
        scratch: inout [AveragePrecisions.Point]
    ) -> AveragePrecisions {
        // One slot per hit, and one for the write after the last hit.
        let slots = hitCount + 1
        if scratch.count < slots { scratch = Array(repeating: (.zero, .zero), count: slots) }
        var count = 0
        isTruePositive.withUnsafeBufferPointer { hits in
            images.withUnsafeBufferPointer { image in
                imageWeights.withUnsafeBufferPointer { weights in
                    scratch.withUnsafeMutableBufferPointer { out in
                        var tp = Bootstrap.Lanes.zero
                        var fp = Bootstrap.Lanes.zero
                        // Every step writes the counts; only a hit keeps them (advances `count`).
                        for k in hits.indices {
                            let w = weights[Int(image[k])]
                            let hit = hits[k]
                            let gained = w * (hit ? 1 : 0)
                            tp += gained
                            fp += w - gained
                            out[count] = (tp, tp + fp)
                            count &+= hit ? 1 : 0
                        }
                    }
                }
            }
        }
        return scratch.withUnsafeBufferPointer {
            AveragePrecisions(points: UnsafeBufferPointer(rebasing: $0[..<count]), positives: n)
        }
    }
}

/// Average precision under the three interpolations for four precision-recall curves at once (one per SIMD
/// lane: four bootstrap replicates, or four IoU thresholds), from the counts at each true positive.
///
/// The one AP computation of MaskBench: point estimates and bootstrap replicates both come from it, so an
/// interval is computed by the same function, on the same data, as its point. Conventions:
/// - recall is `tp / positives` and precision `tp / called` (`called` = true plus false positives); the COCO
///   precision is `tp / (called + ε)`, ε = `ulp(1)`, as pycocotools computes it;
/// - precision is made monotone from the right (the best precision at or after each point); only true
///   positives can hold that best, since a false positive never raises precision;
/// - all-point (VOC): `Σ Δtp · best / positives`, with `Δtp` the exact step in true positives: N perfect
///   detections give `N / N`, exactly 1, where summing recall steps of `1 / N` does not;
/// - 11-point: the sum of the best precision at the first point reaching each of `linspace(0, 1, 11)`, in
///   level order, over 11; 101-point (COCO): the same at `linspace(0, 1, 101)`, summed pairwise as numpy
///   does, over 101, which is pycocotools' value to the last bit. A level no point reaches counts 0.
/// A point whose `tp` equals the previous point's (a detection of weight 0 in that lane, or a hit in
/// another lane) changes nothing. A lane with `positives <= 0` is NaN.
package struct AveragePrecisions {
    /// The counts after a true positive: true positives and all detections so far, per lane.
    package typealias Point = (tp: Bootstrap.Lanes, called: Bootstrap.Lanes)

    package var allPoint: Bootstrap.Lanes
    package var elevenPoint: Bootstrap.Lanes
    package var coco: Bootstrap.Lanes
    /// The interpolated COCO precision at each of the 101 recall levels.
    package var cocoPrecision: [Bootstrap.Lanes]

    /// The APs of the curves through `points` (in rank order).
    package init(points: UnsafeBufferPointer<Point>, positives n: Bootstrap.Lanes) {
        typealias Lanes = Bootstrap.Lanes
        let coco = Self.cocoLevels
        let eleven = Self.elevenLevels
        var cocoPrecision = [Lanes](repeating: .zero, count: coco.count)
        var elevenPrecision = [Lanes](repeating: .zero, count: eleven.count)
        // Per lane, the highest level still to assign (and its value, -1 when none is left); levels past the
        // last recall keep precision 0.
        let lastRecall = points.last.map { $0.tp / n } ?? .zero
        var cocoLevel = SIMD4<Int>(repeating: coco.count - 1)
        var elevenLevel = SIMD4<Int>(repeating: eleven.count - 1)
        var nextCoco = Lanes(repeating: -1)
        var nextEleven = Lanes(repeating: -1)
        for lane in 0..<4 {
            while cocoLevel[lane] >= 0, coco[cocoLevel[lane]] > lastRecall[lane] { cocoLevel[lane] -= 1 }
            while elevenLevel[lane] >= 0, eleven[elevenLevel[lane]] > lastRecall[lane] { elevenLevel[lane] -= 1 }
            if cocoLevel[lane] >= 0 { nextCoco[lane] = coco[cocoLevel[lane]] }
            if elevenLevel[lane] >= 0 { nextEleven[lane] = eleven[elevenLevel[lane]] }
        }
        var steps = Lanes.zero
        var bestVOC = Lanes.zero
        var bestCOCO = Lanes.zero
        for i in stride(from: points.count - 1, through: 0, by: -1) {
            let (tp, called) = points[i]
            let voc = (tp / called).replacing(with: 0, where: called .== 0)
            bestVOC.replace(with: voc, where: voc .> bestVOC)
            let cocoValue = tp / (called + Double.ulpOfOne)
            bestCOCO.replace(with: cocoValue, where: cocoValue .> bestCOCO)
            let previousTP = i > 0 ? points[i - 1].tp : .zero
            steps += (tp - previousTP) * bestVOC
            // Levels above the previous point's recall are first reached here (all that remain at the first).
            let previous = i > 0 ? previousTP / n : Lanes(repeating: -1)
            guard any((nextCoco .> previous) .| (nextEleven .> previous)) else { continue }
            for lane in 0..<4 {
                while cocoLevel[lane] >= 0, coco[cocoLevel[lane]] > previous[lane] {
                    cocoPrecision[cocoLevel[lane]][lane] = bestCOCO[lane]
                    cocoLevel[lane] -= 1
                }
                while elevenLevel[lane] >= 0, eleven[elevenLevel[lane]] > previous[lane] {
                    elevenPrecision[elevenLevel[lane]][lane] = bestVOC[lane]
                    elevenLevel[lane] -= 1
                }
                nextCoco[lane] = cocoLevel[lane] >= 0 ? coco[cocoLevel[lane]] : -1
                nextEleven[lane] = elevenLevel[lane] >= 0 ? eleven[elevenLevel[lane]] : -1
            }
        }
        var cocoSum = Lanes.zero
        var elevenSum = Lanes.zero
        var column = [Double](repeating: 0, count: coco.count)
        for lane in 0..<4 {
            for level in coco.indices { column[level] = cocoPrecision[level][lane] }
            cocoSum[lane] = pairwiseSum(column)
            for level in eleven.indices { elevenSum[lane] += elevenPrecision[level][lane] }
        }
        let undefined = n .<= 0
        allPoint = (steps / n).replacing(with: .nan, where: undefined)
        elevenPoint = (elevenSum / Double(eleven.count)).replacing(with: .nan, where: undefined)
        self.coco = (cocoSum / Double(coco.count)).replacing(with: .nan, where: undefined)
        self.cocoPrecision = cocoPrecision
    }

    static let elevenLevels = linspace(11)
    static let cocoLevels = linspace(101)

    /// `numpy.linspace(0, 1, count)` to the bit: `i * (1 / (count - 1))`, the last level exactly 1.
    ///
    /// The seventh of 11 levels is `0.6000000000000001`, so a recall of exactly 0.6 does not reach it;
    /// the reference tools' 11-point AP depends on that.
    package static func linspace(_ count: Int) -> [Double] {
        let step = 1 / Double(count - 1)
        return (0..<count).map { $0 == count - 1 ? 1 : Double($0) * step }
    }
}
