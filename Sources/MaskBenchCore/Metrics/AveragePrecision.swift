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
/// of the predictions within the image), which is what the reference tools' stable sorts give.
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

    /// Cumulative precision and recall after each detection.
    ///
    /// With `cocoEpsilon` precision is `tp / (tp + fp + ε)`, ε = `ulp(1)`, to the last bit as pycocotools
    /// computes it; otherwise `tp / (tp + fp)`.
    public func precisionRecall(cocoEpsilon: Bool = false) -> (precision: [Double], recall: [Double]) {
        var precision = [Double](repeating: 0, count: scores.count)
        var recall = [Double](repeating: 0, count: scores.count)
        let eps = cocoEpsilon ? Double.ulpOfOne : 0
        let n = Double(positives)
        var tp = 0.0
        var fp = 0.0
        for k in isTruePositive.indices {
            if isTruePositive[k] { tp += 1 } else { fp += 1 }
            precision[k] = tp / (tp + fp + eps)
            recall[k] = n > 0 ? tp / n : 0
        }
        return (precision, recall)
    }

    /// Average precision under `interpolation`, or `nil` when there is no face to find
    /// (pycocotools reports -1 there and leaves the class out of the mean).
    public func averagePrecision(_ interpolation: APInterpolation) -> Double? {
        guard positives > 0 else { return nil }
        var (precision, recall) = precisionRecall(cocoEpsilon: interpolation == .coco101)
        switch interpolation {
        case .allPoint:
            // mrec = [0] + recall + [1], mpre = [0] + precision + [0], made monotone from the right.
            var ap = 0.0
            var running = 0.0  // max precision to the right, mpre's last entry is 0
            var previousRecall = 1.0
            for i in stride(from: recall.count - 1, through: -1, by: -1) {
                let r = i >= 0 ? recall[i] : 0
                if previousRecall != r { ap += (previousRecall - r) * running }
                if i >= 0 { running = max(running, precision[i]) }
                previousRecall = r
            }
            return ap
        case .elevenPoint:
            // Best precision from the first point reaching each level: precision suffix maxima, in place.
            for i in stride(from: precision.count - 2, through: 0, by: -1) {
                precision[i] = max(precision[i], precision[i + 1])
            }
            var sum = 0.0
            for level in Self.elevenLevels {
                if let first = Self.firstIndex(in: recall, reaching: level) { sum += precision[first] }
            }
            return sum / 11
        case .coco101:
            return pairwiseSum(Self.interpolated(&precision, recall: recall)) / 101
        }
    }

    /// VOC all-point and COCO 101-point AP of weighted detections for four bootstrap replicates at once
    /// (one per lane): one forward pass over all detections, one backward pass over the true positives.
    ///
    /// The best precision at or after a true positive is reached at a true positive (a false positive never
    /// raises precision), and recall only changes at true positives, so the false positives matter only
    /// through the running counts. A true positive of weight 0 in a lane repeats the lane's previous point,
    /// which changes neither sum. The sums run in another order than ``averagePrecision(_:)``'s, so the
    /// values can differ from it in the last bits. Lanes with no positives are NaN.
    /// - Parameters:
    ///   - positives: the weighted number of faces of each lane.
    ///   - images: the image of the detection at each rank.
    ///   - imageWeights: the weights of each image.
    ///   - scratch: reused between calls; grows to the number of true positives plus one.
    package func weightedAveragePrecisions(
        positives n: SIMD4<Double>,
        images: [Int32],
        imageWeights: [SIMD4<Double>],
        scratch: inout [(tp: SIMD4<Double>, called: SIMD4<Double>)]
    ) -> (allPoint: SIMD4<Double>, coco: SIMD4<Double>) {
        typealias Lanes = SIMD4<Double>
        // One slot per hit, and one for the write after the last hit.
        let slots = hitCount + 1
        if scratch.count < slots { scratch = Array(repeating: (.zero, .zero), count: slots) }
        var count = 0
        isTruePositive.withUnsafeBufferPointer { hits in
            images.withUnsafeBufferPointer { image in
                imageWeights.withUnsafeBufferPointer { weights in
                    scratch.withUnsafeMutableBufferPointer { out in
                        var tp = Lanes.zero
                        var fp = Lanes.zero
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
        let levels = Self.cocoLevels
        let top = levels.count - 1
        // Per lane, the highest level still to assign; levels past the last recall stay at precision 0.
        var level = SIMD4<Int>(repeating: top)
        let lastRecall = count > 0 ? scratch[count - 1].tp * (1 / n) : .zero
        for lane in 0..<4 {
            while level[lane] >= 0, levels[level[lane]] > lastRecall[lane] { level[lane] -= 1 }
        }
        var allPoint = Lanes.zero
        var coco = Lanes.zero
        var bestVOC = Lanes.zero
        var bestCOCO = Lanes.zero
        let inverse = 1 / n
        var recall = count > 0 ? scratch[count - 1].tp * inverse : .zero
        for i in stride(from: count - 1, through: 0, by: -1) {
            let (hits, called) = scratch[i]
            let voc = (hits / called).replacing(with: 0, where: called .== 0)
            bestVOC.replace(with: voc, where: voc .> bestVOC)
            let cocoPrecision = hits / (called + Double.ulpOfOne)
            bestCOCO.replace(with: cocoPrecision, where: cocoPrecision .> bestCOCO)
            let previous = i > 0 ? scratch[i - 1].tp * inverse : Lanes(repeating: -1)
            allPoint += (recall - previous.replacing(with: 0, where: previous .< 0)) * bestVOC
            for lane in 0..<4 {
                while level[lane] >= 0, levels[level[lane]] > previous[lane] {
                    coco[lane] += bestCOCO[lane]
                    level[lane] -= 1
                }
            }
            recall = previous
        }
        let undefined = n .<= 0
        return (
            allPoint.replacing(with: .nan, where: undefined),
            (coco / Double(levels.count)).replacing(with: .nan, where: undefined)
        )
    }

    /// Precision interpolated at the 101 COCO recall levels (0 where recall never reaches a level).
    public func interpolatedPrecision() -> [Double] {
        var (precision, recall) = precisionRecall(cocoEpsilon: true)
        return Self.interpolated(&precision, recall: recall)
    }

    /// Makes `precision` monotone from the right (in place), then reads it at the 101 recall levels.
    static func interpolated(_ precision: inout [Double], recall: [Double]) -> [Double] {
        for i in stride(from: precision.count - 1, to: 0, by: -1) where precision[i] > precision[i - 1] {
            precision[i - 1] = precision[i]
        }
        return cocoLevels.map { level in
            firstIndex(in: recall, reaching: level).map { precision[$0] } ?? 0
        }
    }

    static let elevenLevels = linspace(11)
    static let cocoLevels = linspace(101)

    /// `numpy.linspace(0, 1, count)` to the bit: `i * (1 / (count - 1))`, the last level exactly 1.
    ///
    /// The seventh of 11 levels is `0.6000000000000001`, so a recall of exactly 0.6 does not reach it;
    /// the reference tools' 11-point AP depends on that.
    public static func linspace(_ count: Int) -> [Double] {
        let step = 1 / Double(count - 1)
        return (0..<count).map { $0 == count - 1 ? 1 : Double($0) * step }
    }

    /// `numpy.searchsorted(recall, level, side='left')` when it is inside the array.
    static func firstIndex(in recall: [Double], reaching level: Double) -> Int? {
        var lo = 0
        var hi = recall.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if recall[mid] < level { lo = mid + 1 } else { hi = mid }
        }
        return lo < recall.count ? lo : nil
    }
}

extension RankedDetections {
    /// VOC all-point AP with every detection weighted by its image's weight (one bootstrap replicate).
    ///
    /// - Parameters:
    ///   - images: the image of the detection at each rank.
    ///   - imageWeights: how often each image was drawn.
    ///   - positives: the weighted number of faces.
    /// - Returns: `nil` when `positives` is 0.
    public func weightedAllPointAP(images: [Int32], imageWeights: [Double], positives: Double) -> Double? {
        guard positives > 0 else { return nil }
        var scratch: [(tp: SIMD4<Double>, called: SIMD4<Double>)] = []
        let result = weightedAveragePrecisions(
            positives: SIMD4(repeating: positives),
            images: images,
            imageWeights: imageWeights.map { SIMD4(repeating: $0) },
            scratch: &scratch
        )
        return result.allPoint[0]
    }
}
