import Foundation
import MaskBenchCore
import MaskBenchFiles
import MaskBenchRecords
import MaskBenchReport
import MaskBenchTestSupport
import Testing

/// The step charts read back against their data: the value drawn between two points of a curve is the one
/// the data says holds there, and every marker sits on its curve.
@Suite struct ChartStepTests {
    /// The fixture run's data and its line charts by file name.
    static func rendered() throws -> (ReportData, [String: DrawnChart]) {
        let data = try ReportData.load(metricsPath: try ReportFixture.writeRun())
        var charts: [String: DrawnChart] = [:]
        for (name, text) in ReportWriter.render(data, images: nil, thumbnails: nil)
        where ["roc", "threshold-sweep", "detector-pr", "detector-froc"].map({ "charts/\($0).svg" }).contains(name) {
            charts[String(name.dropFirst("charts/".count))] = try DrawnChart(text)
        }
        return (data, charts)
    }

    /// The sweep's rate at threshold `t`: the value at the lowest listed threshold at or above `t` (a face is
    /// called masked when maskScore ≥ t), or `above` past the highest.
    static func sweepRate(at t: Double, _ s: SweepTable, _ values: [Double?], above: Double) -> Double? {
        let order = s.thresholds.indices.sorted { s.thresholds[$0] < s.thresholds[$1] }
        guard let i = order.first(where: { s.thresholds[$0] >= t }) else { return above }
        return values[i]
    }

    @Test func theSweepStepsOnTheSideWhereEachRateHolds() throws {
        let (data, charts) = try Self.rendered()
        let chart = try #require(charts["threshold-sweep.svg"])
        let s = data.document.pipeline.sweep
        let thresholds = s.thresholds.sorted()
        #expect(thresholds.count > 5)
        // Between each pair of neighbouring scores, at both ends, and at the operating threshold.
        var probes = zip([0] + thresholds, thresholds + [1]).map { ($0 + $1) / 2 }
        probes.append(data.document.settings.threshold)
        for (colour, values, truth) in [("#D55E00", s.tnr, FaceClass.unmasked), ("#0072B2", s.fnr, .masked)] {
            let line = try #require(chart.polylines[colour])
            let faces = data.faces.filter { $0.truth == truth }
            let above = Double(faces.filter { $0.maskScore != nil }.count) / Double(faces.count)
            for t in probes {
                let expected = try #require(Self.sweepRate(at: t, s, values, above: above))
                let drawn = chart.values(of: line, atX: t)
                #expect(drawn.count == 1 && drawn[0].isClose(to: expected, absolute: 0.004), "\(colour) at \(t)")
            }
        }
    }

    @Test func theOperatingPointMarkersSitOnTheSweepCurves() throws {
        let (data, charts) = try Self.rendered()
        let chart = try #require(charts["threshold-sweep.svg"])
        let t = data.document.settings.threshold
        for (colour, value) in [
            ("#D55E00", data.document.pipeline.tnr.value), ("#0072B2", data.document.pipeline.fnr.value),
        ] {
            let marker = try #require(chart.markers.first { $0.colour == colour })
            let expected = try #require(value)
            #expect(marker.x.isClose(to: t, absolute: 0.002))
            #expect(marker.y.isClose(to: expected, absolute: 0.004))
            // Just left of the threshold the curve holds the rate at the threshold.
            let drawn = chart.values(of: try #require(chart.polylines[colour]), atX: t - 0.001)
            #expect(drawn.count == 1 && drawn[0].isClose(to: expected, absolute: 0.004), "\(colour)")
        }
    }

    @Test func precisionHoldsBackToThePreviousRecallLevel() throws {
        let (data, charts) = try Self.rendered()
        let chart = try #require(charts["detector-pr.svg"])
        let line = try #require(chart.polylines["#0072B2"])
        let levels = data.document.detector.precisionAtRecall
        let reached = (levels.lastIndex { $0 > 0 } ?? -1) + 1
        #expect(reached > 10)
        for j in 1..<reached {
            let drawn = chart.values(of: line, atX: (Double(j) - 0.5) / 100)
            #expect(drawn.count == 1 && drawn[0].isClose(to: levels[j], absolute: 0.004), "recall level \(j)")
        }
    }

    @Test func theMissRateHoldsUntilTheNextFalsePositiveLevel() throws {
        let (data, charts) = try Self.rendered()
        let chart = try #require(charts["detector-froc.svg"])
        let line = try #require(chart.polylines["#0072B2"])
        let points = data.document.detector.froc.filter { $0.falsePositivesPerImage > 0 }
        #expect(points.count > 5)
        for (a, b) in zip(points, points.dropFirst()) {
            let between = (a.falsePositivesPerImage * b.falsePositivesPerImage).squareRoot()
            let drawn = chart.values(of: line, atX: between)
            #expect(drawn.count == 1 && drawn[0].isClose(to: a.missRate, absolute: 0.004), "at \(between)")
        }
    }

    @Test func theROCJoinsItsPointsStraight() throws {
        let (data, charts) = try Self.rendered()
        let chart = try #require(charts["roc.svg"])
        let line = try #require(chart.polylines["#0072B2"])
        let roc = data.document.pipeline.roc
        let points = zip(roc.falsePositiveRates, roc.truePositiveRates).map { (x: $0, y: $1) }
        for (a, b) in zip(points, points.dropFirst()) where b.x - a.x > 0.02 {
            let x = (a.x + b.x) / 2
            let drawn = chart.values(of: line, atX: x)
            #expect(drawn.count == 1 && drawn[0].isClose(to: (a.y + b.y) / 2, absolute: 0.004), "at \(x)")
        }
    }
}

/// A line chart read back from its SVG: the plot frame and axes (from the tick labels), each polyline by
/// stroke colour, and the markers, all in data units.
struct DrawnChart {
    struct Marker {
        var colour: String
        var x: Double
        var y: Double
    }

