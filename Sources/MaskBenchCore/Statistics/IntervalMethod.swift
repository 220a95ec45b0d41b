import Foundation

/// How the AUC and AP intervals of an evaluation were computed: what `metrics.json` states beside them.
public struct IntervalMethod: Sendable, Hashable, Codable {
    /// `percentile-bootstrap` (every replicate resamples all images), `bag-of-little-bootstraps` (above
    /// ``Bootstrap/littleBootstrapImages`` images), or `none` (no replicates: the intervals are `null`).
    public var name: String
    /// Replicates in all.
    public var replicates: Int
    /// The bag of little bootstraps' subsets; `null` otherwise.
    @NullEncoded public var subsets: Int?
    /// Distinct images in each of those subsets; `null` otherwise.
    @NullEncoded public var subsetImages: Int?

    public init(name: String, replicates: Int, subsets: Int? = nil, subsetImages: Int? = nil) {
        self.name = name
        self.replicates = replicates
        self.subsets = subsets
        self.subsetImages = subsetImages
    }
}

extension Bootstrap {
    /// The method ``intervals(imageCount:count:makeStatistics:)`` uses on `imageCount` images.
    public func method(imageCount: Int) -> IntervalMethod {
        guard samples > 0, imageCount > 0 else { return IntervalMethod(name: "none", replicates: 0) }
        guard imageCount > Self.littleBootstrapImages else {
            return IntervalMethod(name: "percentile-bootstrap", replicates: samples)
        }
        let plan = littlePlan(imageCount: imageCount)
        return IntervalMethod(
            name: "bag-of-little-bootstraps", replicates: plan.subsets * plan.perSubset, subsets: plan.subsets,
            subsetImages: plan.size)
    }

    /// The bag of little bootstraps on `n` images: its subsets, the replicates of each, and the distinct images
    /// of each (`⌈n ^ littleExponent⌉`).
    ///
    /// At least 100 replicates a subset where there are enough: the percentiles of fewer sit inwards (from 40,
    /// about 8% of the interval's width).
    func littlePlan(imageCount n: Int) -> (subsets: Int, perSubset: Int, size: Int) {
        let subsets = max(1, min(Self.littleSubsets, samples / 100))
        let perSubset = (samples + subsets - 1) / subsets
        let size = min(n, Int(pow(Double(n), Self.littleExponent).rounded(.up)))
        return (subsets, perSubset, size)
    }
}
