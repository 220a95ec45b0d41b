import Foundation

/// The exact McNemar test on paired binary outcomes.
///
/// Two runs judge the same faces; only the discordant pairs carry information: `b` faces the baseline got
/// right and the current run got wrong, `c` the other way round. Under the null hypothesis (both runs are
/// equally good) each discordant face is a fair coin, so `min(b, c)` is Binomial(`b + c`, 1/2) and the
/// two-sided p-value is `min(1, 2 · P(X ≤ min(b, c)))`, as `scipy.stats.binomtest(min(b, c), b + c, 0.5)`
/// gives.
public enum McNemar {
    /// The exact two-sided p-value for discordant counts `b` and `c`.
    ///
    /// `b + c == 0` (no discordant pair) gives 1: nothing changed. The binomial CDF is summed as ratios to
    /// its largest term `C(n, k) / 2ⁿ`, which is built as a product kept as mantissa and binary exponent
    /// (`frexp`), so nothing overflows or underflows before the final `scalbn` (`b + c` in the millions is
    /// fine) and the relative error stays near `k` roundings, well under 1e-12 for the counts a gate sees.
    /// - Parameters:
    ///   - b: pairs right in the baseline and wrong now (`>= 0`).
    ///   - c: pairs wrong in the baseline and right now (`>= 0`).
    /// - Returns: the p-value in `[0, 1]` (0 only when it is below the smallest `Double`).
    public static func pValue(b: Int, c: Int) -> Double {
        let n = b + c
        let k = min(b, c)
        guard n > 0, 2 * k < n else { return 1 }
        // C(n, k) = Π_{i=1…k} (n − k + i) / i, as mantissa · 2^exponent.
        var mantissa = 1.0
        var exponent = 0
        for i in stride(from: 1, through: k, by: 1) {
            mantissa = mantissa * Double(n - k + i) / Double(i)
            let parts = frexp(mantissa)
            mantissa = parts.0
            exponent += parts.1
        }
        // P(X ≤ k) = term_k · Σ_{i ≤ k} term_i / term_k, with term_{i−1} / term_i = i / (n − i + 1) < 1.
        var ratio = 1.0
        var sum = 1.0
        var i = k
        while i > 0 {
            ratio *= Double(i) / Double(n - i + 1)
            sum += ratio
            if ratio < sum * 1e-18 { break }
            i -= 1
        }
        let parts = frexp(mantissa * sum)
        return min(1, scalbn(parts.0, parts.1 + exponent - n + 1))
    }
}
