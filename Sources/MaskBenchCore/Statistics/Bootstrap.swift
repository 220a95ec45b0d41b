import Dispatch
import Foundation
import Synchronization

/// A small, fast, seedable generator (SplitMix64), so bootstrap intervals are the same on every run.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) {
        state = seed
    }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Percentile bootstrap over images.
///
/// Each replicate draws as many images as there are, with replacement, and passes the statistic how
/// often each image was drawn. Replicate `r` uses its own generator seeded from `(seed, r)`, so the
/// result does not depend on how replicates are spread over cores.
public struct Bootstrap: Sendable, Hashable, Codable {
    public var samples: Int
    public var seed: UInt64
    /// Central coverage of the interval.
    public var confidence: Double

    public init(samples: Int = 1000, seed: UInt64 = Bootstrap.defaultSeed, confidence: Double = 0.95) {
        self.samples = samples
        self.seed = seed
        self.confidence = confidence
    }

    /// Four replicates go through the data together, one per SIMD lane.
    public typealias Lanes = SIMD4<Double>

    /// The seed of MaskBench's bootstrap intervals unless `--seed` says otherwise.
    public static let defaultSeed: UInt64 = 20_240_601

    /// Adds one to `weights[i]` for every draw of image `i` in replicate `r`: `imageCount` draws with
    /// replacement from a generator seeded from `(seed, r)` alone.
    ///
    /// The one place a replicate is drawn: the evaluator's intervals and the gate's paired tests resample the
    /// same images for the same seed and replicate.
    package static func draw(replicate r: Int, seed: UInt64, imageCount: Int, _ add: (Int) -> Void) {
        var rng = SplitMix64(seed: seed ^ (UInt64(r) &* 0xD1B5_4A32_D192_ED03))
        for _ in 0..<imageCount { add(Int(rng.next() % UInt64(imageCount))) }
    }

    /// Above this many images, ``intervals(imageCount:count:makeStatistics:)`` uses the bag of little bootstraps,
    /// whose cost does not grow with the images times the replicates.
    public static let littleBootstrapImages = 100_000

    /// Runs the statistics on every replicate and returns one `(low, high)` interval per statistic.
    ///
    /// Up to ``littleBootstrapImages`` images: the percentile bootstrap, every replicate drawing as many images
    /// as there are (``replicates(imageCount:count:makeStatistics:)``), `makeStatistics` called with `nil`.
    /// Above: the bag of little bootstraps (``littleIntervals(imageCount:count:makeStatistics:)``), which calls
    /// `makeStatistics` with each subset of images and then passes weights for that subset only.
    ///
    /// Replicates are computed four at a time: lane `j` of a batch is one replicate, with its own draws.
    /// - Parameters:
    ///   - imageCount: the number of images to resample.
    ///   - count: how many statistics a replicate gives.
    ///   - makeStatistics: called once per worker thread (and subset); returns the function that, given each
    ///     image's weights (draw counts) in four lanes, computes the statistics of the four replicates: every
    ///     image's weight for `nil`, else the weights of the subset's images, in its order. It may keep scratch
    ///     buffers between calls. A NaN lane is a statistic undefined on that replicate, left out of its
    ///     percentiles. The statistics must not change when every weight is multiplied by the same number
    ///     (ratios such as AUC and AP), since a subset's weights add up to the whole set's image count.
    /// - Returns: `nil` for a statistic with no defined replicate, or when ``samples`` is 0.
    public func intervals(
        imageCount: Int,
        count: Int,
        makeStatistics: @Sendable (ImageSubset?) -> ([Lanes]) -> [Lanes]
    ) -> [(low: Double, high: Double)?] {
        if imageCount > Self.littleBootstrapImages {
            return littleIntervals(imageCount: imageCount, count: count, makeStatistics: makeStatistics)
        }
        return replicates(imageCount: imageCount, count: count) { makeStatistics(nil) }.map { replicates in
            var values = replicates.filter { !$0.isNaN }
            values.sort()
            return percentileInterval(values)
        }
    }

    /// The percentile interval of sorted values; `nil` when there are none.
    private func percentileInterval(_ sorted: [Double]) -> (low: Double, high: Double)? {
        guard !sorted.isEmpty else { return nil }
        let tail = (1 - confidence) / 2
        return (Self.percentile(sorted, tail), Self.percentile(sorted, 1 - tail))
    }

    // MARK: - Bag of little bootstraps

    /// Subsets of the bag of little bootstraps (fewer when ``samples`` would give one fewer than 100 replicates);
    /// each gets an equal share of ``samples``.
    public static let littleSubsets = 10
    /// A subset has `imageCount ^ littleExponent` images (rounded up).
    public static let littleExponent = 0.7

