import Testing

@testable import MaskBenchCore

@Suite struct ScoreSortTests {
    /// Scores with ties, signs, zeros of both signs, infinities and float32-like values, in a seeded order.
    static func scores(count: Int, seed: UInt64) -> [Double] {
        var rng = SplitMix64(seed: seed)
        let specials: [Double] = [0, -0.0, 1, -1, .infinity, -.infinity, 0.5, 1e-300, -1e300]
        return (0..<count).map { i in
            switch i % 4 {
            case 0: specials[Int(rng.next() % UInt64(specials.count))]
            case 1: Double(Float(Double(rng.next() % 1_000_000) / 1_000_000))
            default:
                Double(bitPattern: rng.next() & ~(0x7FF << 52) | (UInt64(1000 + rng.next() % 47) << 52))
                    * (rng.next() % 2 == 0 ? 1 : -1)
            }
        }
    }

    @Test(arguments: [0, 1, 2, 7, 1000, 100_000])
    func descendingKeysSortAsTheStandardLibraryDoes(_ count: Int) {
        let scores = Self.scores(count: count, seed: UInt64(count) + 3)
        let flags = scores.indices.map { $0 % 3 == 0 }
        let (keys, marks) = ScoreSort.descendingKeys(scores, flags: flags)
        let sorted = keys.map { ScoreSort.score(fromKey: ~$0) }
        #expect(sorted == scores.sorted(by: >))
        // Each score keeps its flag: per distinct score, as many flags set as in the input.
        var expected: [Double: Int] = [:]
        var actual: [Double: Int] = [:]
        for (s, f) in zip(scores, flags) where f { expected[s + 0.0, default: 0] += 1 }
        for (s, m) in zip(sorted, marks) where m != 0 { actual[s, default: 0] += 1 }
        #expect(actual == expected)
    }

    @Test(arguments: [0, 1, 5, 1000, 50_000])
    func descendingOrderIsStable(_ count: Int) {
        let scores = Self.scores(count: count, seed: UInt64(count) + 11)
        let order = ScoreSort.descendingOrder(scores).map(Int.init)
        let expected = scores.indices.sorted { scores[$0] > scores[$1] || (scores[$0] == scores[$1] && $0 < $1) }
        #expect(order == expected)
    }
}
