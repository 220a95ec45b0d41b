/// Colours and dash patterns of every chart: Okabe–Ito colours (distinguishable with the common colour
/// blindnesses) that also differ in lightness, each series with its own dash pattern and marker so a
/// grey-scale print still tells them apart.
enum Palette {
    /// Series styles in order of use: colour, dash pattern.
    static let series: [(colour: String, dash: String)] = [
        ("#0072B2", ""), ("#D55E00", "7 3"), ("#009E73", "2 2"), ("#CC79A7", "9 3 2 3"), ("#000000", "4 2"),
    ]
    /// The chance diagonal.
    static let reference = SVGWriter.Stroke("#8C8C8C", width: 1, dash: "4 4")
    /// A vertical rule at the threshold in use (dash-dot, so it differs from the chance line and the series).
    static let rule = SVGWriter.Stroke("#555555", width: 1.5, dash: "6 2 1 2")
    static let grid = "#E8E8E8"
    static let axis = "#444444"
    static let muted = "#666666"
    /// Gallery boxes, as seed 001 draws them: ground truth black, called masked green, called unmasked red
    /// (dashed, so the two calls differ without colour).
    static let groundTruthBox = "#000000"
    static let maskedBox = "#1B9E4B"
    static let unmaskedBox = "#D62728"

    /// The style index of a class: masked, unmasked, incorrect keep their look across charts.
    static func index(ofClass name: String) -> Int {
        switch name {
        case "masked": 0
        case "unmasked": 1
        case "incorrect": 2
        default: 3
        }
    }

    /// A sequential blue for a heat-map cell with share `fraction` in [0, 1]: lightness falls steadily, so
    /// grey-scale keeps the order.
    static func heat(_ fraction: Double) -> String {
        let t = min(max(fraction.isFinite ? fraction : 0, 0), 1)
        let light = (247.0, 251.0, 255.0)
        let dark = (8.0, 48.0, 107.0)
        func mix(_ a: Double, _ b: Double) -> Int { Int((a + (b - a) * t).rounded()) }
        return hex(mix(light.0, dark.0), mix(light.1, dark.1), mix(light.2, dark.2))
    }

    /// Whether text on `heat(fraction)` should be white.
    static func needsLightText(_ fraction: Double) -> Bool { fraction > 0.5 }

    private static func hex(_ r: Int, _ g: Int, _ b: Int) -> String {
        let digits = Array("0123456789ABCDEF")
        var out = "#"
        for v in [r, g, b] {
            out.append(digits[(v >> 4) & 15])
            out.append(digits[v & 15])
        }
        return out
    }
}
