import Dispatch
import Foundation

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

    public init(samples: Int = 1000, seed: UInt64 = 20_240_601, confidence: Double = 0.95) {
        self.samples = samples
        self.seed = seed
        self.confidence = confidence
    }

    /// Four replicates go through the data together, one per SIMD lane.
    public typealias Lanes = SIMD4<Double>

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
        guard samples > 0, imageCount > 0 else { return Array(repeating: nil, count: count) }
        let batches = (samples + 3) / 4
        let results = Mutex(Array(repeating: [Lanes](), count: batches))
        let seed = self.seed
        let samples = self.samples
        let workers = max(1, min(batches, ProcessInfo.processInfo.activeProcessorCount))
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            let statistics = makeStatistics()
            var weights = [Lanes](repeating: .zero, count: imageCount)
            var mine: [(Int, [Lanes])] = []
            for batch in stride(from: worker, to: batches, by: workers) {
                for i in weights.indices { weights[i] = .zero }
                for lane in 0..<4 {
                    // Replicate r always draws the same images, whatever the batching.
                    let r = batch * 4 + lane
                    var rng = SplitMix64(seed: seed ^ (UInt64(r) &* 0xD1B5_4A32_D192_ED03))
                    for _ in 0..<imageCount {
                        weights[Int(rng.next() % UInt64(imageCount))][lane] += 1
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
            var values: [Double] = []
            for (batch, lanes) in all.enumerated() {
                for lane in 0..<4 where batch * 4 + lane < samples && !lanes[k][lane].isNaN {
                    values.append(lanes[k][lane])
                }
            }
            values.sort()
            guard !values.isEmpty else { return nil }
            let tail = (1 - confidence) / 2
            return (Self.percentile(values, tail), Self.percentile(values, 1 - tail))
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
