import MaskBenchCore

/// A confusion matrix as a heat map: rows are the truth, columns the call; each cell shows its count and
/// its share of the row, and is shaded by that share (so rows of different sizes compare).
struct HeatMap: Sendable {
    var title: String
    var rowTitle: String
    var columnTitle: String
    var rows: [String]
    var columns: [String]
    /// `counts[row][column]`; `nil` draws an empty, hatched-free grey cell (a combination that cannot
    /// happen, such as extra × missed).
    var counts: [[Int?]]
    var note: String = ""

    init(
        title: String, rowTitle: String, columnTitle: String, rows: [String], columns: [String], counts: [[Int?]]
    ) {
        self.title = title
        self.rowTitle = rowTitle
        self.columnTitle = columnTitle
        self.rows = rows
        self.columns = columns
        self.counts = counts
    }

    /// The chart as SVG text.
    func render(standalone: Bool) -> String {
        let cell = 96.0
        let cellHeight = 64.0
        let left = 140.0
        let top = note.isEmpty ? 76.0 : 90.0
        let width = left + cell * Double(columns.count) + 24
        let height = top + cellHeight * Double(rows.count) + 24
        // Wide enough for the title and the note (about 8.5 and 6 px a character).
        let textWidth = Swift.max(32 + Double(title.count) * 8.5, 32 + Double(note.count) * 6)
        var svg = SVGWriter(width: Swift.max(width, 360, textWidth.rounded(.up)), height: height)
        svg.text(title, 16, 22, size: 15, weight: "bold")
        if !note.isEmpty { svg.text(note, 16, 40, size: 11, colour: Palette.muted) }
        svg.text(columnTitle, left + cell * Double(columns.count) / 2, top - 32, anchor: .middle, size: 12)
        svg.text(rowTitle, 16, top - 12, size: 12)
        for (c, name) in columns.enumerated() {
            svg.text(name, left + cell * (Double(c) + 0.5), top - 12, anchor: .middle, size: 12, weight: "bold")
        }
        for (r, name) in rows.enumerated() {
            let y = top + cellHeight * Double(r)
            svg.text(name, left - 10, y + cellHeight / 2 + 4, anchor: .end, size: 12, weight: "bold")
            let row = r < counts.count ? counts[r] : []
            let total = row.reduce(0) { $0 + ($1 ?? 0) }
            for c in columns.indices {
                let x = left + cell * Double(c)
                guard c < row.count, let count = row[c] else {
                    svg.rect(x, y, cell, cellHeight, fill: "#F2F2F2", stroke: .init("#FFFFFF", width: 2))
                    svg.text("–", x + cell / 2, y + cellHeight / 2 + 4, anchor: .middle, colour: Palette.muted)
                    continue
                }
                let share = total > 0 ? Double(count) / Double(total) : 0
                let label = "\(name) → \(columns[c]): \(count) of \(total)"
                svg.rect(
                    x, y, cell, cellHeight, fill: Palette.heat(share), stroke: .init("#FFFFFF", width: 2), title: label)
                let ink = Palette.needsLightText(share) ? "#FFFFFF" : "#111111"
                svg.text(
                    String(count), x + cell / 2, y + cellHeight / 2 - 2, anchor: .middle, size: 16, weight: "bold",
                    colour: ink)
                let percent = total > 0 ? Markup.percent(share) : "n/a"
                svg.text(percent, x + cell / 2, y + cellHeight / 2 + 16, anchor: .middle, size: 11, colour: ink)
            }
        }
        return svg.render(title: title, standalone: standalone)
    }
}
