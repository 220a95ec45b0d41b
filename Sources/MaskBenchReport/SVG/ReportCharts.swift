import MaskBenchCore
import MaskBenchRecords

/// One rendered chart of a report: its file name under `charts/`, its title and its SVG.
struct ReportChart: Sendable, Hashable {
    /// Which report section shows it.
    enum Section: String, Sendable {
        case detector, classifier, pipeline, thresholds
    }

    /// File name under `charts/`, e.g. `roc.svg`.
    var name: String
    var title: String
    var section: Section
    /// A standalone SVG file (with the XML declaration).
    var svg: String

    /// The `<svg>` element alone, to inline in HTML.
    var inline: Substring {
        guard svg.hasPrefix("<?xml"), let end = svg.firstIndex(of: "\n") else { return Substring(svg) }
        return svg[svg.index(after: end)...]
    }
}

/// Builds every chart of a report from its ``ReportData``.
enum ReportCharts {
    /// Face-size bins by ground-truth box height in pixels (COCO's area bins 32² and 96², on heights).
    static let heightBins: [(name: String, low: Double, high: Double)] = [
        ("small (< 32 px)", 0, 32), ("medium (32–96 px)", 32, 96), ("large (≥ 96 px)", 96, .infinity),
    ]

    /// The charts in report order; those without data (face sizes without `boxes.csv`) are left out.
    static func all(_ data: ReportData) -> [ReportChart] {
        var charts = [roc(data), confusionPipeline(data), sweep(data), histogram(data)]
        charts += [confusionClassifier(data), precisionRecall(data), froc(data)]
        if data.hasBoxes { charts.append(faceHeights(data)) }
        return charts
    }

    static func classNames(_ d: MetricsDocument) -> [String] { d.settings.incorrectAs.classes.map(\.rawValue) }

    static func aucLabel(_ name: String, _ auc: Double?, _ interval: MetricsDocument.Interval) -> String {
        guard let auc else { return "\(name): AUC n/a" }
        let range = Markup.interval(interval.low, interval.high, percent: false)
        return "\(name): AUC \(Markup.fixed(auc, 3))" + (range.isEmpty ? "" : " \(range)")
    }

    static func points(_ curve: MetricsDocument.Curve) -> [(x: Double, y: Double)] {
        zip(curve.falsePositiveRates, curve.truePositiveRates).map { (x: $0, y: $1) }
    }

    // MARK: - Charts

    static func roc(_ data: ReportData) -> ReportChart {
        let d = data.document
        var chart = LineChart(
            title: "ROC curves (positive class: masked)",
            x: .unit("False positive rate (unmasked faces called masked)"),
            y: .unit("True positive rate (masked faces called masked)"))
        chart.chanceLine = true
        chart.series.append(
            .init(
                aucLabel("Pipeline", d.pipeline.roc.auc, d.pipeline.roc.aucInterval), points: points(d.pipeline.roc),
                style: 0))
        let matched = d.classifier.matched
        chart.series.append(
            .init(
                aucLabel("Classifier, matched detections", matched.auc, matched.aucInterval),
                points: points(matched.roc), style: 1))
        if let crops = d.classifier.groundTruthCrops {
            chart.series.append(
                .init(
                    aucLabel("Classifier, ground-truth crops", crops.auc, crops.aucInterval), points: points(crops.roc),
                    style: 2))
        }
        let missed =
            d.settings.missedFaceScore.map { "missed faces score \(Markup.coordinate($0))" } ?? "missed faces left out"
        chart.note = "Pipeline: every ground-truth face, \(missed). Intervals: bootstrap 95%."
        return ReportChart(name: "roc.svg", title: chart.title, section: .pipeline, svg: chart.render(standalone: true))
    }

