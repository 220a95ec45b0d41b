import MaskBenchCore

/// A small deterministic SVG writer: elements are appended as text in call order, numbers are printed by
/// ``Markup/coordinate(_:)`` and every string by ``Markup/escape(_:)``, so the same calls give the same bytes.
///
/// It knows only what the charts need (lines, paths, rectangles, circles, text, groups); no ids are
/// written, so several charts can sit inline in one HTML page.
struct SVGWriter: Sendable {
    let width: Double
    let height: Double
    private var body: String = ""

    /// An empty drawing of `width` × `height` user units (pixels at 100% zoom).
    init(width: Double, height: Double) {
        self.width = width
        self.height = height
    }

    /// A text anchor (`text-anchor`).
    enum Anchor: String, Sendable {
        case start, middle, end
    }

    /// How a line or outline is drawn.
    struct Stroke: Sendable, Hashable {
        var colour: String
        var width: Double
        /// `stroke-dasharray`, e.g. `6 3`; empty for a solid line.
        var dash: String

        init(_ colour: String, width: Double = 1, dash: String = "") {
            self.colour = colour
            self.width = width
            self.dash = dash
        }

        var attributes: String {
            var text = " stroke=\"\(Markup.escape(colour))\" stroke-width=\"\(Markup.coordinate(width))\""
            if !dash.isEmpty { text += " stroke-dasharray=\"\(Markup.escape(dash))\"" }
            return text
        }
    }

    private static func n(_ value: Double) -> String { Markup.coordinate(value) }

    /// A straight line.
    mutating func line(_ x1: Double, _ y1: Double, _ x2: Double, _ y2: Double, stroke: Stroke) {
        body += "<line x1=\"\(Self.n(x1))\" y1=\"\(Self.n(y1))\" x2=\"\(Self.n(x2))\" y2=\"\(Self.n(y2))\""
        body += stroke.attributes + "/>\n"
    }

    /// A polyline through `points` (already in drawing coordinates).
    mutating func polyline(_ points: [(Double, Double)], stroke: Stroke) {
        guard !points.isEmpty else { return }
        body += "<polyline fill=\"none\" stroke-linejoin=\"round\"" + stroke.attributes + " points=\""
        var first = true
        for (x, y) in points {
            if !first { body += " " }
            first = false
            body += Self.n(x) + "," + Self.n(y)
        }
        body += "\"/>\n"
    }

    /// A rectangle; `fill` is a colour or `none`.
    mutating func rect(
        _ x: Double, _ y: Double, _ width: Double, _ height: Double, fill: String, stroke: Stroke? = nil,
        title: String? = nil
    ) {
        body += "<rect x=\"\(Self.n(x))\" y=\"\(Self.n(y))\" width=\"\(Self.n(width))\" height=\"\(Self.n(height))\""
        body += " fill=\"\(Markup.escape(fill))\"" + (stroke?.attributes ?? "")
        if let title {
            body += "><title>\(Markup.escape(title))</title></rect>\n"
        } else {
            body += "/>\n"
        }
    }

    /// A circle.
    mutating func circle(_ x: Double, _ y: Double, radius: Double, fill: String, stroke: Stroke? = nil) {
        body +=
            "<circle cx=\"\(Self.n(x))\" cy=\"\(Self.n(y))\" r=\"\(Self.n(radius))\" fill=\"\(Markup.escape(fill))\""
        body += (stroke?.attributes ?? "") + "/>\n"
    }

