/// A receiver operating characteristic curve, computed as scikit-learn's `roc_curve` does.
///
/// Positive class = masked. Points run from `(0, 0)` at threshold `+∞` to `(1, 1)`; each later point is
/// a distinct score, descending, called positive when `score >= threshold`. With `dropIntermediate`
/// (scikit-learn's default) points that lie on a straight line between their neighbours are dropped;
/// the area is the same either way. Without positives or without negatives the rates are undefined and
/// ``auc`` is `nil` (scikit-learn warns and returns NaN).
public struct ROCCurve: Sendable, Hashable, Codable {
    public var falsePositiveRates: [Double]
    public var truePositiveRates: [Double]
    /// The first threshold is `+∞`, written as `nil` in JSON.
    public var thresholds: [Double]
    public var positives: Int
    public var negatives: Int

    /// Builds the curve.
    /// - Parameters:
    ///   - scores: higher means more likely positive.
    ///   - labels: `true` for positives.
    ///   - dropIntermediate: drop collinear points, as scikit-learn's default.
    public init(scores: [Double], labels: [Bool], dropIntermediate: Bool = true) {
        precondition(scores.count == labels.count, "one label per score")
        // Keys from the highest score to the lowest: equal keys are equal scores.
        let (keys, marks) = ScoreSort.descendingKeys(scores, flags: labels)
        // Cumulative counts at each distinct score, with a leading (0, 0) at +∞.
        var distinct = 1
        for k in keys.indices.dropFirst() where keys[k] != keys[k - 1] { distinct += 1 }
        var fps: [Double] = [0]
        var tps: [Double] = [0]
        var thresholds: [Double] = [.infinity]
        fps.reserveCapacity(distinct + 1)
        tps.reserveCapacity(distinct + 1)
        thresholds.reserveCapacity(distinct + 1)
        var tp = 0.0
        var fp = 0.0
        keys.withUnsafeBufferPointer { s in
            marks.withUnsafeBufferPointer { l in
                for k in s.indices {
                    if l[k] != 0 { tp += 1 } else { fp += 1 }
                    if k + 1 == s.count || s[k + 1] != s[k] {
                        tps.append(tp)
                        fps.append(fp)
                        thresholds.append(ScoreSort.score(fromKey: ~s[k]))
                    }
                }
            }
        }
        if dropIntermediate, fps.count > 3 {
            // scikit-learn keeps the ends and every point where the curve bends (second difference ≠ 0),
            // computed on the points after +∞; compacted in place.
            var kept = 1
            let last = fps.count - 1
            for k in 1...last {
                let bends =
                    k == 1 || k == last
                    || fps[k + 1] - 2 * fps[k] + fps[k - 1] != 0 || tps[k + 1] - 2 * tps[k] + tps[k - 1] != 0
                if bends {
                    fps[kept] = fps[k]
                    tps[kept] = tps[k]
                    thresholds[kept] = thresholds[k]
                    kept += 1
                }
            }
            fps.removeLast(fps.count - kept)
            tps.removeLast(tps.count - kept)
            thresholds.removeLast(thresholds.count - kept)
        }
        positives = Int(tp)
        negatives = Int(fp)
        self.thresholds = thresholds
        let fpTotal = fp
        let tpTotal = tp
        falsePositiveRates = fps.map { fpTotal > 0 ? $0 / fpTotal : .nan }
        truePositiveRates = tps.map { tpTotal > 0 ? $0 / tpTotal : .nan }
        falsePositiveRates[0] = 0
        truePositiveRates[0] = 0
    }

    /// Trapezoidal area under the curve, or `nil` without both classes.
    public var auc: Double? {
        guard positives > 0, negatives > 0 else { return nil }
        return Self.trapezoid(x: falsePositiveRates, y: truePositiveRates)
    }

    /// `numpy.trapz(y, x)`: the same terms, summed pairwise as numpy sums them.
    static func trapezoid(x: [Double], y: [Double]) -> Double {
        guard x.count > 1 else { return 0 }
        var terms = [Double](repeating: 0, count: x.count - 1)
        for k in 1..<x.count {
            let width: Double = x[k] - x[k - 1]
            let heights: Double = y[k] + y[k - 1]
            terms[k - 1] = width * heights / 2.0
        }
        return pairwiseSum(terms)
    }

    enum CodingKeys: String, CodingKey {
        case falsePositiveRates, truePositiveRates, thresholds, positives, negatives
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(falsePositiveRates, forKey: .falsePositiveRates)
        try c.encode(truePositiveRates, forKey: .truePositiveRates)
        try c.encode(thresholds.map { $0.isFinite ? $0 : nil }, forKey: .thresholds)
        try c.encode(positives, forKey: .positives)
        try c.encode(negatives, forKey: .negatives)
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        falsePositiveRates = try c.decode([Double].self, forKey: .falsePositiveRates)
        truePositiveRates = try c.decode([Double].self, forKey: .truePositiveRates)
        thresholds = try c.decode([Double?].self, forKey: .thresholds).map { $0 ?? .infinity }
        positives = try c.decode(Int.self, forKey: .positives)
        negatives = try c.decode(Int.self, forKey: .negatives)
    }
}
