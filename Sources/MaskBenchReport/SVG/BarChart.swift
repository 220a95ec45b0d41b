import MaskBenchCore

/// Grouped bars of rates with their 95% intervals as error bars (recall and TNR by face size).
struct BarChart: Sendable {
    /// One bar: a rate with its interval and the count it is over.
    struct Bar: Sendable {
        var value: Double?
        var low: Double?
        var high: Double?
        /// Printed under the bar (`n=120`).
        var caption: String

        init(value: Double?, low: Double?, high: Double?, caption: String) {
            self.value = value
            self.low = low
            self.high = high
            self.caption = caption
        }
    }

    var title: String
    var yLabel: String
    var groups: [String]
    /// Series names; `bars[series][group]`.
    var seriesNames: [String]
    var bars: [[Bar]]
    var note: String = ""

    init(title: String, yLabel: String, groups: [String], seriesNames: [String], bars: [[Bar]]) {
        self.title = title
        self.yLabel = yLabel
        self.groups = groups
        self.seriesNames = seriesNames
        self.bars = bars
    }

    /// The chart as SVG text.
    ///
    /// A bar's label sits above its interval, at most 16 px above the plot, where only the title and the
    /// note are, and they end higher; the legend is a row per series below the group names.
    func render(standalone: Bool) -> String {
        let width = 540.0
        let left = 64.0
        let right = width - 20
        let noteLines = note.isEmpty ? [] : SVGWriter.lines(note, fitting: right - left, size: 11)
        let top = noteLines.isEmpty ? 46.0 : 64.0 + 14 * Double(noteLines.count - 1)
        let bottom = 330.0
        let legendTop = bottom + 50
        let height = legendTop + Double(seriesNames.count) * LineChart.legendRow + 6
        var svg = SVGWriter(width: width, height: height)
        func py(_ v: Double) -> Double { bottom - (bottom - top) * Swift.min(Swift.max(v, 0), 1) }
        svg.text(title, left, 22, size: 15, weight: "bold")
        for (i, line) in noteLines.enumerated() {
            svg.text(line, left, 40 + 14 * Double(i), size: 11, colour: Palette.muted)
        }
        for i in 0...5 {
            let v = Double(i) / 5
            svg.line(left, py(v), right, py(v), stroke: .init(Palette.grid))
            svg.text(Markup.fixed(v, 1), left - 8, py(v) + 4, anchor: .end, size: 11)
        }
        svg.line(left, bottom, right, bottom, stroke: .init(Palette.axis))
        svg.line(left, top, left, bottom, stroke: .init(Palette.axis))
        svg.text(yLabel, 16, (top + bottom) / 2, anchor: .middle, size: 12, rotate: -90)
        let groupWidth = (right - left) / Double(Swift.max(groups.count, 1))
        let barWidth = Swift.min(56, groupWidth * 0.8 / Double(Swift.max(seriesNames.count, 1)))
        for (g, name) in groups.enumerated() {
            let centre = left + groupWidth * (Double(g) + 0.5)
            svg.text(name, centre, bottom + 36, anchor: .middle, size: 12, weight: "bold")
            let start = centre - barWidth * Double(seriesNames.count) / 2
            for s in seriesNames.indices {
                guard g < bars[s].count else { continue }
                let bar = bars[s][g]
                let x = start + barWidth * Double(s)
                let style = Palette.series[s % Palette.series.count]
                svg.text(bar.caption, x + barWidth / 2, bottom + 16, anchor: .middle, size: 10, colour: Palette.muted)
                guard let value = bar.value else {
                    svg.text("n/a", x + barWidth / 2, bottom - 6, anchor: .middle, size: 11, colour: Palette.muted)
                    continue
                }
                svg.rect(
                    x + 2, py(value), barWidth - 4, bottom - py(value), fill: style.colour, stroke: .init("#FFFFFF"))
                if let low = bar.low, let high = bar.high {
                    let cx = x + barWidth / 2
                    let ink = SVGWriter.Stroke("#111111", width: 1.5)
                    svg.line(cx, py(low), cx, py(high), stroke: ink)
                    svg.line(cx - 6, py(low), cx + 6, py(low), stroke: ink)
                    svg.line(cx - 6, py(high), cx + 6, py(high), stroke: ink)
                }
                svg.text(Markup.percent(value), x + barWidth / 2, py(bar.high ?? value) - 6, anchor: .middle, size: 10)
            }
        }
        for (s, name) in seriesNames.enumerated() {
            let style = Palette.series[s % Palette.series.count]
            let y = legendTop + Double(s) * LineChart.legendRow
            svg.rect(left + 6, y, 12, 12, fill: style.colour)
            svg.text(name, left + 32, y + 10, size: 11)
        }
        return svg.render(title: title, standalone: standalone)
    }
}
