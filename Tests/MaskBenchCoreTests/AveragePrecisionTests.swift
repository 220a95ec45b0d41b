import MaskBenchTestSupport
import Testing

@testable import MaskBenchCore

@Suite struct AveragePrecisionTests {
    /// Deterministic pseudo-random ranked detections.
    static func ranked(count: Int, positives: Int, seed: UInt64) -> RankedDetections {
        var rng = SplitMix64(seed: seed)
        let hits = (0..<count).map { _ in rng.next() % 3 != 0 }
        let scores = (0..<count).map { Double(count - $0) }
        let needed = hits.filter { $0 }.count
        return RankedDetections(isTruePositive: hits, scores: scores, positives: max(positives, needed))
    }

    /// The three APs as the reference tools write them, array by array: the VOC devkit's `voc_ap` (`mrec = [0]
    /// + rec + [1]`, `mpre = [0] + prec + [0]`, made monotone, summed where recall changes), its 11-point
    /// loop, and pycocotools' `accumulate` (`searchsorted` on recall, ε in the precision, mean of 101).
    static func reference(_ r: RankedDetections) -> (voc: Double, elevenPoint: Double, coco: Double) {
        var tp = 0.0
        var fp = 0.0
        var recall: [Double] = []
        var precision: [Double] = []
        var cocoPrecision: [Double] = []
        for hit in r.isTruePositive {
            if hit { tp += 1 } else { fp += 1 }
            recall.append(tp / Double(r.positives))
            precision.append(tp / (tp + fp))
            cocoPrecision.append(tp / (tp + fp + Double.ulpOfOne))
        }
        var mrec = [0.0] + recall + [1.0]
        var mpre = [0.0] + precision + [0.0]
        for i in stride(from: mpre.count - 2, through: 0, by: -1) { mpre[i] = max(mpre[i], mpre[i + 1]) }
        var voc = 0.0
        for i in 1..<mrec.count where mrec[i] != mrec[i - 1] { voc += (mrec[i] - mrec[i - 1]) * mpre[i] }
        mrec.removeAll()
        var eleven = 0.0
        for t in (0...10).map({ Double($0) * 0.1 }) {
            let p = zip(recall, precision).filter { $0.0 >= t }.map(\.1).max() ?? 0
            eleven += p
        }
        for i in stride(from: cocoPrecision.count - 2, through: 0, by: -1) {
            cocoPrecision[i] = max(cocoPrecision[i], cocoPrecision[i + 1])
        }
        var coco = 0.0
        for level in (0...100).map({ Double($0) / 100 }) {
            if let first = recall.firstIndex(where: { $0 >= level }) { coco += cocoPrecision[first] }
        }
        return (voc, eleven / 11, coco / 101)
    }

    @Test(arguments: [(50, 60, 1), (500, 400, 2), (7, 20, 3), (1, 1, 4), (300, 0, 5)] as [(Int, Int, UInt64)])
    func averagePrecisionEqualsTheReferenceTools(count: Int, positives: Int, seed: UInt64) throws {
        let r = Self.ranked(count: count, positives: positives, seed: seed)
        let expected = Self.reference(r)
        #expect(try #require(r.averagePrecision(.allPoint)).isClose(to: expected.voc, absolute: 1e-12))
        #expect(try #require(r.averagePrecision(.elevenPoint)).isClose(to: expected.elevenPoint, absolute: 1e-12))
        #expect(try #require(r.averagePrecision(.coco101)).isClose(to: expected.coco, absolute: 1e-12))
    }

    /// N perfect detections of N faces give exactly 1 under every interpolation; summing recall steps of 1/N
    /// gave 1.0000000000000004 for N = 49 under VOC all-point. (pycocotools' precision `1 / (1 + ε)` of a
    /// single detection is below 1: its COCO AP is that, as pycocotools reports it.)
    @Test func perfectDetectionsGiveExactlyOne() {
        // numpy's mean of 101 times pycocotools' precision of one detection.
        let single = pairwiseSum(Array(repeating: 1 / (1 + Double.ulpOfOne), count: 101)) / 101
        for n in 1...400 {
            let r = RankedDetections(
                isTruePositive: Array(repeating: true, count: n), scores: (0..<n).map { Double(n - $0) }, positives: n)
            #expect(r.averagePrecision(.allPoint) == 1, "N = \(n)")
            #expect(r.averagePrecision(.elevenPoint) == 1, "N = \(n)")
            #expect(r.averagePrecision(.coco101) == (n == 1 ? single : 1), "N = \(n)")
        }
    }

