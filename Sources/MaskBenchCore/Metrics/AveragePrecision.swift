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
    public var isTruePositive: [Bool]
    public var scores: [Double]
    public var positives: Int

    public init(isTruePositive: [Bool], scores: [Double], positives: Int) {
        precondition(isTruePositive.count == scores.count, "one flag per score")
        self.isTruePositive = isTruePositive
        self.scores = scores
        self.positives = positives
    }

    /// Cumulative precision and recall after each detection.
    ///
    /// With `cocoEpsilon` precision is `tp / (tp + fp + ε)`, ε = `ulp(1)`, to the last bit as pycocotools
    /// computes it; otherwise `tp / (tp + fp)`.
    public func precisionRecall(cocoEpsilon: Bool = false) -> (precision: [Double], recall: [Double]) {
        var precision = [Double](repeating: 0, count: scores.count)
        var recall = [Double](repeating: 0, count: scores.count)
        fill(&precision, &recall, cocoEpsilon: cocoEpsilon, positives: Double(positives)) { _ in 1 }
        return (precision, recall)
    }

    /// Writes cumulative precision and recall into `precision` and `recall` (each ``scores``' length).
    @inline(__always)
    func fill(
        _ precision: inout [Double],
        _ recall: inout [Double],
        cocoEpsilon: Bool,
        positives n: Double,
        weight: (Int) -> Double
    ) {
        let eps = cocoEpsilon ? Double.ulpOfOne : 0
        var tp = 0.0
        var fp = 0.0
        isTruePositive.withUnsafeBufferPointer { hits in
            precision.withUnsafeMutableBufferPointer { p in
                recall.withUnsafeMutableBufferPointer { r in
                    for k in hits.indices {
                        let w = weight(k)
                        if hits[k] { tp += w } else { fp += w }
                        let called = tp + fp
                        p[k] = called > 0 ? tp / (called + eps) : 0
                        r[k] = n > 0 ? tp / n : 0
                    }
                }
            }
        }
    }

    /// Average precision under `interpolation`, or `nil` when there is no face to find
    /// (pycocotools reports -1 there and leaves the class out of the mean).
    public func averagePrecision(_ interpolation: APInterpolation) -> Double? {
        guard positives > 0 else { return nil }
        var precision = [Double](repeating: 0, count: scores.count)
        var recall = [Double](repeating: 0, count: scores.count)
        return averagePrecision(interpolation, positives: Double(positives), &precision, &recall) { _ in 1 }
    }

    /// Average precision of weighted detections, for the bootstrap.
    ///
    /// - Parameters:
    ///   - positives: the weighted number of faces.
    ///   - precision: scratch of ``scores``' length, reused between calls.
    ///   - recall: scratch of ``scores``' length.
    ///   - weight: the weight of the detection at a rank.
    func averagePrecision(
        _ interpolation: APInterpolation,
        positives: Double,
        _ precision: inout [Double],
        _ recall: inout [Double],
        weight: (Int) -> Double
    ) -> Double? {
        guard positives > 0 else { return nil }
        fill(&precision, &recall, cocoEpsilon: interpolation == .coco101, positives: positives, weight: weight)
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

    /// VOC all-point and COCO 101-point AP of weighted detections, for the bootstrap: one forward pass
    /// and one backward pass over the true positives only.
    ///
    /// The best precision at or after a true positive is reached at a true positive (a false positive never
    /// raises precision), and recall only changes at true positives, so the false positives matter only
    /// through the running counts. The sums run in another order than ``averagePrecision(_:)``'s, so the
    /// values can differ from it in the last bits.
    /// - Parameters:
    ///   - positives: the weighted number of faces.
    ///   - images: the image of the detection at each rank.
    ///   - imageWeights: the weight of each image.
    ///   - scratch: reused between calls; grows to the number of detections.
    func weightedAveragePrecisions(
        positives n: Double,
        images: [Int32],
        imageWeights: [Double],
        scratch: inout [(tp: Double, called: Double)]
    ) -> (allPoint: Double, coco: Double)? {
        guard n > 0 else { return nil }
        if scratch.count < isTruePositive.count { scratch = Array(repeating: (0, 0), count: isTruePositive.count) }
        var count = 0
        isTruePositive.withUnsafeBufferPointer { hits in
            images.withUnsafeBufferPointer { image in
                imageWeights.withUnsafeBufferPointer { weights in
                    scratch.withUnsafeMutableBufferPointer { out in
                        var tp = 0.0
                        var fp = 0.0
                        for k in hits.indices {
                            let w = weights[Int(image[k])]
                            guard w > 0 else { continue }
                            if hits[k] {
                                tp += w
                                out[count] = (tp, tp + fp)
                                count += 1
                            } else {
                                fp += w
                            }
                        }
                    }
                }
            }
        }
        let levels = Self.cocoLevels
        var level = levels.count - 1
        let lastRecall = count > 0 ? scratch[count - 1].tp / n : 0
        while level >= 0, levels[level] > lastRecall { level -= 1 }  // never reached: precision 0
        var allPoint = 0.0
        var coco = 0.0
        var bestVOC = 0.0
        var bestCOCO = 0.0
        for i in stride(from: count - 1, through: 0, by: -1) {
            let (hits, called) = scratch[i]
            bestVOC = max(bestVOC, hits / called)
            bestCOCO = max(bestCOCO, hits / (called + Double.ulpOfOne))
            let recall = hits / n
            let previous = i > 0 ? scratch[i - 1].tp / n : -1
            allPoint += (recall - max(previous, 0)) * bestVOC
            while level >= 0, levels[level] > previous {
                coco += bestCOCO
                level -= 1
            }
        }
        return (allPoint, coco / Double(levels.count))
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
