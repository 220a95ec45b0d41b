/// Escaping and number formatting shared by every SVG and HTML writer: the one place user data is made
/// inert.
///
/// The HTML report is also well-formed XML (XHTML syntax), so one escaping serves both: text and
/// attribute values go through ``escape(_:)``; nothing else puts user data into markup.
public enum Markup {
    /// `text` safe inside XML/HTML/SVG text or a double- or single-quoted attribute value: the one escaper of
    /// the report (HTML, SVG) and of the gate's JUnit XML.
    ///
    /// `&`, `<`, `>`, `"` and `'` become character references (so `]]>` and `</script>` are inert); tab, line
    /// feed and carriage return become `&#9;`, `&#10;` and `&#13;`, which an attribute keeps (a parser turns a
    /// raw one into a space) and text shows as the same white space. Characters XML 1.0 forbids even as
    /// references (the other C0 controls, and U+FFFE/U+FFFF) become U+FFFD, so a hostile label cannot make the
    /// file unparseable.
    public static func escape(_ text: String) -> String {
        var needs = false
        for unit in text.utf8
        where unit < 0x20 || unit == 0x26 || unit == 0x3C || unit == 0x3E || unit == 0x22
            || unit == 0x27 || unit == 0xEF
        {
            needs = true
            break
        }
        guard needs else { return text }
        var out = ""
        out.reserveCapacity(text.utf8.count + 16)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            case "\t": out += "&#9;"
            case "\n": out += "&#10;"
            case "\r": out += "&#13;"
            case "\u{FFFE}", "\u{FFFF}": out += "\u{FFFD}"
            default:
                if scalar.value < 0x20 {
                    out += "\u{FFFD}"
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out
    }

    /// `value` with exactly `digits` decimals, `.` as separator, no `-0`: the same number always prints the
    /// same way, whatever the locale.
    ///
    /// Non-finite values print as `0` (coordinates must stay valid); callers show undefined numbers as "n/a"
    /// before they get here.
    public static func fixed(_ value: Double, _ digits: Int) -> String {
        guard value.isFinite else { return "0" }
        var scale = 1.0
        for _ in 0..<digits { scale *= 10 }
        let scaled = (abs(value) * scale).rounded()
        guard scaled < 9e15 else { return String(Int64(value.rounded())) }
        let whole = Int64(scaled)
        let negative = value < 0 && whole != 0
        let power = Int64(scale)
        var text = String(whole / power)
        if digits > 0 {
            let fraction = String(whole % power)
            text += "." + String(repeating: "0", count: digits - fraction.count) + fraction
        }
        return negative ? "-" + text : text
    }

    /// A coordinate: at most two decimals, trailing zeros dropped (`12`, `12.5`, `12.25`).
    public static func coordinate(_ value: Double) -> String {
        var text = fixed(value, 2)
        guard text.contains(".") else { return text }
        while text.hasSuffix("0") { text.removeLast() }
        if text.hasSuffix(".") { text.removeLast() }
        return text
    }

    /// A rate as a percentage with one decimal (`88.5%`), or `n/a`.
    public static func percent(_ value: Double?) -> String {
        guard let value else { return "n/a" }
        return fixed(value * 100, 1) + "%"
    }

    /// A 95% interval as `[low, high]` in percent or with three decimals; empty when undefined.
    public static func interval(_ low: Double?, _ high: Double?, percent: Bool) -> String {
        guard let low, let high else { return "" }
        return percent
            ? "[\(fixed(low * 100, 1))%, \(fixed(high * 100, 1))%]" : "[\(fixed(low, 3)), \(fixed(high, 3))]"
    }

    /// A score-like number with three decimals, or `n/a`.
    public static func decimal(_ value: Double?) -> String {
        value.map { fixed($0, 3) } ?? "n/a"
    }
}
