import Foundation
import MaskBenchCore
import MaskBenchTestSupport
import Synchronization
import Testing

/// The bag of little bootstraps the evaluator's intervals use above ``Bootstrap/littleBootstrapImages`` images,
/// and the restriction of the bootstrap's lists to a subset of images.
@Suite struct LittleBootstrapTests {
    /// One value per image, normal-ish (a sum of uniforms), from a fixed seed.
    static func values(_ count: Int, seed: UInt64) -> [Double] {
        var rng = SplitMix64(seed: seed)
        return (0..<count).map { _ in (0..<4).reduce(0.0) { sum, _ in sum + Double(rng.next() % 1000) / 1000 } }
    }

    /// The weighted mean of `values`, restricted to the subset when there is one: a ratio, as AUC and AP are.
    static func mean(_ values: [Double]) -> @Sendable (ImageSubset?) -> ([Bootstrap.Lanes]) -> [Bootstrap.Lanes] {
        { subset in
            let own = subset.map { $0.images.map { values[Int($0)] } } ?? values
            return { weights in
                var total = Bootstrap.Lanes.zero
                var sum = Bootstrap.Lanes.zero
                for (w, x) in zip(weights, own) {
                    total += w
                    sum += w * x
                }
                return [sum / total]
            }
        }
    }

    @Test func theIntervalOfAMeanIsTheNormalTheorysWithinMonteCarloError() {
        let n = 20_000
        let values = Self.values(n, seed: 11)
        let mean = values.reduce(0, +) / Double(n)
        let variance = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(n - 1)
        let half = 1.959964 * (variance / Double(n)).squareRoot()
        let interval = Bootstrap(samples: 1000, seed: 3).littleIntervals(
            imageCount: n, count: 1, makeStatistics: Self.mean(values))[0]
        let low = try? #require(interval?.low)
        let high = try? #require(interval?.high)
        guard let low, let high else { return }
        // The bounds sit at mean ± 1.96 standard errors, each within a tenth of that half-width.
        #expect(abs(low - (mean - half)) < 0.1 * half, "low \(low), expected \(mean - half), high \(high)")
        #expect(abs(high - (mean + half)) < 0.1 * half, "high \(high), expected \(mean + half)")
    }

    @Test func subsetsHaveNToTheSevenTenthsDistinctImagesAndTheResultIsTheSameEveryTime() {
        let n = 5_000
        let seen = Mutex([[Int32]]())
        let values = Self.values(n, seed: 12)
        let make: @Sendable (ImageSubset?) -> ([Bootstrap.Lanes]) -> [Bootstrap.Lanes] = { subset in
            if let subset { seen.withLock { $0.append(subset.images) } }
            return Self.mean(values)(subset)
        }
        let bootstrap = Bootstrap(samples: 1000, seed: 9)
        let first = bootstrap.littleIntervals(imageCount: n, count: 1, makeStatistics: make)
        let subsets = seen.withLock { $0 }
        #expect(subsets.count == Bootstrap.littleSubsets)
        let size = Int(pow(Double(n), Bootstrap.littleExponent).rounded(.up))
        for images in subsets {
            #expect(images.count == size)
            #expect(zip(images, images.dropFirst()).allSatisfy { $0 < $1 })
            #expect(images.allSatisfy { $0 >= 0 && Int($0) < n })
        }
        #expect(Set(subsets).count == subsets.count)
        let second = bootstrap.littleIntervals(imageCount: n, count: 1, makeStatistics: make)
        #expect(first[0]?.low == second[0]?.low && first[0]?.high == second[0]?.high)
    }

    @Test func aboveTheThresholdTheStatisticsGetSubsetsAndBelowItEveryImage() {
        let asked = Mutex([Bool]())
        let n = Bootstrap.littleBootstrapImages + 1
        let values = Self.values(n, seed: 13)
        let make: @Sendable (ImageSubset?) -> ([Bootstrap.Lanes]) -> [Bootstrap.Lanes] = { subset in
            asked.withLock { $0.append(subset != nil) }
            return Self.mean(values)(subset)
        }
        let bootstrap = Bootstrap(samples: 8, seed: 1)
        #expect(bootstrap.intervals(imageCount: n, count: 1, makeStatistics: make)[0] != nil)
        // The whole set once (its estimate), then one subset (8 replicates are too few for more).
        #expect(asked.withLock { $0 } == [false, true])
        asked.withLock { $0 = [] }
        #expect(bootstrap.intervals(imageCount: 500, count: 1, makeStatistics: make)[0] != nil)
        #expect(asked.withLock { $0.allSatisfy { !$0 } })
    }