    static func precisionRecall(_ data: ReportData) -> ReportChart {
        let det = data.document.detector
        var chart = LineChart(title: "Detector precision–recall", x: .unit("Recall"), y: .unit("Precision"))
        // Interpolated precision is 0 past the highest recall reached: the curve stops there.
        let reached = (det.precisionAtRecall.lastIndex { $0 > 0 } ?? -1) + 1
        let step = 1 / Double(max(det.precisionAtRecall.count - 1, 1))
        let curve = det.precisionAtRecall.prefix(reached).enumerated().map {
            (x: Double($0.offset) * step, y: $0.element)
        }
        var name = "AP (COCO 101-point) " + Markup.decimal(det.ap.coco)
        let range = Markup.interval(det.ap.cocoInterval.low, det.ap.cocoInterval.high, percent: false)
        if !range.isEmpty { name += " " + range }
        // Interpolated precision at recall r is the best precision at any recall ≥ r: the value at a level
        // holds back to the level before it.
        chart.series.append(.init(name, points: curve, style: 0, join: .stepBefore))
        chart.note = "Class-agnostic, interpolated; VOC all-point AP \(Markup.decimal(det.ap.voc))."
        if let p = det.precision.value, let r = det.recall.value {
            chart.marks.append(
                .init(
                    x: r, y: p, label: "All detections: recall \(Markup.percent(r)), precision \(Markup.percent(p))",
                    style: 1))
        }
        return ReportChart(
            name: "detector-pr.svg", title: chart.title, section: .detector, svg: chart.render(standalone: true))
    }

    static func froc(_ data: ReportData) -> ReportChart {
        let det = data.document.detector
        let xs = det.froc.map(\.falsePositivesPerImage).filter { $0 > 0 }
        var chart = LineChart(
            title: "Detector FROC",
            x: .decades("False positives per image", low: xs.min() ?? 0.01, high: xs.max() ?? 1),
            y: .unit("Miss rate"))
        let curve = det.froc.filter { $0.falsePositivesPerImage > 0 }.map {
            (x: $0.falsePositivesPerImage, y: $0.missRate)
        }
        // The miss rate reached at a level holds until the next level lowers it.
        chart.series.append(
            .init(
                "Log-average miss rate " + Markup.decimal(det.logAverageMissRate), points: curve, style: 0,
                join: .stepAfter))
        chart.note = "Miss rate as the faceScore cut-off falls; lower is better."
        return ReportChart(
            name: "detector-froc.svg", title: chart.title, section: .detector, svg: chart.render(standalone: true))
    }

    static func confusionClassifier(_ data: ReportData) -> ReportChart {
        let d = data.document
        let names = classNames(d)
        let confusion = d.classifier.matched.confusion
        var map = HeatMap(
            title: "Classifier confusion (matched detections)", rowTitle: "Ground truth", columnTitle: "Called",
            rows: names, columns: names,
            counts: names.map { truth in names.map { confusion[truth]?[$0] ?? 0 } })
        map.note = "Threshold \(Markup.coordinate(d.settings.threshold)); shade = share of the row."
        return ReportChart(
            name: "confusion-classifier.svg", title: map.title, section: .classifier, svg: map.render(standalone: true))
    }

    static func confusionPipeline(_ data: ReportData) -> ReportChart {
        let d = data.document
        let classes = d.settings.incorrectAs.classes
        var counts = classes.map { _ in [Int?](repeating: 0, count: classes.count + 1) }
        for face in data.faces {
            guard let r = classes.firstIndex(of: face.truth) else { continue }
            let c = face.call.flatMap { classes.firstIndex(of: $0) } ?? classes.count
            counts[r][c] = (counts[r][c] ?? 0) + 1
        }
        var extra: [Int?] = classes.map { d.pipeline.extraDetections.byCall[$0.rawValue] ?? 0 }
        extra.append(nil)
        counts.append(extra)
        var map = HeatMap(
            title: "Pipeline outcomes", rowTitle: "Ground truth", columnTitle: "Called by the pipeline",
            rows: classes.map(\.rawValue) + ["no face (extra)"], columns: classes.map(\.rawValue) + ["missed"],
            counts: counts)
        map.note = "Every ground-truth face and every extra detection; shade = share of the row."
        return ReportChart(
            name: "confusion-pipeline.svg", title: map.title, section: .pipeline, svg: map.render(standalone: true))
    }

