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
    /// - Parameter weights: a weight per detection (bootstrap draw counts); `nil` weighs every one 1.
    /// - Parameter positives: the (weighted) number of faces; `nil` uses ``positives``.
    public func precisionRecall(
        cocoEpsilon: Bool = false,
        weights: [Double]? = nil,
        positives weightedPositives: Double? = nil
    ) -> (precision: [Double], recall: [Double]) {
        var precision = [Double](repeating: 0, count: scores.count)
        var recall = [Double](repeating: 0, count: scores.count)
        let eps = cocoEpsilon ? Double.ulpOfOne : 0
        let n = weightedPositives ?? Double(positives)
        var tp = 0.0
        var fp = 0.0
        for k in isTruePositive.indices {
            let w = weights?[k] ?? 1
            if isTruePositive[k] { tp += w } else { fp += w }
            let called = tp + fp
            precision[k] = called > 0 ? tp / (called + eps) : 0
            recall[k] = n > 0 ? tp / n : 0
        }
        return (precision, recall)
    }

    /// Average precision under `interpolation`, or `nil` when there is no face to find
    /// (pycocotools reports -1 there and leaves the class out of the mean).
    ///
    /// - Parameters:
    ///   - weights: a weight per detection, for the bootstrap; `nil` weighs every one 1.
    ///   - positives: the weighted number of faces that goes with `weights`.
    public func averagePrecision(
        _ interpolation: APInterpolation,
        weights: [Double]? = nil,
        positives weightedPositives: Double? = nil
    ) -> Double? {
        let n = weightedPositives ?? Double(positives)
        guard n > 0 else { return nil }
        let (precision, recall) = precisionRecall(
            cocoEpsilon: interpolation == .coco101,
            weights: weights,
            positives: n
        )
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
            // Best precision from the first point reaching each level; precision suffix maxima make it O(n).
            var suffixMax = precision
            for i in stride(from: suffixMax.count - 2, through: 0, by: -1) {
                suffixMax[i] = max(suffixMax[i], suffixMax[i + 1])
            }
            var sum = 0.0
            for level in Self.elevenLevels {
                if let first = Self.firstIndex(in: recall, reaching: level) { sum += suffixMax[first] }
            }
            return sum / 11
        case .coco101:
            return Self.interpolated(precision: precision, recall: recall).reduce(0, +) / 101
        }
    }

    /// Precision interpolated at the 101 COCO recall levels (0 where recall never reaches a level).
    public func interpolatedPrecision() -> [Double] {
        let (precision, recall) = precisionRecall(cocoEpsilon: true)
        return Self.interpolated(precision: precision, recall: recall)
    }

    static func interpolated(precision: [Double], recall: [Double]) -> [Double] {
        var monotone = precision
        for i in stride(from: monotone.count - 1, to: 0, by: -1) where monotone[i] > monotone[i - 1] {
            monotone[i - 1] = monotone[i]
        }
        return cocoLevels.map { level in
            firstIndex(in: recall, reaching: level).map { monotone[$0] } ?? 0
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