    /// The method `metrics.json` states is the one ``Bootstrap/intervals(imageCount:count:makeStatistics:)`` uses,
    /// with the subsets and subset sizes of ``Bootstrap/littleIntervals(imageCount:count:makeStatistics:)``.
    @Test func theStatedMethodIsTheOneTheIntervalsUse() {
        let defaults = Bootstrap()
        #expect(
            defaults.method(imageCount: Bootstrap.littleBootstrapImages)
                == IntervalMethod(name: "percentile-bootstrap", replicates: 1000))
        #expect(
            defaults.method(imageCount: 500_000)
                == IntervalMethod(name: "bag-of-little-bootstraps", replicates: 1000, subsets: 10, subsetImages: 9_757))
        // 250 replicates: two subsets of 125 (at least 100 each).
        #expect(
            Bootstrap(samples: 250).method(imageCount: 500_000)
                == IntervalMethod(name: "bag-of-little-bootstraps", replicates: 250, subsets: 2, subsetImages: 9_757))
        #expect(Bootstrap(samples: 0).method(imageCount: 500_000) == IntervalMethod(name: "none", replicates: 0))
        #expect(defaults.method(imageCount: 0) == IntervalMethod(name: "none", replicates: 0))
    }

    /// Restricting a list to a subset and weighting the subset's images is weighting the whole list with 0 for
    /// every other image.
    @Test func aRestrictedListWeighsAsTheWholeListWithZerosOutside() {
        var rng = SplitMix64(seed: 21)
        let count = 400
        let imageCount = 30
        let scores = (0..<count).map { _ in Double(rng.next() % 25) / 25 }
        let labels = (0..<count).map { _ in rng.next() % 3 != 0 }
        let images = (0..<count).map { _ in Int(rng.next() % UInt64(imageCount)) }
        let subset = ImageSubset(images: [1, 4, 5, 9, 17, 22, 29], imageCount: imageCount)
        let subsetWeights: [Bootstrap.Lanes] = (0..<subset.images.count).map { i in
            let a: Double = Double(i % 3)
            let b: Double = Double(i % 2 + 1)
            let d: Double = Double(7 - i)
            return Bootstrap.Lanes(a, b, 1, d)
        }
        var wholeWeights = [Bootstrap.Lanes](repeating: .zero, count: imageCount)
        for (position, image) in subset.images.enumerated() { wholeWeights[Int(image)] = subsetWeights[position] }

        let sorted = SortedScores(scores: scores, labels: labels, images: images)
        let restrictedAUC = sorted.restricted(to: subset).weightedAUC(imageWeights: subsetWeights)
        let wholeAUC = sorted.weightedAUC(imageWeights: wholeWeights)
        for lane in 0..<4 { #expect(restrictedAUC[lane].isClose(to: wholeAUC[lane], absolute: 1e-15)) }

        let ranked = RankedDetections(isTruePositive: labels, scores: scores, positives: count)
        let rankedImages = images.map { Int32($0) }
        let (restricted, restrictedImages) = ranked.restricted(to: subset, images: rankedImages)
        #expect(restrictedImages.allSatisfy { $0 >= 0 && Int($0) < subset.images.count })
        let positives = Bootstrap.Lanes(repeating: 50)
        var scratch: [(tp: Bootstrap.Lanes, called: Bootstrap.Lanes)] = []
        let part = restricted.weightedAveragePrecisions(
            positives: positives, images: restrictedImages, imageWeights: subsetWeights, scratch: &scratch)
        let whole = ranked.weightedAveragePrecisions(
            positives: positives, images: rankedImages, imageWeights: wholeWeights, scratch: &scratch)
        for lane in 0..<4 {
            #expect(part.allPoint[lane].isClose(to: whole.allPoint[lane], absolute: 1e-15))
            #expect(part.coco[lane].isClose(to: whole.coco[lane], absolute: 1e-15))
        }
        #expect(ranked.restricted(to: nil, images: rankedImages).0 == ranked)
    }
}
