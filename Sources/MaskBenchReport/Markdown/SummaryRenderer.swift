import MaskBenchCore
import MaskBenchRecords

/// Renders the headline numbers and seed 001's outcome table, as GitHub-flavoured Markdown for a pull
/// request (`summary.md`) or as aligned plain text for a terminal.
public struct SummaryRenderer: Sendable {
    public enum Style: Sendable {
        case markdown
        case text
    }

    public var style: Style

    public init(style: Style) {
        self.style = style
    }

    /// The whole summary of `document`.
    public func render(_ document: MetricsDocument) -> String {
        var out = ""
        let d = document
        let faces = d.dataset.faces
        let m = d.settings.matching
        let comparison = m.iouInclusive ? "≥" : ">"
        let incorrect: String =
            switch d.settings.incorrectAs {
            case .unmasked: "counted as unmasked"
            case .masked: "counted as masked"
            case .class: "a class of its own"
            }
        let bullet = style == .markdown ? "- " : ""
        if style == .markdown { out += "# MaskBench evaluation\n\n" }
        out +=
            bullet
            + "Ground truth \(code(d.inputs.groundTruth)) (\(d.inputs.groundTruthFormat)): \(d.dataset.images) images, "
        out += "\(faces.total) faces (\(faces.masked) masked, \(faces.unmasked) unmasked, \(faces.incorrect) incorrect)"
        if let ignored = faces.ignored, ignored > 0 {
            out +=
                " and \(ignored) ignore region\(ignored == 1 ? "" : "s") (crowd regions, difficult faces), not faces to find"
        }
        out += ".\n"
        out +=
            bullet
            + "Predictions \(code(d.inputs.predictions)) (\(d.inputs.predictionsFormat)): \(d.predictions.total) faces"
        out += m.minFaceScore > 0 ? " with faceScore ≥ \(Self.number(m.minFaceScore)).\n" : ".\n"
        out +=
            bullet
            + "Matching \(m.mode.rawValue), IoU \(comparison) \(Self.number(m.iouThreshold)), \(m.pixels.rawValue) pixels; "
        out += "threshold \(Self.number(d.settings.threshold)); incorrect masks \(incorrect)"
        if m.ignoreRegions == .count { out += "; ignore regions counted as faces" }
        out += ".\n\n"

        let p = d.pipeline
        let det = d.detector
        var headline: [[String]] = [
            ["TNR (unmasked faces caught)", Self.rate(p.tnr), Self.interval(p.tnr.low, p.tnr.high, percent: true)],
            [
                "FNR (masked faces called unmasked)", Self.rate(p.fnr),
                Self.interval(p.fnr.low, p.fnr.high, percent: true),
            ],
            ["Detector recall", Self.rate(det.recall), Self.interval(det.recall.low, det.recall.high, percent: true)],
            [
                "Detector precision", Self.rate(det.precision),
                Self.interval(det.precision.low, det.precision.high, percent: true),
            ],
            [
                "Detector AP (VOC all-point)", Self.fixed(det.ap.voc),
                Self.interval(det.ap.vocInterval.low, det.ap.vocInterval.high, percent: false),
            ],
            [
                "Detector AP (COCO 101-point)", Self.fixed(det.ap.coco),
                Self.interval(det.ap.cocoInterval.low, det.ap.cocoInterval.high, percent: false),
            ],
            ["Detector AP (COCO, IoU .50:.95)", Self.fixed(det.ap.coco50to95), ""],
            ["Detector AP (COCO, IoU .75)", Self.fixed(det.ap.coco75), ""],
            [
                "Pipeline ROC AUC", Self.fixed(p.roc.auc),
                Self.interval(p.roc.aucInterval.low, p.roc.aucInterval.high, percent: false),
            ],
            [
                "Classifier accuracy on found faces", Self.rate(d.classifier.matched.accuracy),
                Self.interval(d.classifier.matched.accuracy.low, d.classifier.matched.accuracy.high, percent: true),
            ],
        ]
        headline.append([
            "Classifier AUC on found faces", Self.fixed(d.classifier.matched.auc),
            Self.interval(d.classifier.matched.aucInterval.low, d.classifier.matched.aucInterval.high, percent: false),
        ])
        out += table(header: ["", "value", "95% interval"], rows: headline, numericColumns: [1])
        out += "\n"

        section("Outcomes", into: &out)
        let classes = d.settings.incorrectAs.classes
        let outcomeRows = classes.map { c -> [String] in
            let o = p.outcomes[c.rawValue] ?? ClassOutcome()
            return ["\(c.rawValue) faces", "\(o.groundTruth)", "\(o.correct)", "\(o.wrong)", "\(o.missed)"]
        }
        out += table(
            header: [
                "", "ground truth", "identified and classified correctly", "identified but classified wrongly",
                "not identified by detector",
            ],
            rows: outcomeRows,
            numericColumns: [1, 2, 3, 4]
        )
        out += "\nExtra detections (matching no face): \(p.extraDetections.total), "
        out += "of which \(p.extraDetections.calledUnmasked) called unmasked (false alarms).\n"
        out += "Detector: \(det.truePositives) true positives, \(det.falsePositives) false positives, "
        out += "\(det.falseNegatives) faces missed"
        if let ignored = det.ignoredDetections, ignored > 0 {
            out += ", \(ignored) detection\(ignored == 1 ? "" : "s") on ignore regions (neither right nor wrong)"
        }
        out += ".\n\n"
        if style == .markdown {
            section("Detector AP by class", into: &out)
            out += "A detection belongs to the class it is called at the threshold; the mean is over the classes with "
            out += "faces, as pycocotools reports it.\n\n"
            out += apTable(det.ap, classes)
            out += "\n"
        }

        section("Classifier on found faces", into: &out)
        out += confusionTable(d.classifier.matched, classes)
        if let crops = d.classifier.groundTruthCrops {
            out += "\n"
            section("Classifier on ground-truth crops", into: &out)
            out += "Every annotated face cropped and classified alone, independent of the detector "
            out += "(\(code("classifier.groundTruthCrops"))): accuracy \(Self.rate(crops.accuracy))"
            let accuracy = Self.interval(crops.accuracy.low, crops.accuracy.high, percent: true)
            out += accuracy.isEmpty ? "" : " (\(accuracy))"
            out += ", AUC \(Self.fixed(crops.auc))"
            let auc = Self.interval(crops.aucInterval.low, crops.aucInterval.high, percent: false)
            out += auc.isEmpty ? ".\n\n" : " (\(auc)).\n\n"
            out += confusionTable(crops, classes)
        }
        if let points = d.operatingPoints {
            out += "\n"
            operatingPoints(points, into: &out)
        }
        return out
    }

