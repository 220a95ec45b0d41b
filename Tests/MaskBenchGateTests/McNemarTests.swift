import Foundation
import MaskBenchGate
import MaskBenchTestSupport
import Testing

/// The exact McNemar p-value against scipy's `binomtest`, on vectors made by `Scripts/make-mcnemar-vectors.py`.
@Suite struct McNemarTests {
    struct Vectors: Decodable {
        struct Case: Decodable, Sendable, CustomTestStringConvertible {
            var b: Int
            var c: Int
            var pValue: Double
            var testDescription: String { "b=\(b), c=\(c)" }
        }
        var generator: String
        var cases: [Case]
    }

    static let vectors: [Vectors.Case] = {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Vectors/mcnemar.json")
        guard let data = try? Data(contentsOf: url), let vectors = try? JSONDecoder().decode(Vectors.self, from: data)
        else { return [] }
        return vectors.cases
    }()

    @Test func theVectorsAreThere() {
        #expect(Self.vectors.count >= 12)
        #expect(Self.vectors.contains { $0.b == 200 && $0.c == 260 })
    }

    @Test(arguments: vectors)
    func pValueEqualsScipysExactBinomialTest(_ vector: Vectors.Case) {
        let p = McNemar.pValue(b: vector.b, c: vector.c)
        #expect(p.isClose(to: vector.pValue, absolute: 0, relative: 1e-12), "got \(p), scipy \(vector.pValue)")
    }

    @Test func theTestIsSymmetricInBAndC() {
        for (b, c) in [(1, 9), (12, 30), (0, 7)] {
            #expect(McNemar.pValue(b: b, c: c) == McNemar.pValue(b: c, c: b))
        }
    }

    @Test func hugeCountsNeitherOverflowNorUnderflowToGarbage() {
        let p = McNemar.pValue(b: 100_000, c: 100_400)
        #expect(p > 0 && p < 1)
        #expect(McNemar.pValue(b: 100_000, c: 100_000) == 1)
        // A lopsided split far beyond Double's range of binomial coefficients still gives a tiny positive p.
        let tiny = McNemar.pValue(b: 10, c: 1000)
        #expect(tiny > 0 && tiny < 1e-250)
    }
}
