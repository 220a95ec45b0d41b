import MaskBenchCore
import Testing

@testable import MaskBenchRecords

/// ``DecimalFormatting`` writes exactly what `Double.description` writes, which the CSV files promise.
@Suite struct DecimalFormattingTests {
    static func spelled(_ value: Double) -> String {
        var out: [UInt8] = []
        DecimalFormatting.appendDescription(of: value, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    static func short(_ value: Double) -> String? {
        var out: [UInt8] = []
        return DecimalFormatting.appendShortDecimal(value, to: &out) ? String(decoding: out, as: UTF8.self) : nil
    }

    @Test(arguments: [
        842.09, 0.8524, 0.5, 0.001, 0.0015, 0.1 + 0.2, 1.005, 2.675, 100.0 / 3.0, 123_456_789.123456, 999_999_999.5,
        0.000_999, 1e-5, .leastNonzeroMagnitude, 2.0, 0, -0.0, 1e9, 1e16, -842.09, -0.25, .infinity, -.infinity, .nan,
    ])
    func spellsLikeDescription(_ value: Double) {
        #expect(Self.spelled(value) == value.description)
    }

    @Test func shortDecimalsTakeTheFastPathAndOthersDoNot() {
        #expect(Self.short(842.09) == "842.09")
        #expect(Self.short(0.8524) == "0.8524")
        #expect(Self.short(-0.001) == "-0.001")
        #expect(Self.short(1.000001) == "1.000001")
        // Whole numbers, more than 6 decimals, and magnitudes outside [0.001, 1e9) go through `description`.
        #expect(Self.short(2.0) == nil)
        #expect(Self.short(0.1 + 0.2) == nil)
        #expect(Self.short(1.0000001) == nil)
        #expect(Self.short(0.000_5) == nil)
        #expect(Self.short(2e9 + 0.5) == nil)
    }

    /// Decimals with 1 to 8 digits and random doubles, seeded: every one spelled as `description` does.
    @Test func agreesWithDescriptionOnManyNumbers() {
        var rng = SplitMix64(seed: 20_240_601)
        var fast = 0
        for _ in 0..<200_000 {
            var scale = 1.0
            for _ in 0..<(1 + Int(rng.next() % 8)) { scale *= 10 }
            let whole = Double(rng.next() % (rng.next() % 2 == 0 ? 2000 : 1_000_000_000))
            let decimal = (whole + Double(rng.next() % UInt64(scale)) / scale) * (rng.next() % 2 == 0 ? 1 : -1)
            let random = Double(rng.next() >> 11) / 9_007_199_254_740_992 * 1000
            for value in [decimal, random, Double(Float(decimal))] {
                if Self.short(value) != nil { fast += 1 }
                #expect(Self.spelled(value) == value.description)
            }
        }
        #expect(fast > 100_000)
    }
}