    static func sweep(_ data: ReportData) -> ReportChart {
        let d = data.document
        let s = d.pipeline.sweep
        var chart = LineChart(title: "Threshold sweep", x: .unit("Threshold on maskScore"), y: .unit("Rate"))
        let t = d.settings.threshold
        let above = ratesAboveEveryScore(data)
        chart.series.append(
            .init(
                "TNR (unmasked faces caught)",
                points: sweepCurve(s, s.tnr, above: above[.unmasked] ?? nil),
                style: 1, join: .stepBefore))
        chart.series.append(
            .init(
                "FNR (masked faces called unmasked)",
                points: sweepCurve(s, s.fnr, above: above[.masked] ?? nil), style: 0, join: .stepBefore))
        chart.verticalRules.append((x: t, label: "Threshold \(Markup.coordinate(t))"))
        if let v = d.pipeline.tnr.value {
            chart.marks.append(
                .init(x: t, y: v, label: "TNR at threshold \(Markup.coordinate(t)): \(Markup.percent(v))", style: 1))
        }
        if let v = d.pipeline.fnr.value {
            chart.marks.append(
                .init(x: t, y: v, label: "FNR at threshold \(Markup.coordinate(t)): \(Markup.percent(v))", style: 0))
        }
        chart.note = "A face is called masked when maskScore ≥ threshold; missed unmasked faces are not caught."
        // The points `maskbench sweep` chose, each at its own detector threshold (the curves are at the run's).
        for (i, choice) in (d.operatingPoints?.targets ?? []).enumerated() {
            guard let p = choice.point else { continue }
            let style = 2 + i % (Palette.series.count - 2)
            let label =
                "\(choice.target): \(OperatingPointText.thresholds(p)), TNR \(Markup.percent(p.tnr)), "
                + "FNR \(Markup.percent(p.fnr))"
            if let tnr = p.tnr {
                chart.marks.append(.init(x: p.classifierThreshold, y: tnr, label: label, style: style))
            }
            if let fnr = p.fnr {
                chart.marks.append(
                    .init(x: p.classifierThreshold, y: fnr, label: p.tnr == nil ? label : "", style: style))
            }
        }
        if d.operatingPoints?.targets.contains(where: { $0.point != nil }) == true {
            chart.note =
                "Curves at detector ≥ \(OperatingPointText.detector(d.settings.matching.minFaceScore)); "
                + "targets' points at their own detector threshold."
        }
        return ReportChart(
            name: "threshold-sweep.svg", title: chart.title, section: .thresholds, svg: chart.render(standalone: true))
    }

    /// One rate of the sweep as a step curve over the whole axis `[0, 1]`.
    ///
    /// At threshold `t` a face is called masked when `maskScore >= t`, so the rate the table gives at `t`
    /// holds for every threshold above the previous score, up to `t` (steps before each point). Below the
    /// lowest score nothing changes from it; above the highest score every found face is called unmasked,
    /// which the table has no column for: `above` gives that rate.
    static func sweepCurve(_ s: SweepTable, _ values: [Double?], above: Double?) -> [(x: Double, y: Double)] {
        let order = s.thresholds.indices.sorted { s.thresholds[$0] < s.thresholds[$1] }
        var points: [(x: Double, y: Double)] = order.compactMap { i in
            i < values.count ? values[i].map { (x: s.thresholds[i], y: $0) } : nil
        }
        if let first = points.first, first.x > 0 { points.insert((x: 0, y: first.y), at: 0) }
        if let above, (points.last?.x ?? 0) < 1 {
            if points.isEmpty { points.append((x: 0, y: above)) }
            points.append((x: 1, y: above))
        }
        return points
    }

    /// The sweep's rate for each class at a threshold above every maskScore: found faces of that class over all
    /// faces of it (every found face is called unmasked); `nil` for a class without faces. One pass over the
    /// faces.
    static func ratesAboveEveryScore(_ data: ReportData) -> [FaceClass: Double?] {
        var total = [Int](repeating: 0, count: FaceClass.allCases.count)
        var found = total
        for face in data.faces {
            total[face.truth.index] += 1
            if face.maskScore != nil { found[face.truth.index] += 1 }
        }
        var rates: [FaceClass: Double?] = [:]
        for truth in FaceClass.allCases {
            rates[truth] = total[truth.index] > 0 ? Double(found[truth.index]) / Double(total[truth.index]) : nil
        }
        return rates
    }

