import MaskBenchCore

/// A paired bootstrap over images of the change in pipeline AUC between two runs on the same faces.
///
/// Each replicate draws as many images as there are, with replacement (replicate `r` seeded from
/// `(seed, r)` with ``MaskBenchCore/SplitMix64``, so the result is the same on every run), weights every
/// face of both runs by its image's draw count, and computes `AUC(current) − AUC(baseline)`. A replicate
/// on which either AUC is undefined (one class only) is left out.
public struct PairedBootstrap: Sendable, Hashable {
    /// One run's faces: the ROC score, whether the face is a positive (masked), and its image.
    public struct Sample: Sendable, Hashable {
        public var score: Double
        public var positive: Bool
        public var image: Int

        public init(score: Double, positive: Bool, image: Int) {
            self.score = score
            self.positive = positive
            self.image = image
        }
    }

    /// The outcome: the percentile interval of the difference and the two-sided p-value.
    public struct Result: Sendable, Hashable {
        public var low: Double
        public var high: Double
        /// `min(1, 2 · min(P*(Δ ≤ 0), P*(Δ ≥ 0)))` over the replicates: the percentile p-value.
        public var pValue: Double
        /// Replicates on which both AUCs were defined.
        public var replicates: Int
    }

    public var replicates: Int
    public var seed: UInt64
    /// Central coverage of the interval.
    public var confidence: Double

    public init(replicates: Int = 1000, seed: UInt64 = 20_240_601, confidence: Double = 0.95) {
        self.replicates = replicates
        self.seed = seed
        self.confidence = confidence
    }

    /// The bootstrap of `AUC(current) − AUC(baseline)`.
    ///
    /// - Parameters:
    ///   - baseline: the baseline's faces.
    ///   - current: the current run's faces; images are indices `0..<imageCount` shared by both.
    ///   - imageCount: the number of images resampled.
    /// - Returns: `nil` when no replicate has both AUCs defined.
    public func aucDifference(baseline: [Sample], current: [Sample], imageCount: Int) -> Result? {
        guard replicates > 0, imageCount > 0 else { return nil }
        let a = Self.sorted(baseline)
        let b = Self.sorted(current)
        var weights = [Double](repeating: 0, count: imageCount)
        var deltas: [Double] = []
        deltas.reserveCapacity(replicates)
        for r in 0..<replicates {
            for i in weights.indices { weights[i] = 0 }
            var rng = SplitMix64(seed: seed ^ (UInt64(r) &* 0xD1B5_4A32_D192_ED03))
            for _ in 0..<imageCount { weights[Int(rng.next() % UInt64(imageCount))] += 1 }
            guard
                let before = ROCCurve.weightedAUC(
                    sortedScores: a.scores, labels: a.labels, weights: a.images.map { weights[$0] }),
                let after = ROCCurve.weightedAUC(
                    sortedScores: b.scores, labels: b.labels, weights: b.images.map { weights[$0] })
            else { continue }
            deltas.append(after - before)
        }
        guard !deltas.isEmpty else { return nil }
        deltas.sort()
        let n = Double(deltas.count)
        let atOrBelow = Double(deltas.filter { $0 <= 0 }.count)
        let atOrAbove = Double(deltas.filter { $0 >= 0 }.count)
        let tail = (1 - confidence) / 2
        return Result(
            low: Bootstrap.percentile(deltas, tail),
            high: Bootstrap.percentile(deltas, 1 - tail),
            pValue: min(1, 2 * min(atOrBelow, atOrAbove) / n),
            replicates: deltas.count
        )
    }

    /// Samples in descending score order (ties in input order), as ``MaskBenchCore/ROCCurve/weightedAUC(sortedScores:labels:weights:)`` needs.
    private static func sorted(_ samples: [Sample]) -> (scores: [Double], labels: [Bool], images: [Int]) {
        let order = samples.indices.sorted {
            samples[$0].score != samples[$1].score ? samples[$0].score > samples[$1].score : $0 < $1
        }
        return (order.map { samples[$0].score }, order.map { samples[$0].positive }, order.map { samples[$0].image })
    }
}
