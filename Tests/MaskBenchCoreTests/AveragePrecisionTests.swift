import MaskBenchTestSupport
import Testing

@testable import MaskBenchCore

@Suite struct AveragePrecisionTests {
    /// Deterministic pseudo-random ranked detections.
    static func ranked(count: Int, positives: Int, seed: UInt64) -> RankedDetections {
        var rng = SplitMix64(seed: seed)
        let hits = (0..<count).map { _ in rng.next() % 3 != 0 }
        let scores = (0..<count).map { Double(count - $0) }
        return RankedDetections(isTruePositive: hits, scores: scores, positives: positives)
    }

    @Test(arguments: [(50, 60, 1), (500, 400, 2), (7, 20, 3), (1, 1, 4)] as [(Int, Int, UInt64)])
    func theBootstrapsOnePassAPEqualsTheReferenceComputation(count: Int, positives: Int, seed: UInt64) throws {
        let r = Self.ranked(count: count, positives: max(positives, r0(count, seed)), seed: seed)
        var scratch: [(tp: SIMD4<Double>, called: SIMD4<Double>)] = []
        let fast = r.weightedAveragePrecisions(
            positives: SIMD4(repeating: Double(r.positives)),
            images: Array(repeating: 0, count: count),
            imageWeights: [SIMD4(repeating: 1)],
            scratch: &scratch
        )
        for lane in 0..<4 {
            #expect(fast.allPoint[lane].isClose(to: try #require(r.averagePrecision(.allPoint)), absolute: 1e-12))
            #expect(fast.coco[lane].isClose(to: try #require(r.averagePrecision(.coco101)), absolute: 1e-12))
        }
    }

    /// Enough positives for every hit: recall cannot pass 1.
    func r0(_ count: Int, _ seed: UInt64) -> Int {
        Self.ranked(count: count, positives: 1, seed: seed).isTruePositive.filter { $0 }.count
    }

    @Test func weightsActLikeRepeatedDetections() throws {
        // Weight 2 on every detection is the same curve as each detection twice in a row.
        let once = RankedDetections(isTruePositive: [true, false, true, false], scores: [4, 3, 2, 1], positives: 3)
        let twice = RankedDetections(
            isTruePositive: [true, true, false, false, true, true, false, false],
            scores: [8, 7, 6, 5, 4, 3, 2, 1],
            positives: 6
        )
        var scratch: [(tp: SIMD4<Double>, called: SIMD4<Double>)] = []
        // Lane 1 draws nothing: no faces, no AP. Lane 2 weighs every detection 1.
        let weighted = once.weightedAveragePrecisions(
            positives: SIMD4(6, 0, 3, 6),
            images: [0, 0, 0, 0],
            imageWeights: [SIMD4(2, 0, 1, 2)],
            scratch: &scratch
        )
        #expect(weighted.allPoint[0].isClose(to: try #require(twice.averagePrecision(.allPoint)), absolute: 1e-12))
        #expect(weighted.allPoint[1].isNaN)
        #expect(weighted.allPoint[2].isClose(to: try #require(once.averagePrecision(.allPoint)), absolute: 1e-12))
        #expect(weighted.coco[2].isClose(to: try #require(once.averagePrecision(.coco101)), absolute: 1e-12))
    }

    @Test func noFacesMeansNoAP() {
        let r = RankedDetections(isTruePositive: [false], scores: [1], positives: 0)
        #expect(r.averagePrecision(.allPoint) == nil)
        #expect(r.averagePrecision(.coco101) == nil)
    }

    @Test func elevenPointLevelsAreNumpysLinspace() {
        #expect(RankedDetections.linspace(11)[6] == 0.6000000000000001)
        #expect(RankedDetections.linspace(101).last == 1)
    }
}

@Suite struct WeightedAveragePrecisionTests {
    @Test func unitWeightsGiveTheAllPointAPAndDoubledImagesKeepIt() throws {
        var rng = SplitMix64(seed: 31)
        for n in [1, 5, 40, 300] {
            let hits = (0..<n).map { _ in Bool.random(using: &rng) }
            let scores = (0..<n).map { Double(n - $0) }
            let images = (0..<n).map { _ in Int32.random(in: 0..<10, using: &rng) }
            let positives = hits.filter { $0 }.count + 3
            let ranked = RankedDetections(isTruePositive: hits, scores: scores, positives: positives)
            let plain = try #require(ranked.averagePrecision(.allPoint))
            let ones = try #require(
                ranked.weightedAllPointAP(
                    images: images, imageWeights: Array(repeating: 1, count: 10), positives: Double(positives)))
            #expect(ones.isClose(to: plain), "n = \(n)")
            // Every image drawn twice: the same curve.
            let twos = try #require(
                ranked.weightedAllPointAP(
                    images: images, imageWeights: Array(repeating: 2, count: 10), positives: Double(2 * positives)))
            #expect(twos.isClose(to: plain), "n = \(n)")
        }
        let empty = RankedDetections(isTruePositive: [], scores: [], positives: 0)
        #expect(empty.weightedAllPointAP(images: [], imageWeights: [], positives: 0) == nil)
    }
}
