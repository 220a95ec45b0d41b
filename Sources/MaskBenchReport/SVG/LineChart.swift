import Foundation

/// An x–y chart of one or more series (ROC, precision–recall, FROC, threshold sweep, histograms): axes with
/// ticks and a light grid, a legend, optional reference lines and marked points.
struct LineChart: Sendable {
    /// One axis: its label, range and ticks.
    struct Axis: Sendable {
        var label: String
        var min: Double
        var max: Double
        var ticks: [Double]
        /// Decimals printed on the ticks.
        var digits: Int
        /// Logarithmic (base 10); `min` must be positive.
        var logarithmic: Bool

        init(
            _ label: String, min: Double = 0, max: Double = 1, ticks: [Double]? = nil, digits: Int = 1,
            logarithmic: Bool = false
        ) {
            self.label = label
            self.min = min
            self.max = max
            self.ticks = ticks ?? stride(from: 0, through: 10, by: 2).map { min + (max - min) * Double($0) / 10 }
            self.digits = digits
            self.logarithmic = logarithmic
        }

        /// The unit axis `[0, 1]` with ticks every 0.2.
        static func unit(_ label: String) -> Axis { Axis(label) }

        /// A log axis over whole decades covering `low…high` (positive), ticks at the powers of ten.
        static func decades(_ label: String, low: Double, high: Double) -> Axis {
            let a = Foundation.floor(log10(Swift.max(low, 1e-6)))
            let b = Swift.max(a + 1, Foundation.ceil(log10(Swift.max(high, 1e-6))))
            let ticks = stride(from: a, through: b, by: 1).map { pow(10, $0) }
            return Axis(label, min: pow(10, a), max: pow(10, b), ticks: ticks, digits: 0, logarithmic: true)
        }

        func fraction(_ value: Double) -> Double {
            if logarithmic {
                let v = Swift.max(value, min)
                return (log10(v) - log10(min)) / (log10(max) - log10(min))
            }
            return max > min ? (value - min) / (max - min) : 0
        }

        func tickLabel(_ value: Double) -> String {
            if logarithmic {
                return value >= 1 ? Markup.fixed(value, 0) : Markup.coordinate(Double(Markup.fixed(value, 4)) ?? value)
            }
            return Markup.fixed(value, digits)
        }
    }

    /// A named line.
    struct Series: Sendable {
        var name: String
        var points: [(x: Double, y: Double)]
        /// Index into ``Palette/series``.
        var style: Int
        /// Draw as steps (horizontal, then vertical), as a histogram outline.
        var step: Bool

        init(_ name: String, points: [(x: Double, y: Double)], style: Int, step: Bool = false) {
            self.name = name
            self.points = points
            self.style = style
            self.step = step
        }
    }

    /// A point drawn with a marker and a label (an operating point).
    struct Mark: Sendable {
        var x: Double
        var y: Double
        var label: String
        var style: Int

        init(x: Double, y: Double, label: String, style: Int) {
            self.x = x
            self.y = y
            self.label = label
            self.style = style
        }
    }

    /// Where the legend sits inside the plot area.
    enum Corner: Sendable {
        case topLeft, topRight, bottomLeft, bottomRight
    }

    var title: String
    var x: Axis
    var y: Axis
    var series: [Series] = []
    var marks: [Mark] = []
    /// Vertical reference lines with a label (the threshold in use).
    var verticalRules: [(x: Double, label: String)] = []
    /// Draw the chance diagonal (ROC).
    var chanceLine = false
    var legend: Corner = .bottomRight
    /// A line of small print under the title (what the curve is computed on).
    var note: String = ""
    var width: Double = 540
    var height: Double = 400

    init(title: String, x: Axis, y: Axis) {
        self.title = title
        self.x = x
        self.y = y
    }

