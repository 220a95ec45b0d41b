import MaskBenchCore

/// A paired bootstrap over images of the change in pipeline AUC, or in the detector's AP, between two runs on
/// the same faces.
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
        let a = Self.sorted(baseline)
        let b = Self.sorted(current)
        return difference(imageCount: imageCount) { weights in
            guard
                let before = ROCCurve.weightedAUC(
                    sortedScores: a.scores, labels: a.labels, weights: a.images.map { weights[$0] }),
                let after = ROCCurve.weightedAUC(
                    sortedScores: b.scores, labels: b.labels, weights: b.images.map { weights[$0] })
            else { return nil }
            return after - before
        }
    }

    /// The percentile interval and p-value of `delta` over the replicates (each draws `imageCount` images with
    /// replacement, seeded from `(seed, r)`); a replicate where `delta` is `nil` is left out.
    private func difference(imageCount: Int, _ delta: ([Double]) -> Double?) -> Result? {
        guard replicates > 0, imageCount > 0 else { return nil }
        var weights = [Double](repeating: 0, count: imageCount)
        var deltas: [Double] = []
        deltas.reserveCapacity(replicates)
        for r in 0..<replicates {
            for i in weights.indices { weights[i] = 0 }
            var rng = SplitMix64(seed: seed ^ (UInt64(r) &* 0xD1B5_4A32_D192_ED03))
            for _ in 0..<imageCount { weights[Int(rng.next() % UInt64(imageCount))] += 1 }
            if let d = delta(weights) { deltas.append(d) }
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

    /// One run's detections for the detector's AP: scores, whether each is a true positive, its image, and
    /// the image of every face (the positives).
    public struct Detections: Sendable, Hashable {
        public var scores: [Double] = []
        public var truePositives: [Bool] = []
        public var images: [Int] = []
        /// The image of each ground-truth face.
        public var positives: [Int] = []

        public init() {}

        mutating func append(score: Double, truePositive: Bool, image: Int) {
            scores.append(score)
            truePositives.append(truePositive)
            images.append(image)
        }

        /// Ranked by descending score (ties in input order), as AP ranks them.
        func ranked() -> (RankedDetections, images: [Int32]) {
            let order = scores.indices.sorted { scores[$0] != scores[$1] ? scores[$0] > scores[$1] : $0 < $1 }
            return (
                RankedDetections(
                    isTruePositive: order.map { truePositives[$0] }, scores: order.map { scores[$0] },
                    positives: positives.count),
                order.map { Int32(truncatingIfNeeded: images[$0]) }
            )
        }
    }

    /// The bootstrap of `AP(current) − AP(baseline)` (VOC all-point, class-agnostic), images resampled as in
    /// ``aucDifference(baseline:current:imageCount:)``.
    ///
    /// - Returns: `nil` when no replicate has faces.
    public func apDifference(baseline: Detections, current: Detections, imageCount: Int) -> Result? {
        let (a, aImages) = baseline.ranked()
        let (b, bImages) = current.ranked()
        return difference(imageCount: imageCount) { weights in
            guard
                let before = a.weightedAllPointAP(
                    images: aImages, imageWeights: weights, positives: baseline.positives.reduce(0) { $0 + weights[$1] }
                ),
                let after = b.weightedAllPointAP(
                    images: bImages, imageWeights: weights, positives: current.positives.reduce(0) { $0 + weights[$1] })
            else { return nil }
            return after - before
        }
    }

    /// Samples in descending score order (ties in input order), as ``MaskBenchCore/ROCCurve/weightedAUC(sortedScores:labels:weights:)`` needs.
    private static func sorted(_ samples: [Sample]) -> (scores: [Double], labels: [Bool], images: [Int]) {
        let order = samples.indices.sorted {
            samples[$0].score != samples[$1].score ? samples[$0].score > samples[$1].score : $0 < $1
        }
        return (order.map { samples[$0].score }, order.map { samples[$0].positive }, order.map { samples[$0].image })
    }
}
