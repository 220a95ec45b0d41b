import MaskBenchCore
public import MaskBenchRecords

/// A paired bootstrap over images of the change in pipeline AUC, or in the detector's AP, between two runs on
/// the same faces.
///
/// Each replicate draws as many images as there are, with replacement, exactly as the evaluator's intervals
/// do (``MaskBenchCore/Bootstrap``: replicate `r` seeded from `(seed, r)`, so the result is the same on every
/// run), weights every face of both runs by its image's draw count, and computes `AUC(current) −
/// AUC(baseline)` with the evaluator's AUC. A replicate on which either AUC is undefined (one class only) is
/// left out.
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

    public init(replicates: Int = 1000, seed: UInt64 = Bootstrap.defaultSeed, confidence: Double = 0.95) {
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
        return difference(imageCount: imageCount) {
            { weights in b.weightedAUC(imageWeights: weights) - a.weightedAUC(imageWeights: weights) }
        }
    }

    /// The percentile interval and p-value of `delta` over the replicates of ``MaskBenchCore/Bootstrap`` with
    /// this seed; a replicate where `delta` is NaN is left out.
    ///
    /// - Parameter makeDelta: called once per worker thread; returns the function giving four replicates'
    ///   deltas from each image's weights in four lanes.
    private func difference(
        imageCount: Int, _ makeDelta: @Sendable () -> ([Bootstrap.Lanes]) -> Bootstrap.Lanes
    ) -> Result? {
        let resampler = Bootstrap(samples: replicates, seed: seed, confidence: confidence)
        let all = resampler.replicates(imageCount: imageCount, count: 1) {
            let delta = makeDelta()
            return { weights in [delta(weights)] }
        }[0]
        var deltas = all.filter { !$0.isNaN }
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

    /// One run's detections for the detector's AP (the records' own reading of faces and extras).
    public typealias Detections = RecordedDetections

    /// The bootstrap of `AP(current) − AP(baseline)` (VOC all-point, class-agnostic), images resampled as in
    /// ``aucDifference(baseline:current:imageCount:)``.
    ///
    /// - Returns: `nil` when no replicate has faces.
    public func apDifference(baseline: Detections, current: Detections, imageCount: Int) -> Result? {
        let (a, aImages) = baseline.ranked()
        let (b, bImages) = current.ranked()
        return difference(imageCount: imageCount) {
            var scratch: [(tp: Bootstrap.Lanes, called: Bootstrap.Lanes)] = []
            return { weights in
                func ap(_ ranked: RankedDetections, _ images: [Int32], _ faces: [Int]) -> Bootstrap.Lanes {
                    let positives = faces.reduce(Bootstrap.Lanes.zero) { $0 + weights[$1] }
                    return ranked.weightedAveragePrecisions(
                        positives: positives, images: images, imageWeights: weights, scratch: &scratch
                    ).allPoint
                }
                return ap(b, bImages, current.positives) - ap(a, aImages, baseline.positives)
            }
        }
    }

    /// Samples in descending score order (ties in input order), as the evaluator sorts them for its AUC.
    private static func sorted(_ samples: [Sample]) -> SortedScores {
        SortedScores(
            scores: samples.map(\.score), labels: samples.map(\.positive), images: samples.map(\.image))
    }
}