    /// The class-aware APs at the matching IoU and over IoU thresholds: a row per class, then their mean.
    private func apTable(_ ap: MetricsDocument.DetectorAP, _ classes: [FaceClass]) -> String {
        let named = classes.map { ($0.rawValue, ap.perClass[$0.rawValue] ?? MetricsDocument.AP()) }
        let rows = (named + [("mean over classes", ap.meanOverClasses)]).map { name, ap in
            [name] + [ap.voc, ap.elevenPoint, ap.coco, ap.coco50to95, ap.coco75].map(Self.fixed)
        }
        return table(
            header: ["class", "VOC all-point", "VOC 11-point", "COCO 101-point", "COCO IoU .50:.95", "COCO IoU .75"],
            rows: rows, numericColumns: [1, 2, 3, 4, 5])
    }

    /// `confusion[truth][call]` of a classifier as a table.
    private func confusionTable(_ classifier: MetricsDocument.ClassifierOnFaces, _ classes: [FaceClass]) -> String {
        let rows = classes.map { truth in
            [truth.rawValue] + classes.map { "\(classifier.confusion[truth.rawValue]?[$0.rawValue] ?? 0)" }
        }
        return table(
            header: ["truth \\ call"] + classes.map(\.rawValue), rows: rows, numericColumns: Set(1...classes.count))
    }

