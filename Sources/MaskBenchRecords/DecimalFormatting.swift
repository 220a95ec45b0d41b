/// Numbers as Swift's `description` spells them, without making a string for the common short decimals.
///
/// `Double.description` prints the shortest digits that read back as the same number (the closest of them
/// when several are as short), in decimal notation between 2⁻⁴ (about 1e-4) and 2⁵³; making that `String`
/// is most of the time spent writing a large CSV file. Box coordinates and scores usually have a few
/// decimals (`842.09`, `0.8524`): for a number that the fewest decimals (1 to 6) read back as, those digits
/// are that shortest spelling (only one number with that many decimals can read as it); everything else goes
/// through `description`.
enum DecimalFormatting {
    /// The powers of ten tried, 10¹ to 10⁶, all exact in a `Double`.
    private static let scales: [Double] = [1e1, 1e2, 1e3, 1e4, 1e5, 1e6]

    /// Appends `value.description`'s UTF-8 bytes to `out`, digit by digit when it is not negative.
    static func appendInteger(_ value: Int, to out: inout [UInt8]) {
        guard value >= 0 else {
            out.append(contentsOf: value.description.utf8)
            return
        }
        var unit = 1
        while value / unit >= 10 { unit *= 10 }
        while unit > 0 {
            out.append(UInt8(ascii: "0") + UInt8(truncatingIfNeeded: value / unit % 10))
            unit /= 10
        }
    }

    /// Appends `value.description`'s UTF-8 bytes to `out`.
    static func appendDescription(of value: Double, to out: inout [UInt8]) {
        if !appendShortDecimal(value, to: &out) { out.append(contentsOf: value.description.utf8) }
    }

    /// Appends `value` in decimal notation with the fewest decimals (1 to 6) that read back as `value`; when
    /// none do, appends nothing and returns `false`.
    ///
    /// Only for `0.001 <= |value| < 1e9` that are not whole numbers (`description` writes `2.0`, `1e-05`).
    static func appendShortDecimal(_ value: Double, to out: inout [UInt8]) -> Bool {
        let magnitude = abs(value)
        guard magnitude >= 0.001, magnitude < 1e9, magnitude != magnitude.rounded(.towardZero) else { return false }
        for (k, scale) in scales.enumerated() {
            // A decimal c·10⁻ᵏ that reads as `magnitude` is within half a unit in the last place of it, so
            // within 0.06 of `magnitude · 10ᵏ` (below 1e9, with k ≤ 6); and at most one is, as they are 10⁻ᵏ
            // apart, more than a unit in the last place. `c / scale` is the correctly rounded quotient of two
            // exact integers: the double that the text reads as. The product may be off by one after rounding.
            let product = magnitude * scale
            let center = product.rounded()
            guard abs(product - center) <= 0.25 else { continue }
            let digits: Double
            if center / scale == magnitude {
                digits = center
            } else if center > 1, (center - 1) / scale == magnitude {
                digits = center - 1
            } else if (center + 1) / scale == magnitude {
                digits = center + 1
            } else {
                continue
            }
            guard digits > 0 else { return false }
            appendFixed(UInt64(digits), decimals: k + 1, negative: value < 0, to: &out)
            return true
        }
        return false
    }

    /// `digits · 10^-decimals` written out: sign, the whole part, a point and exactly `decimals` digits.
    private static func appendFixed(_ digits: UInt64, decimals: Int, negative: Bool, to out: inout [UInt8]) {
        if negative { out.append(UInt8(ascii: "-")) }
        // Digits from the last: at least `decimals + 1` (a zero before the point), then the point inserted.
        var count = 1
        var rest = digits / 10
        while rest > 0 {
            count += 1
            rest /= 10
        }
        count = max(count, decimals + 1)
        let start = out.count
        out.append(contentsOf: repeatElement(UInt8(ascii: "."), count: count + 1))
        rest = digits
        var index = out.count - 1
        for position in 0..<count {
            if position == decimals { index -= 1 }  // leave the point
            out[index] = UInt8(ascii: "0") + UInt8(truncatingIfNeeded: rest % 10)
            rest /= 10
            index -= 1
        }
        assert(index == start - 1, "every digit placed")
    }
}