    /// Polylines in drawing coordinates, by stroke colour.
    var polylines: [String: [(Double, Double)]] = [:]
    var markers: [Marker] = []
    /// Drawing coordinate ↔ data value along each axis, from the first and last tick.
    var xAxis: (pixels: (Double, Double), values: (Double, Double), logarithmic: Bool)
    var yAxis: (pixels: (Double, Double), values: (Double, Double))

    init(_ svg: String) throws {
        func attributes(_ element: Substring) -> [String: String] {
            var result: [String: String] = [:]
            var rest = element[...]
            while let eq = rest.range(of: "=\"") {
                let name = rest[..<eq.lowerBound].split(separator: " ").last.map(String.init) ?? ""
                let after = rest[eq.upperBound...]
                guard let close = after.firstIndex(of: "\"") else { break }
                result[name] = String(after[..<close])
                rest = after[after.index(after: close)...]
            }
            return result
        }
        var xTicks: [(Double, Double)] = []
        var yTicks: [(Double, Double)] = []
        for line in svg.split(separator: "\n") {
            let a = attributes(line)
            let number = { (key: String) in a[key].flatMap(Double.init) }
            if line.hasPrefix("<polyline"), let colour = a["stroke"], let points = a["points"] {
                polylines[colour] = points.split(separator: " ").compactMap { pair in
                    let xy = pair.split(separator: ",").compactMap { Double($0) }
                    return xy.count == 2 ? (xy[0], xy[1]) : nil
                }
            } else if line.hasPrefix("<circle"), let colour = a["fill"], let x = number("cx"), let y = number("cy") {
                markers.append(Marker(colour: colour, x: x, y: y))
            } else if line.hasPrefix("<rect"), a["stroke"] == "#ffffff", let colour = a["fill"], let x = number("x"),
                let y = number("y"), let w = number("width"), let h = number("height")
            {
                markers.append(Marker(colour: colour, x: x + w / 2, y: y + h / 2))
            } else if line.hasPrefix("<text"), a["font-size"] == "11", let x = number("x"), let y = number("y"),
                let open = line.firstIndex(of: ">"), let close = line.lastIndex(of: "<"),
                let value = Double(line[line.index(after: open)..<close])
            {
                // Tick labels: x ticks centred under the axis, y ticks right-aligned beside it (4 px below).
                if a["text-anchor"] == "middle" { xTicks.append((x, value)) }
                if a["text-anchor"] == "end" { yTicks.append((y - 4, value)) }
            }
        }
        guard let x0 = xTicks.first, let x1 = xTicks.last, let y0 = yTicks.first, let y1 = yTicks.last else {
            throw ReportError(path: "svg", "no tick labels to read the axes from")
        }
        // Log axes tick at powers of ten.
        let logarithmic = xTicks.count > 2 && x0.1 > 0 && abs(xTicks[1].1 / x0.1 - 10) < 1e-9
        xAxis = ((x0.0, x1.0), (x0.1, x1.1), logarithmic)
        yAxis = ((y0.0, y1.0), (y0.1, y1.1))
        markers = markers.map { Marker(colour: $0.colour, x: dataX($0.x), y: dataY($0.y)) }
    }

    func dataX(_ pixel: Double) -> Double {
        let f = (pixel - xAxis.pixels.0) / (xAxis.pixels.1 - xAxis.pixels.0)
        guard xAxis.logarithmic else { return xAxis.values.0 + f * (xAxis.values.1 - xAxis.values.0) }
        return pow(10, log10(xAxis.values.0) + f * (log10(xAxis.values.1) - log10(xAxis.values.0)))
    }

    func pixelX(_ value: Double) -> Double {
        let f =
            xAxis.logarithmic
            ? (log10(value) - log10(xAxis.values.0)) / (log10(xAxis.values.1) - log10(xAxis.values.0))
            : (value - xAxis.values.0) / (xAxis.values.1 - xAxis.values.0)
        return xAxis.pixels.0 + f * (xAxis.pixels.1 - xAxis.pixels.0)
    }

    func dataY(_ pixel: Double) -> Double {
        let f = (pixel - yAxis.pixels.0) / (yAxis.pixels.1 - yAxis.pixels.0)
        return yAxis.values.0 + f * (yAxis.values.1 - yAxis.values.0)
    }

    /// The data values where `line` crosses the vertical at data value `x` (one for a function of x away from
    /// its jumps; a vertical segment counts once, by its ends).
    func values(of line: [(Double, Double)], atX x: Double) -> [Double] {
        let X = pixelX(x)
        var found: [Double] = []
        for (a, b) in zip(line, line.dropFirst()) where min(a.0, b.0) <= X && X <= max(a.0, b.0) {
            let y = a.0 == b.0 ? a.1 : a.1 + (b.1 - a.1) * (X - a.0) / (b.0 - a.0)
            let value = dataY(y)
            if !found.contains(where: { abs($0 - value) < 1e-9 }) { found.append(value) }
        }
        return found
    }
}
