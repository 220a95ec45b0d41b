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

    /// Runs the statistics on every replicate and returns one `(low, high)` interval per statistic.
    ///
    /// - Parameters:
    ///   - imageCount: the number of images to resample.
    ///   - count: how many statistics a replicate gives.
    ///   - makeStatistics: called once per worker thread; returns the function that, given image weights
    ///     (draw counts), computes that replicate's statistics. It may keep scratch buffers between calls.
    ///     `nil` entries (undefined on that replicate) are left out of that statistic's percentiles.
    /// - Returns: `nil` for a statistic with no defined replicate, or when ``samples`` is 0.
    public func intervals(
        imageCount: Int,
        count: Int,
        makeStatistics: @Sendable () -> ([Double]) -> [Double?]
    ) -> [(low: Double, high: Double)?] {
        guard samples > 0, imageCount > 0 else { return Array(repeating: nil, count: count) }
        let results = Mutex(Array(repeating: [Double?](), count: samples))
        let seed = self.seed
        let samples = self.samples
        let workers = max(1, min(samples, ProcessInfo.processInfo.activeProcessorCount))
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            let statistics = makeStatistics()
            var weights = [Double](repeating: 0, count: imageCount)
            var mine: [(Int, [Double?])] = []
            for r in stride(from: worker, to: samples, by: workers) {
                var rng = SplitMix64(seed: seed ^ (UInt64(r) &* 0xD1B5_4A32_D192_ED03))
                for i in weights.indices { weights[i] = 0 }
                for _ in 0..<imageCount {
                    weights[Int(rng.next() % UInt64(imageCount))] += 1
                }
                mine.append((r, statistics(weights)))
            }
            results.withLock { all in
                for (r, values) in mine { all[r] = values }
            }
        }
        let all = results.withLock { $0 }
        return (0..<count).map { k in
            let values = all.compactMap { $0[k] }.sorted()
            guard !values.isEmpty else { return nil }
            let tail = (1 - confidence) / 2
            return (Self.percentile(values, tail), Self.percentile(values, 1 - tail))
        }
    }

    /// `numpy.percentile` with linear interpolation, on sorted values.
    static func percentile(_ sorted: [Double], _ q: Double) -> Double {
        let position = q * Double(sorted.count - 1)
        let lower = Int(position.rounded(.down))
        let upper = min(lower + 1, sorted.count - 1)
        let fraction = position - Double(lower)
        return sorted[lower] + (sorted[upper] - sorted[lower]) * fraction
    }
}