    /// The bootstrap's replicate with every weight 1 is the point estimate to the last bit: the same function
    /// on the same detections.
    @Test(arguments: [(50, 60, 1), (500, 400, 2), (49, 49, 3)] as [(Int, Int, UInt64)])
    func aReplicateOfUnitWeightsIsThePointEstimate(count: Int, positives: Int, seed: UInt64) throws {
        let r = Self.ranked(count: count, positives: positives, seed: seed)
        var rng = SplitMix64(seed: seed)
        let images = (0..<count).map { _ in Int32(rng.next() % 7) }
        var scratch: [AveragePrecisions.Point] = []
        let ones = r.weightedAveragePrecisions(
            positives: SIMD4(repeating: Double(r.positives)), images: images,
            imageWeights: Array(repeating: .one, count: 7), scratch: &scratch)
        for lane in 0..<4 {
            #expect(ones.allPoint[lane] == r.averagePrecision(.allPoint))
            #expect(ones.elevenPoint[lane] == r.averagePrecision(.elevenPoint))
            #expect(ones.coco[lane] == r.averagePrecision(.coco101))
        }
        // Every image drawn twice: the same curve.
        let twos = r.weightedAveragePrecisions(
            positives: SIMD4(repeating: Double(2 * r.positives)), images: images,
            imageWeights: Array(repeating: SIMD4(repeating: 2), count: 7), scratch: &scratch)
        #expect(twos.allPoint[0].isClose(to: try #require(r.averagePrecision(.allPoint))))
        #expect(twos.coco[0].isClose(to: try #require(r.averagePrecision(.coco101))))
    }

    /// A replicate's weights act like repeating each detection as often as its image was drawn: the weighted
    /// APs of random lists and draws equal the APs of the lists written out.
    @Test func weightedAPsEqualTheAPsOfTheRepeatedDetections() throws {
        var rng = SplitMix64(seed: 17)
        for round in 0..<40 {
            let count = 1 + Int(rng.next() % 60)
            let images = 1 + Int(rng.next() % 9)
            let hits = (0..<count).map { _ in rng.next() % 3 != 0 }
            let image = (0..<count).map { _ in Int32(rng.next() % UInt64(images)) }
            let r = RankedDetections(isTruePositive: hits, scores: (0..<count).map { Double(count - $0) }, positives: 0)
            var lanes = [SIMD4<Double>](repeating: .zero, count: images)
            for i in 0..<images { for lane in 0..<4 { lanes[i][lane] = Double(rng.next() % 4) } }
            var positives = SIMD4<Double>.zero
            for lane in 0..<4 {
                let found = (0..<count).reduce(0.0) { $0 + (hits[$1] ? lanes[Int(image[$1])][lane] : 0) }
                positives[lane] = found + Double(rng.next() % 5)
            }
            var scratch: [AveragePrecisions.Point] = []
            let weighted = r.weightedAveragePrecisions(
                positives: positives, images: image, imageWeights: lanes, scratch: &scratch)
            for lane in 0..<4 {
                var expanded: [Bool] = []
                for k in 0..<count { expanded += Array(repeating: hits[k], count: Int(lanes[Int(image[k])][lane])) }
                let written = RankedDetections(
                    isTruePositive: expanded, scores: expanded.indices.map { Double(expanded.count - $0) },
                    positives: Int(positives[lane]))
                guard positives[lane] > 0 else {
                    #expect(weighted.allPoint[lane].isNaN)
                    continue
                }
                let what = "round \(round), lane \(lane)"
                #expect(
                    weighted.allPoint[lane].isClose(to: try #require(written.averagePrecision(.allPoint))), "\(what)")
                #expect(
                    weighted.elevenPoint[lane].isClose(to: try #require(written.averagePrecision(.elevenPoint))),
                    "\(what)")
                #expect(weighted.coco[lane].isClose(to: try #require(written.averagePrecision(.coco101))), "\(what)")
            }
        }
    }

    @Test func weightsActLikeRepeatedDetections() throws {
        // Weight 2 on every detection is the same curve as each detection twice in a row.
        let once = RankedDetections(isTruePositive: [true, false, true, false], scores: [4, 3, 2, 1], positives: 3)
        let twice = RankedDetections(
            isTruePositive: [true, true, false, false, true, true, false, false],
            scores: [8, 7, 6, 5, 4, 3, 2, 1],
            positives: 6
        )
        var scratch: [AveragePrecisions.Point] = []
        // Lane 1 draws nothing: no faces, no AP. Lane 2 weighs every detection 1.
        let weighted = once.weightedAveragePrecisions(
            positives: SIMD4(6, 0, 3, 6),
            images: [0, 0, 0, 0],
            imageWeights: [SIMD4(2, 0, 1, 2)],
            scratch: &scratch
        )
        #expect(weighted.allPoint[0].isClose(to: try #require(twice.averagePrecision(.allPoint)), absolute: 1e-12))
        #expect(weighted.allPoint[1].isNaN)
        #expect(weighted.allPoint[2] == once.averagePrecision(.allPoint))
        #expect(weighted.coco[2] == once.averagePrecision(.coco101))
        #expect(weighted.elevenPoint[2] == once.averagePrecision(.elevenPoint))
    }

    @Test func noFacesMeansNoAP() {
        let r = RankedDetections(isTruePositive: [false], scores: [1], positives: 0)
        #expect(r.averagePrecision(.allPoint) == nil)
        #expect(r.averagePrecision(.coco101) == nil)
    }

    @Test func elevenPointLevelsAreNumpysLinspace() {
        #expect(AveragePrecisions.linspace(11)[6] == 0.6000000000000001)
        #expect(AveragePrecisions.linspace(101).last == 1)
    }
}
