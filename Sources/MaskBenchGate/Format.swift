import Foundation

/// Fixed number formats for the gate's outputs, so the same report prints the same bytes.
enum Format {
    /// Four decimals (`0.8846`, `-0.0100`); `—` for an undefined value.
    static func number(_ value: Double?) -> String {
        guard let value else { return "—" }
        return String(format: "%.4f", value)
    }

    /// A signed change: `+0.0100`, `-0.0846`.
    static func delta(_ value: Double?) -> String {
        guard let value else { return "—" }
        return String(format: "%+.4f", value)
    }

    /// Four decimals from 0.001 up, otherwise two significant digits in exponent form (`3.9e-05`).
    static func pValue(_ p: Double) -> String {
        p >= 0.001 || p == 0 ? String(format: "%.4f", p) : String(format: "%.1e", p)
    }
}
