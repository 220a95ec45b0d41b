import Foundation

/// A percentage as a README writes it, `88.5%`, keeping how many decimals it was rounded to.
///
/// `88.5%` stands for any rate in [88.45%, 88.55%]: ``halfUnit`` is half of the last written digit,
/// as a fraction (0.0005 here; 0.005 for `90%`).
public struct WrittenPercentage: Sendable, Hashable, CustomStringConvertible {
    /// The text, `88.5%`.
    public var text: String
    /// The value as a fraction: 0.885.
    public var value: Double
    /// Digits after the decimal point.
    public var decimals: Int

    /// Parses `88.5%` or `90 %`; `nil` for anything else (no sign, no exponent, percent sign required).
    public init?(_ text: String) {
        var body = text.trimmingCharacters(in: .whitespaces)
        guard body.hasSuffix("%") else { return nil }
        body.removeLast()
        body = body.trimmingCharacters(in: .whitespaces)
        let parts = body.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isASCII) }),
            parts.allSatisfy({ $0.allSatisfy(\.isNumber) }), let percent = Double(body), percent <= 100
        else { return nil }
        self.text = text.trimmingCharacters(in: .whitespaces)
        value = percent / 100
        decimals = parts.count == 2 ? parts[1].count : 0
    }

    /// Half a unit of the last written digit, as a fraction.
    public var halfUnit: Double { 0.5 * pow10(-(decimals + 2)) }

    /// Whether `rate` rounds to this percentage: `|rate − value| ≤ halfUnit` (plus 1e-12 for binary noise,
    /// so that 0.8845 matches `88.5%` as a person rounding half up would say).
    public func matches(_ rate: Double) -> Bool {
        abs(rate - value) <= halfUnit + 1e-12
    }

    public var description: String { text }

    private func pow10(_ exponent: Int) -> Double {
        var result = 1.0
        for _ in 0..<abs(exponent) { result *= 10 }
        return exponent < 0 ? 1 / result : result
    }
}