    /// The chart as SVG text.
    func render(standalone: Bool) -> String {
        var svg = SVGWriter(width: width, height: height)
        let left = 64.0
        let right = width - 20
        let top = note.isEmpty ? 40.0 : 54.0
        let bottom = height - 52
        func px(_ v: Double) -> Double { left + (right - left) * Swift.min(Swift.max(x.fraction(v), 0), 1) }
        func py(_ v: Double) -> Double { bottom - (bottom - top) * Swift.min(Swift.max(y.fraction(v), 0), 1) }

        svg.text(title, left, 22, size: 15, weight: "bold")
        if !note.isEmpty { svg.text(note, left, 40, size: 11, colour: Palette.muted) }
        // Grid and ticks.
        for t in x.ticks {
            let X = px(t)
            svg.line(X, top, X, bottom, stroke: .init(Palette.grid))
            svg.line(X, bottom, X, bottom + 5, stroke: .init(Palette.axis))
            svg.text(x.tickLabel(t), X, bottom + 18, anchor: .middle, size: 11)
        }
        for t in y.ticks {
            let Y = py(t)
            svg.line(left, Y, right, Y, stroke: .init(Palette.grid))
            svg.line(left - 5, Y, left, Y, stroke: .init(Palette.axis))
            svg.text(y.tickLabel(t), left - 8, Y + 4, anchor: .end, size: 11)
        }
        svg.rect(left, top, right - left, bottom - top, fill: "none", stroke: .init(Palette.axis))
        svg.text(x.label, (left + right) / 2, height - 14, anchor: .middle, size: 12)
        svg.text(y.label, 16, (top + bottom) / 2, anchor: .middle, size: 12, rotate: -90)

        if chanceLine {
            svg.line(px(x.min), py(y.min), px(x.max), py(y.max), stroke: Palette.reference)
        }
        for rule in verticalRules {
            let X = px(rule.x)
            svg.line(X, top, X, bottom, stroke: Palette.reference)
            // At the foot of the plot, where legends never sit.
            svg.text(rule.label, X + 4, bottom - 6, size: 11, colour: Palette.muted)
        }
        for s in series {
            var points: [(Double, Double)] = []
            points.reserveCapacity(s.step ? s.points.count * 2 : s.points.count)
            var previous: (Double, Double)?
            for p in s.points {
                let point = (px(p.x), py(p.y))
                if s.step, let previous { points.append((point.0, previous.1)) }
                points.append(point)
                previous = point
            }
            let style = Palette.series[s.style % Palette.series.count]
            svg.polyline(Self.simplified(points), stroke: .init(style.colour, width: 2, dash: style.dash))
        }
        for mark in marks {
            let style = Palette.series[mark.style % Palette.series.count]
            svg.marker(mark.style, px(mark.x), py(mark.y), size: 5, colour: style.colour)
            let X = px(mark.x)
            let Y = py(mark.y)
            let anchor: SVGWriter.Anchor = X > (left + right) / 2 ? .end : .start
            // Below the point near the top of the plot, above it elsewhere.
            let labelY = Y < top + (bottom - top) * 0.25 ? Y + 18 : Y - 8
            svg.text(mark.label, X + (anchor == .end ? -9 : 9), labelY, anchor: anchor, size: 11)
        }
        drawLegend(&svg, left: left, right: right, top: top, bottom: bottom)
        return svg.render(title: title, standalone: standalone)
    }

    private func drawLegend(_ svg: inout SVGWriter, left: Double, right: Double, top: Double, bottom: Double) {
        var entries: [(String, SVGWriter.Stroke)] = series.map {
            let style = Palette.series[$0.style % Palette.series.count]
            return ($0.name, SVGWriter.Stroke(style.colour, width: 2, dash: style.dash))
        }
        if chanceLine { entries.append(("Chance", Palette.reference)) }
        guard !entries.isEmpty else { return }
        let longest = entries.map { Double($0.0.count) }.max() ?? 0
        let boxWidth = Swift.min(right - left - 16, 40 + longest * 6.4)
        let boxHeight = Double(entries.count) * 18 + 8
        let x0 = (legend == .topLeft || legend == .bottomLeft) ? left + 8 : right - 8 - boxWidth
        let y0 = (legend == .topLeft || legend == .topRight) ? top + 8 : bottom - 8 - boxHeight
        svg.rect(x0, y0, boxWidth, boxHeight, fill: "#FFFFFF", stroke: .init("#BBBBBB"))
        for (i, entry) in entries.enumerated() {
            let Y = y0 + 16 + Double(i) * 18
            svg.line(x0 + 8, Y - 4, x0 + 32, Y - 4, stroke: entry.1)
            svg.text(entry.0, x0 + 38, Y, size: 11)
        }
    }

    /// Drops points that cannot show: those within a quarter pixel of the previous one, and the middle of
    /// three on one horizontal or vertical line (a 30k-threshold sweep becomes a few hundred points).
    static func simplified(_ points: [(Double, Double)]) -> [(Double, Double)] {
        var out: [(Double, Double)] = []
        out.reserveCapacity(Swift.min(points.count, 4096))
        for p in points {
            let q = ((p.0 * 4).rounded() / 4, (p.1 * 4).rounded() / 4)
            if let last = out.last, last == q { continue }
            if out.count >= 2 {
                let a = out[out.count - 2]
                let b = out[out.count - 1]
                if (a.0 == b.0 && b.0 == q.0) || (a.1 == b.1 && b.1 == q.1) {
                    out[out.count - 1] = q
                    continue
                }
            }
            out.append(q)
        }
        return out
    }
}
