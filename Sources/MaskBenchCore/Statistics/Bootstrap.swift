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

    /// Runs the statistics on every replicate and returns one `(low, high)` interval per statistic.
    ///
    /// Replicates are computed four at a time: lane `j` of a batch is one replicate, with its own draws.
    /// - Parameters:
    ///   - imageCount: the number of images to resample.
    ///   - count: how many statistics a replicate gives.
    ///   - makeStatistics: called once per worker thread; returns the function that, given each image's
    ///     weights (draw counts) in four lanes, computes the statistics of the four replicates. It may keep
    ///     scratch buffers between calls. A NaN lane is a statistic undefined on that replicate, left out
    ///     of its percentiles.
    /// - Returns: `nil` for a statistic with no defined replicate, or when ``samples`` is 0.
    public func intervals(
        imageCount: Int,
        count: Int,
        makeStatistics: @Sendable () -> ([Lanes]) -> [Lanes]
    ) -> [(low: Double, high: Double)?] {
        replicates(imageCount: imageCount, count: count, makeStatistics: makeStatistics).map { replicates in
            var values = replicates.filter { !$0.isNaN }
            values.sort()
            guard !values.isEmpty else { return nil }
            let tail = (1 - confidence) / 2
            return (Self.percentile(values, tail), Self.percentile(values, 1 - tail))
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