    /// A marker shape by index (circle, square, triangle, diamond), so series differ without colour.
    mutating func marker(_ index: Int, _ x: Double, _ y: Double, size: Double, colour: String) {
        let s = size
        switch index % 4 {
        case 0:
            circle(x, y, radius: s, fill: colour, stroke: Stroke("#ffffff", width: 1))
        case 1:
            rect(x - s, y - s, 2 * s, 2 * s, fill: colour, stroke: Stroke("#ffffff", width: 1))
        case 2:
            path(
                "M\(Self.n(x)) \(Self.n(y - s * 1.2))L\(Self.n(x + s * 1.1)) \(Self.n(y + s * 0.8))"
                    + "L\(Self.n(x - s * 1.1)) \(Self.n(y + s * 0.8))Z", fill: colour, stroke: Stroke("#ffffff"))
        default:
            path(
                "M\(Self.n(x)) \(Self.n(y - s * 1.3))L\(Self.n(x + s * 1.3)) \(Self.n(y))L\(Self.n(x)) \(Self.n(y + s * 1.3))"
                    + "L\(Self.n(x - s * 1.3)) \(Self.n(y))Z", fill: colour, stroke: Stroke("#ffffff"))
        }
    }

    /// A path from SVG path data built by the caller from numbers only.
    mutating func path(_ data: String, fill: String, stroke: Stroke? = nil) {
        body += "<path d=\"\(Markup.escape(data))\" fill=\"\(Markup.escape(fill))\"" + (stroke?.attributes ?? "")
        body += "/>\n"
    }

    /// `text` broken after spaces into lines that fit `width` pixels of `size`-pixel text, estimating 0.6 em a
    /// character (DejaVu Sans's widest usual text, so the estimate errs long).
    static func lines(_ text: String, fitting width: Double, size: Double) -> [String] {
        wrapped(text, Swift.max(20, Int(width / (0.6 * size))))
    }

    /// `text` in lines of at most `limit` characters, broken after spaces (a word longer than a line is cut).
    static func wrapped(_ text: String, _ limit: Int) -> [String] {
        var lines: [String] = []
        var line = ""
        for word in text.split(separator: " ", omittingEmptySubsequences: false) {
            let candidate = line.isEmpty ? String(word) : line + " " + word
            if candidate.count <= limit || line.isEmpty {
                line = candidate
            } else {
                lines.append(line)
                line = String(word)
            }
            while line.count > limit {
                lines.append(String(line.prefix(limit)))
                line = String(line.dropFirst(limit))
            }
        }
        lines.append(line)
        return lines
    }

    /// Text at (`x`, `y`), escaped; `rotate` turns it about that point (−90 for a vertical axis label).
    mutating func text(
        _ string: String, _ x: Double, _ y: Double, anchor: Anchor = .start, size: Double = 12,
        weight: String = "normal", colour: String = "#222222", rotate: Double = 0
    ) {
        body += "<text x=\"\(Self.n(x))\" y=\"\(Self.n(y))\" font-size=\"\(Self.n(size))\""
        if anchor != .start { body += " text-anchor=\"\(anchor.rawValue)\"" }
        if weight != "normal" { body += " font-weight=\"\(Markup.escape(weight))\"" }
        if colour != "#222222" { body += " fill=\"\(Markup.escape(colour))\"" }
        if rotate != 0 { body += " transform=\"rotate(\(Self.n(rotate)) \(Self.n(x)) \(Self.n(y)))\"" }
        body += ">\(Markup.escape(string))</text>\n"
    }

    /// The finished drawing: an `<svg>` element with a title (for screen readers and tooltips).
    ///
    /// - Parameter standalone: prefix the XML declaration, for a `.svg` file; leave it off to inline the
    ///   drawing in HTML.
    func render(title: String, standalone: Bool) -> String {
        var out = standalone ? "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" : ""
        out += "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Self.n(width))\" height=\"\(Self.n(height))\""
        out += " viewBox=\"0 0 \(Self.n(width)) \(Self.n(height))\" role=\"img\""
        out += " font-family=\"DejaVu Sans, Helvetica, Arial, sans-serif\">\n"
        out += "<title>\(Markup.escape(title))</title>\n"
        out += "<rect x=\"0\" y=\"0\" width=\"\(Self.n(width))\" height=\"\(Self.n(height))\" fill=\"#ffffff\"/>\n"
        out += body
        out += "</svg>\n"
        return out
    }
}