    /// `maskbench sweep`'s chosen points, one row per target, and the size of the front.
    private func operatingPoints(_ points: MetricsDocument.OperatingPoints, into out: inout String) {
        section("Operating points", into: &out)
        let detectors = points.detectorThresholds.map(OperatingPointText.detector).joined(separator: ", ")
        out += "A grid of \(points.gridPoints) points: detector thresholds \(detectors) × every distinct maskScore; "
        out += "\(points.frontSize) on the Pareto front over TNR and FNR (\(code("sweep.csv"))).\n\n"
        guard !points.targets.isEmpty else { return }
        let rows = points.targets.map { choice -> [String] in
            guard let p = choice.point else {
                return [code(choice.target), "no point of the grid meets it", "", "", "", "", "", ""]
            }
            return [
                code(choice.target), OperatingPointText.detector(p.detectorThreshold),
                OperatingPointText.classifier(p.classifierThreshold, above: p.classifierThresholdAbove),
                Markup.percent(p.tnr), Markup.percent(p.fnr), String(p.falseAlarms), Markup.percent(p.recall),
                p.missedFaces.map(String.init) ?? "n/a",
            ]
        }
        out += table(
            header: [
                "target", "detector ≥", "classifier ≥", "TNR", "FNR", "false alarms", "detector recall",
                "missed faces",
            ],
            rows: rows, numericColumns: [1, 2, 3, 4, 5, 6, 7])
    }

    // MARK: - Pieces

    private func section(_ title: String, into out: inout String) {
        out += style == .markdown ? "## \(title)\n\n" : "\(title)\n"
    }

    private func code(_ text: String) -> String {
        guard style == .markdown else { return text }
        let escaped = text.replacingAll("`", with: "'")
        return "`\(escaped)`"
    }

    /// A table; in Markdown a pipe table, in text columns padded with spaces.
    func table(header: [String], rows: [[String]], numericColumns: Set<Int>) -> String {
        let cells = ([header] + rows).map { row in row.map { style == .markdown ? Self.escapeCell($0) : $0 } }
        switch style {
        case .markdown:
            var out = "| " + cells[0].joined(separator: " | ") + " |\n"
            out +=
                "|" + header.indices.map { numericColumns.contains($0) ? "---:" : "---" }.joined(separator: "|") + "|\n"
            for row in cells.dropFirst() { out += "| " + row.joined(separator: " | ") + " |\n" }
            return out
        case .text:
            let widths = header.indices.map { column in cells.map { $0[column].count }.max() ?? 0 }
            var out = ""
            for row in cells {
                let padded = row.enumerated().map { column, cell in
                    let pad = String(repeating: " ", count: widths[column] - cell.count)
                    return numericColumns.contains(column) ? pad + cell : cell + pad
                }
                var line = padded.joined(separator: "  ")
                while line.hasSuffix(" ") { line.removeLast() }
                out += line + "\n"
            }
            return out
        }
    }

    static func escapeCell(_ text: String) -> String {
        text.replacingAll("|", with: "\\|").replacingAll("\n", with: " ")
    }

    // MARK: - Numbers

    /// A number as short as it can be: `0.5`, `0.75`, `1`.
    static func number(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : "\(value)"
    }

    static func percent(_ value: Double) -> String {
        let tenths = (value * 1000).rounded()
        return "\(Int(tenths) / 10).\(Int(abs(tenths)) % 10)%"
    }

    static func rate(_ rate: Rate) -> String {
        guard let value = rate.value else { return "n/a (0 faces)" }
        return "\(percent(value)) (\(rate.count)/\(rate.total))"
    }

    static func fixed(_ value: Double?) -> String {
        guard let value else { return "n/a" }
        let thousandths = Int((value * 1000).rounded())
        let fraction = String(thousandths % 1000)
        return "\(thousandths / 1000).\(String(repeating: "0", count: 3 - fraction.count))\(fraction)"
    }

    static func interval(_ low: Double?, _ high: Double?, percent isPercent: Bool) -> String {
        guard let low, let high else { return "" }
        return isPercent ? "\(percent(low)) – \(percent(high))" : "\(fixed(low)) – \(fixed(high))"
    }
}

extension String {
    func replacingAll(_ target: Character, with replacement: String) -> String {
        var out = ""
        for ch in self { if ch == target { out += replacement } else { out.append(ch) } }
        return out
    }
}
