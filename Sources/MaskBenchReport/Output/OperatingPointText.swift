import Foundation
public import MaskBenchCore

/// Operating points as the console, `summary.md` and `index.html` print them: thresholds with only the
/// digits that tell a point from its neighbours, and every number a user weighs when choosing one.
public enum OperatingPointText {
    /// `threshold` rounded down to the fewest decimals (at least one) that keep it in `(above, threshold]`: a
    /// classifier threshold that gives exactly the same calls (a face is called masked when maskScore ≥ it,
    /// and no score lies in between), so it can be passed to `--threshold` as printed.
    /// `0.42465728521347046` with the next lower score `0.41` prints `0.42`, and with `0.4239` prints `0.424`
    /// (rounding to the nearest would give `0.425`, above the threshold, at every length); without a lower
    /// score (`nil`), any threshold up to `threshold` does.
    public static func classifier(_ threshold: Double, above: Double?) -> String {
        for digits in 1...17 {
            var text = Markup.fixed(threshold, digits)
            guard var value = Double(text) else { break }
            if value > threshold {
                // Rounded up: one step of the last decimal down is the largest such decimal at most `threshold`.
                text = Markup.fixed(value - pow(10, -Double(digits)), digits)
                guard let lower = Double(text) else { break }
                value = lower
            }
            if value <= threshold, above.map({ value > $0 }) ?? true { return trimmed(text) }
        }
        return "\(threshold)"
    }

    /// A detector threshold as given: its shortest decimal (`0.5`, `0.35`).
    public static func detector(_ threshold: Double) -> String {
        let text = Markup.fixed(threshold, 17)
        for digits in 1...17 where Double(Markup.fixed(threshold, digits)) == threshold {
            return trimmed(Markup.fixed(threshold, digits))
        }
        return trimmed(text)
    }

    /// `detector ≥ 0.5, classifier ≥ 0.42`.
    public static func thresholds(_ point: OperatingPoint) -> String {
        "detector ≥ \(detector(point.detectorThreshold)), classifier ≥ "
            + classifier(point.classifierThreshold, above: point.classifierThresholdAbove)
    }

    /// `TNR 27.8%, FNR 3.7%, 20 false alarms, recall 29.3%, 756 faces missed` (the last two when known).
    public static func outcome(_ point: OperatingPoint) -> String {
        var text = "TNR \(Markup.percent(point.tnr)), FNR \(Markup.percent(point.fnr)), "
        text += "\(point.falseAlarms) false alarm\(point.falseAlarms == 1 ? "" : "s")"
        if let recall = point.recall { text += ", recall \(Markup.percent(recall))" }
        if let missed = point.missedFaces { text += ", \(missed) face\(missed == 1 ? "" : "s") missed" }
        return text
    }

    /// `0.40` → `0.4`; at least one decimal stays.
    private static func trimmed(_ text: String) -> String {
        guard text.contains(".") else { return text + ".0" }
        var text = Substring(text)
        while text.hasSuffix("0") && !text.hasSuffix(".0") { text.removeLast() }
        return String(text)
    }
}
