import MaskBenchCore
import MaskBenchTestSupport
import Testing

@Suite struct RateTests {
    /// Expected values from statsmodels 0.14 `proportion_confint(k, n, method="wilson")`.
    @Test(arguments: [
        (115, 130, 0.8183363179804783, 0.9288163272545744),
        (14, 119, 0.07138737922398072, 0.1878203762551495),
        (0, 10, 0.0, 0.27753279986288926),
        (10, 10, 0.7224672001371106, 1.0),
        (81, 263, 0.2552885198782742, 0.36620957698280004),
    ])
    func wilsonIntervalMatchesStatsmodels(count: Int, total: Int, low: Double, high: Double) {
        let rate = Rate(count, of: total)
        #expect(rate.value.isClose(to: Double(count) / Double(total)))
        #expect(rate.low.isClose(to: low, absolute: 1e-14))
        #expect(rate.high.isClose(to: high, absolute: 1e-14))
    }

    @Test func aRateOverNothingIsUndefined() {
        let rate = Rate(0, of: 0)
        #expect(rate.value == nil && rate.low == nil && rate.high == nil)
    }
}
