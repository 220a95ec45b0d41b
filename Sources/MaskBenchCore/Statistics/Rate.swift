/// A proportion `count / total` with its 95% Wilson score interval.
///
/// `value`, `low` and `high` are `nil` when `total` is 0: a rate over nothing is undefined, not 0.
public struct Rate: Sendable, Hashable, Codable {
    public var count: Int
    public var total: Int
    @NullEncoded public var value: Double? = nil
    @NullEncoded public var low: Double? = nil
    @NullEncoded public var high: Double? = nil

    /// The two-sided 95% normal quantile, `Φ⁻¹(0.975)`.
    public static let z95 = 1.959963984540054

    public init(_ count: Int, of total: Int, z: Double = Rate.z95) {
        self.count = count
        self.total = total
        guard total > 0 else { return }
        let n = Double(total)
        let p = Double(count) / n
        let z2 = z * z
        let centre = (p + z2 / (2 * n)) / (1 + z2 / n)
        let half = z / (1 + z2 / n) * (p * (1 - p) / n + z2 / (4 * n * n)).squareRoot()
        value = p
        low = max(0, centre - half)
        high = min(1, centre + half)
    }
}

/// A statistic with a bootstrap percentile interval.
public struct Estimate: Sendable, Hashable, Codable {
    public var value: Double?
    public var low: Double?
    public var high: Double?

    public init(value: Double?, low: Double? = nil, high: Double? = nil) {
        self.value = value
        self.low = low
        self.high = high
    }
}