    /// Intervals by the bag of little bootstraps (Kleiner, Talwalkar, Sarkar and Jordan, "A scalable bootstrap
    /// for massive data", JRSS B 76(4), 2014), each subset's interval moved to the whole set's estimate.
    ///
    /// The images are drawn into ``littleSubsets`` subsets of `b = ⌈n ^ littleExponent⌉` distinct images each
    /// (without replacement, seeded from `(seed, subset)`). Within a subset, each of `⌈samples / subsets⌉`
    /// replicates draws `n` images with replacement from the subset's `b` (seeded from `(seed, subset,
    /// replicate)`), so a replicate weighs `b` images to the size of the whole set, as the percentile bootstrap
    /// weighs all `n`. A subset's interval is the percentile interval of its replicates minus the subset's own
    /// estimate (every weight equal), plus the whole set's estimate (every weight 1): the spread of the subset's
    /// replicates around the subset's value, placed at the whole set's value, which is what the percentile
    /// bootstrap's interval is for a statistic whose replicates centre on it; it also keeps an estimate that
    /// depends on the number of images (AP's envelope of the precision curve) from moving the interval. The
    /// interval is the mean of the subsets' bounds. A replicate then costs `b` images instead of `n`: at 500,000
    /// images a subset has 9,757.
    package func littleIntervals(
        imageCount n: Int,
        count: Int,
        makeStatistics: @Sendable (ImageSubset?) -> ([Lanes]) -> [Lanes]
    ) -> [(low: Double, high: Double)?] {
        guard samples > 0, n > 0 else { return Array(repeating: nil, count: count) }
        let (subsets, perSubset, size) = littlePlan(imageCount: n)
        let whole = makeStatistics(nil)([Lanes](repeating: .one, count: n)).map { $0[0] }
        let bounds = Mutex([[(low: Double, high: Double)?]](repeating: [], count: subsets))
        let seed = self.seed
        let workers = max(1, min(subsets, ProcessInfo.processInfo.activeProcessorCount))
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            var order = [Int32](repeating: 0, count: n)
            for subset in stride(from: worker, to: subsets, by: workers) {
                // b distinct images: the first b of a partial Fisher-Yates shuffle.
                for i in 0..<n { order[i] = Int32(i) }
                var rng = SplitMix64(seed: seed ^ 0x5BD1_E995_0000_0000 ^ (UInt64(subset) &* 0x9E37_79B9_7F4A_7C15))
                for i in 0..<size { order.swapAt(i, i + Int.random(in: 0..<(n - i), using: &rng)) }
                let chosen = ImageSubset(images: order[0..<size].sorted(), imageCount: n)
                let statistics = makeStatistics(chosen)
                let own = statistics([Lanes](repeating: .one, count: size)).map { $0[0] }
                var weights = [Lanes](repeating: .zero, count: size)
                var values = [[Double]](repeating: [], count: count)
                for batch in stride(from: 0, to: perSubset, by: 4) {
                    for i in weights.indices { weights[i] = .zero }
                    for lane in 0..<min(4, perSubset - batch) {
                        let r = UInt64(subset * perSubset + batch + lane)
                        var draws = SplitMix64(seed: seed ^ 0x27D4_EB2F_1656_67C5 ^ (r &* 0xD1B5_4A32_D192_ED03))
                        for _ in 0..<n { weights[Int.random(in: 0..<size, using: &draws)][lane] += 1 }
                    }
                    let lanes = statistics(weights)
                    for k in 0..<count {
                        for lane in 0..<min(4, perSubset - batch) where !lanes[k][lane].isNaN {
                            values[k].append(lanes[k][lane])
                        }
                    }
                }
                let mine: [(low: Double, high: Double)?] = (0..<count).map { k in
                    guard !own[k].isNaN, let interval = percentileInterval(values[k].sorted()) else { return nil }
                    return (interval.low - own[k], interval.high - own[k])
                }
                bounds.withLock { $0[subset] = mine }
            }
        }
        let all = bounds.withLock { $0 }
        return (0..<count).map { k in
            let defined = all.compactMap { $0[k] }
            guard !whole[k].isNaN, !defined.isEmpty else { return nil }
            let low = defined.map(\.low).reduce(0, +) / Double(defined.count)
            let high = defined.map(\.high).reduce(0, +) / Double(defined.count)
            return (whole[k] + low, whole[k] + high)
        }
    }

    /// Every replicate's statistics: `result[k][r]` is statistic `k` on replicate `r`, for `r` in
    /// `0..<samples`, NaN where it is undefined; one empty list per statistic when ``samples`` or
    /// `imageCount` is 0.
    ///
    /// The parameters are those of ``intervals(imageCount:count:makeStatistics:)``. Replicates are spread
    /// over the cores in batches of four; replicate `r` draws the same images whatever the batching
    /// (``draw(replicate:seed:imageCount:_:)``).
    package func replicates(
        imageCount: Int,
        count: Int,
        makeStatistics: @Sendable () -> ([Lanes]) -> [Lanes]
    ) -> [[Double]] {
        guard samples > 0, imageCount > 0 else { return Array(repeating: [], count: count) }
        let batches = (samples + 3) / 4
        let results = Mutex(Array(repeating: [Lanes](), count: batches))
        let seed = self.seed
        let workers = max(1, min(batches, ProcessInfo.processInfo.activeProcessorCount))
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            let statistics = makeStatistics()
            var weights = [Lanes](repeating: .zero, count: imageCount)
            var mine: [(Int, [Lanes])] = []
            for batch in stride(from: worker, to: batches, by: workers) {
                for i in weights.indices { weights[i] = .zero }
                for lane in 0..<4 {
                    Self.draw(replicate: batch * 4 + lane, seed: seed, imageCount: imageCount) {
                        weights[$0][lane] += 1
                    }
                }
                mine.append((batch, statistics(weights)))
            }
            results.withLock { all in
                for (batch, values) in mine { all[batch] = values }
            }
        }
        let all = results.withLock { $0 }
        return (0..<count).map { k in
            (0..<samples).map { r in all[r / 4][k][r % 4] }
        }
    }

    /// `numpy.percentile` with linear interpolation, on sorted values.
    public static func percentile(_ sorted: [Double], _ q: Double) -> Double {
        let position = q * Double(sorted.count - 1)
        let lower = Int(position.rounded(.down))
        let upper = min(lower + 1, sorted.count - 1)
        let fraction = position - Double(lower)
        return sorted[lower] + (sorted[upper] - sorted[lower]) * fraction
    }
}