    static func histogram(_ data: ReportData) -> ReportChart {
        let d = data.document
        let bins = 20
        var chart = LineChart(
            title: "maskScore by true class", x: .unit("maskScore"), y: .unit("Share of the class's matched faces"))
        var peak = 0.0
        var all: [(String, [Double], Int)] = []
        // Every class's counts in one pass over the faces, by ``FaceClass/index``.
        var byClass = [[Int]](repeating: [Int](repeating: 0, count: bins), count: FaceClass.allCases.count)
        for face in data.faces {
            guard let score = face.maskScore else { continue }
            byClass[face.truth.index][min(max(Int(score * Double(bins)), 0), bins - 1)] += 1
        }
        for cls in d.settings.incorrectAs.classes {
            let counts = byClass[cls.index]
            let total = counts.reduce(0, +)
            let shares = counts.map { total > 0 ? Double($0) / Double(total) : 0 }
            peak = max(peak, shares.max() ?? 0)
            all.append((cls.rawValue, shares, total))
        }
        let top = max(0.1, (peak * 10).rounded(.up) / 10)
        chart.y = LineChart.Axis(
            "Share of the class's matched faces", min: 0, max: top,
            ticks: stride(from: 0, through: top + 1e-9, by: top > 0.5 ? 0.2 : 0.1).map { $0 }, digits: 1)
        for (name, shares, total) in all {
            var pts: [(x: Double, y: Double)] = [(x: 0, y: 0)]
            for (i, share) in shares.enumerated() {
                pts.append((x: Double(i) / Double(bins), y: share))
                pts.append((x: Double(i + 1) / Double(bins), y: share))
            }
            pts.append((x: 1, y: 0))
            chart.series.append(.init("\(name) (\(total) faces)", points: pts, style: Palette.index(ofClass: name)))
        }
        chart.verticalRules.append(
            (x: d.settings.threshold, label: "Threshold \(Markup.coordinate(d.settings.threshold))"))
        chart.note = "Matched faces only, \(bins) bins; a good classifier puts masked right, unmasked left."
        return ReportChart(
            name: "mask-score-histogram.svg", title: chart.title, section: .classifier,
            svg: chart.render(standalone: true))
    }

    static func faceHeights(_ data: ReportData) -> ReportChart {
        var recall: [BarChart.Bar] = []
        var tnr: [BarChart.Bar] = []
        // Counted in one pass: (faces, found, unmasked faces, unmasked faces called unmasked) per bin.
        var counts = Array(repeating: (faces: 0, found: 0, unmasked: 0, caught: 0), count: heightBins.count)
        for face in data.faces {
            guard let height = face.box?.height,
                let bin = heightBins.firstIndex(where: { height >= $0.low && height < $0.high })
            else { continue }
            counts[bin].faces += 1
            if face.call != nil { counts[bin].found += 1 }
            if face.truth == .unmasked {
                counts[bin].unmasked += 1
                if face.call == .unmasked { counts[bin].caught += 1 }
            }
        }
        for c in counts {
            let found = Rate(c.found, of: c.faces)
            let caught = Rate(c.caught, of: c.unmasked)
            recall.append(.init(value: found.value, low: found.low, high: found.high, caption: "n=\(c.faces)"))
            tnr.append(.init(value: caught.value, low: caught.low, high: caught.high, caption: "n=\(c.unmasked)"))
        }
        var chart = BarChart(
            title: "Recall and TNR by face height", yLabel: "Rate (95% Wilson interval)",
            groups: heightBins.map(\.name), seriesNames: ["Detector recall (all faces)", "TNR (unmasked faces)"],
            bars: [recall, tnr])
        chart.note = "Ground-truth box height in pixels; small faces are where detectors fail."
        return ReportChart(
            name: "face-height.svg", title: chart.title, section: .detector, svg: chart.render(standalone: true))
    }
}
