import Foundation
import MaskBenchCore

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
        /// How consecutive points are joined. A step chart must step on the side where each point's value
        /// holds, or the curve contradicts its own data between the points.
        enum Join: Sendable {
            /// A straight line (ROC: the segment between two operating points is what ties between them give).
            case straight
            /// Each point's value holds back to the previous point: up or down at the previous point's x, then
            /// across (a rate at a threshold t is the rate for every threshold above the previous one, up to t).
            case stepBefore
            /// Each point's value holds until the next point: across, then up or down at the next point's x
            /// (the miss rate reached at a false-positive level holds until the next level).
            case stepAfter
        }

        var name: String
        var points: [(x: Double, y: Double)]
        /// Index into ``Palette/series``.
        var style: Int
        var join: Join

        init(_ name: String, points: [(x: Double, y: Double)], style: Int, join: Join = .straight) {
            self.name = name
            self.points = points
            self.style = style
            self.join = join
        }
    }

    /// A point drawn with a marker; its label goes in the legend.
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

    var title: String
    var x: Axis
    var y: Axis
    var series: [Series] = []
    var marks: [Mark] = []
    /// Vertical reference lines with a label (the threshold in use).
    var verticalRules: [(x: Double, label: String)] = []
    /// Draw the chance diagonal (ROC).
    var chanceLine = false
    /// Small print under the title (what the curve is computed on), on as many lines as it needs.
    var note: String = ""
    var width: Double = 540

    init(title: String, x: Axis, y: Axis) {
        self.title = title
        self.x = x
        self.y = y
    }

    /// The plot area's bottom edge; the legend goes below the axis label, so the drawing grows with it.
    static let plotBottom = 348.0
    /// Height of a legend row.
    static let legendRow = 18.0

    /// The chart as SVG text.
    ///
    /// Only curves, reference lines and markers are drawn inside the plot area. Every label (series, marks,
    /// reference lines) is a row of the legend below the axis label, one per row, so no label can cover a
    /// curve or another label.
    func render(standalone: Bool) -> String {
        let left = 64.0
        let right = width - 20
        let noteLines = note.isEmpty ? [] : SVGWriter.lines(note, fitting: right - left, size: 11)
        let top = noteLines.isEmpty ? 40.0 : 54.0 + 14 * Double(noteLines.count - 1)
        let bottom = Self.plotBottom
        let entries = legendEntries()
        let legendTop = bottom + 52
        let height = legendTop + Double(entries.count) * Self.legendRow + (entries.isEmpty ? 0 : 6)
        var svg = SVGWriter(width: width, height: height)
        func px(_ v: Double) -> Double { left + (right - left) * Swift.min(Swift.max(x.fraction(v), 0), 1) }
        func py(_ v: Double) -> Double { bottom - (bottom - top) * Swift.min(Swift.max(y.fraction(v), 0), 1) }

        svg.text(title, left, 22, size: 15, weight: "bold")
        for (i, line) in noteLines.enumerated() {
            svg.text(line, left, 40 + 14 * Double(i), size: 11, colour: Palette.muted)
        }
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
        svg.text(x.label, (left + right) / 2, bottom + 38, anchor: .middle, size: 12)
        svg.text(y.label, 16, (top + bottom) / 2, anchor: .middle, size: 12, rotate: -90)

        if chanceLine {
            svg.line(px(x.min), py(y.min), px(x.max), py(y.max), stroke: Palette.reference)
        }
        for rule in verticalRules {
            svg.line(px(rule.x), top, px(rule.x), bottom, stroke: Palette.rule)
        }
        for s in series {
            var points: [(Double, Double)] = []
            points.reserveCapacity(s.join == .straight ? s.points.count : s.points.count * 2)
            var previous: (Double, Double)?
            for p in s.points {
                let point = (px(p.x), py(p.y))
                if let previous {
                    switch s.join {
                    case .straight: break
                    case .stepBefore: points.append((previous.0, point.1))
                    case .stepAfter: points.append((point.0, previous.1))
                    }
                }
                points.append(point)
                previous = point
            }
            let style = Palette.series[s.style % Palette.series.count]
            svg.polyline(Self.simplified(points), stroke: .init(style.colour, width: 2, dash: style.dash))
        }
        for mark in marks {
            let style = Palette.series[mark.style % Palette.series.count]
            svg.marker(mark.style, px(mark.x), py(mark.y), size: 5, colour: style.colour)
        }
        for (i, entry) in entries.enumerated() {
            let Y = legendTop + Double(i) * Self.legendRow + 12
            switch entry.swatch {
            case .line(let stroke): svg.line(left, Y - 4, left + 24, Y - 4, stroke: stroke)
            case .marker(let style):
                svg.marker(
                    style, left + 12, Y - 4, size: 5, colour: Palette.series[style % Palette.series.count].colour)
            case nil: break
            }
            svg.text(entry.label, left + 32, Y, size: 11)
        }
        return svg.render(title: title, standalone: standalone)
    }

    /// A legend row: what it looks like in the plot, and its text.
    private struct LegendEntry {
        enum Swatch {
            case line(SVGWriter.Stroke)
            case marker(Int)
        }

        /// `nil` on the continuation rows of a wrapped label.
        var swatch: Swatch?
        var label: String
    }

    /// Series, then reference lines, then marks with a label, in the order they were added; a label too
    /// long for the chart's width continues on the rows below.
    private func legendEntries() -> [LegendEntry] {
        var entries = series.map {
            let style = Palette.series[$0.style % Palette.series.count]
            return LegendEntry(swatch: .line(.init(style.colour, width: 2, dash: style.dash)), label: $0.name)
        }
        if chanceLine { entries.append(LegendEntry(swatch: .line(Palette.reference), label: "Chance")) }
        entries += verticalRules.map { LegendEntry(swatch: .line(Palette.rule), label: $0.label) }
        entries += marks.filter { !$0.label.isEmpty }.map { LegendEntry(swatch: .marker($0.style), label: $0.label) }
        return entries.flatMap { entry in
            SVGWriter.lines(entry.label, fitting: width - 64 - 32 - 8, size: 11).enumerated().map {
                LegendEntry(swatch: $0.offset == 0 ? entry.swatch : nil, label: $0.element)
            }
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
