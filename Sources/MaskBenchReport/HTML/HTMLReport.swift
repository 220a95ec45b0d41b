import Foundation
import MaskBenchCore
import MaskBenchImaging
import MaskBenchRecords
import Synchronization

/// `index.html`: one self-contained page (inline CSS and SVG, thumbnails as `data:` JPEGs, nothing fetched)
/// that reads without script; a few lines of script only add the gallery filter.
///
/// The page is well-formed XML as well as HTML (XHTML syntax: every element closed, attributes quoted, only
/// the five XML character references), so a test can parse it back with an XML parser. All user data
/// (file names, paths, labels) passes through ``Markup/escape(_:)``.
struct HTMLReport: Sendable {
    var data: ReportData
    var charts: [ReportChart]
    var gallery: Gallery
    /// The image folder thumbnails are cut from; `nil` draws the boxes on a grey placeholder.
    var images: String?
    /// `nil` when this build cannot decode images.
    var thumbnails: Thumbnails?
    /// Whether image names may lead out of ``images`` (`--allow-outside-root`).
    var allowOutsideRoot: Bool
    /// Longest side of a thumbnail, in pixels.
    var thumbnailSide = 176

    init(
        data: ReportData, charts: [ReportChart], gallery: Gallery, images: String?, thumbnails: Thumbnails?,
        allowOutsideRoot: Bool = false
    ) {
        self.data = data
        self.charts = charts
        self.gallery = gallery
        self.images = images
        self.thumbnails = thumbnails
        self.allowOutsideRoot = allowOutsideRoot
    }

    /// The page.
    func render() -> String {
        var page = HTMLPage()
        let d = data.document
        page.raw("<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"en\">\n<head>\n")
        page.raw(
            "<meta charset=\"utf-8\"/>\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n")
        page.element("title", "MaskBench report: \(d.inputs.groundTruth)")
        page.raw("<style>\n\(Self.css)</style>\n</head>\n<body>\n<header>\n")
        page.element("h1", "MaskBench report")
        page.open("p", class: "inputs")
        page.text(
            "Ground truth \(d.inputs.groundTruth) (\(d.inputs.groundTruthFormat)): \(d.dataset.images) images, "
                + "\(d.dataset.faces.total) faces (\(d.dataset.faces.masked) masked, \(d.dataset.faces.unmasked) "
                + "unmasked, \(d.dataset.faces.incorrect) incorrect). Predictions \(d.inputs.predictions) "
                + "(\(d.inputs.predictionsFormat)): \(d.predictions.total) faces.")
        page.close("p")
        if let run = d.run {
            page.open("p", class: "inputs")
            page.text("Pipeline \(run.pipeline) · fingerprint \(run.pipelineFingerprint)")
            page.close("p")
        }
        page.raw("<nav>")
        for (id, name) in [
            ("headline", "Headline"), ("outcomes", "Outcomes"), ("detector", "Detector"), ("classifier", "Classifier"),
            ("pipeline", "Pipeline"), ("thresholds", "Thresholds"), ("settings", "Settings"), ("gallery", "Mistakes"),
        ] {
            page.raw("<a href=\"#\(id)\">\(name)</a> ")
        }
        page.raw("</nav>\n</header>\n<main>\n")
        headline(&page)
        outcomes(&page)
        detector(&page)
        classifier(&page)
        pipeline(&page)
        thresholds(&page)
        settings(&page)
        galleryHTML(&page)
        page.raw("</main>\n<script>\n\(Self.script)</script>\n</body>\n</html>\n")
        return page.out
    }

    // MARK: - Sections

    private func headline(_ page: inout HTMLPage) {
        let d = data.document
        let p = d.pipeline
        let det = d.detector
        let cls = d.classifier.matched
        page.section("headline", "Headline numbers")
        page.raw("<div class=\"cards\">\n")
        func card(_ name: String, _ value: String, _ detail: String, _ help: String) {
            page.raw("<div class=\"card\">")
            page.element("div", name, class: "name")
            page.element("div", value, class: "value")
            page.element("div", detail, class: "interval")
            page.element("div", help, class: "help")
            page.raw("</div>\n")
        }
        func rate(_ name: String, _ r: Rate, _ help: String) {
            card(
                name, Markup.percent(r.value),
                Markup.interval(r.low, r.high, percent: true) + " (\(r.count)/\(r.total))", help)
        }
        rate("TNR", p.tnr, "unmasked faces detected and called unmasked")
        rate("FNR", p.fnr, "masked faces called unmasked")
        rate("Detector recall", det.recall, "faces found")
        rate("Detector precision", det.precision, "detections that are faces")
        card(
            "Detector AP", Markup.decimal(det.ap.coco),
            Markup.interval(det.ap.cocoInterval.low, det.ap.cocoInterval.high, percent: false),
            "COCO 101-point, IoU \(Markup.coordinate(d.settings.matching.iouThreshold))")
        card(
            "Pipeline AUC", Markup.decimal(p.roc.auc),
            Markup.interval(p.roc.aucInterval.low, p.roc.aucInterval.high, percent: false),
            "ROC over every ground-truth face")
        rate("Classifier accuracy", cls.accuracy, "on matched detections")
        card(
            "Classifier AUC", Markup.decimal(cls.auc),
            Markup.interval(cls.aucInterval.low, cls.aucInterval.high, percent: false), "on matched detections")
        card(
            "False alarms", String(p.extraDetections.calledUnmasked), "of \(p.extraDetections.total) extra detections",
            "detections of no face called unmasked")
        page.raw("</div>\n")
        page.element(
            "p",
            "Rates carry 95% Wilson intervals; AUC and AP bootstrap intervals over images (\(d.settings.bootstrap.samples) samples, seed \(d.settings.bootstrap.seed)).",
            class: "small")
        page.raw("</section>\n")
    }

    private func outcomes(_ page: inout HTMLPage) {
        let d = data.document
        page.section("outcomes", "Outcome table")
        page.element(
            "p",
            "As seed 001 publishes it, at threshold \(Markup.coordinate(d.settings.threshold)): what happened to every ground-truth face."
        )
        page.raw("<table>\n<thead><tr><th></th><th>ground truth</th><th>identified and classified correctly</th>")
        page.raw(
            "<th>identified but classified wrongly</th><th>not identified by detector</th></tr></thead>\n<tbody>\n")
        for cls in d.settings.incorrectAs.classes {
            let o = d.pipeline.outcomes[cls.rawValue] ?? ClassOutcome()
            page.raw("<tr>")
            page.element("th", "\(cls.rawValue) faces")
            for n in [o.groundTruth, o.correct, o.wrong, o.missed] { page.element("td", String(n), class: "num") }
            page.raw("</tr>\n")
        }
        page.raw("</tbody>\n</table>\n")
        let e = d.pipeline.extraDetections
        page.element(
            "p",
            "Extra detections (matching no face): \(e.total), of which \(e.calledUnmasked) called unmasked (false alarms)."
        )
        page.raw("</section>\n")
    }

    private func detector(_ page: inout HTMLPage) {
        let det = data.document.detector
        page.section("detector", "Detector")
        let missed = data.document.settings.incorrectAs.classes.map { "\(det.missed[$0.rawValue] ?? 0) \($0.rawValue)" }
        page.element(
            "p",
            "\(det.truePositives) faces found, \(det.falsePositives) detections of no face (or duplicates), "
                + "\(det.falseNegatives) faces missed (\(missed.joined(separator: ", ")))"
                + ((det.ignoredDetections ?? 0) > 0
                    ? ", \(det.ignoredDetections ?? 0) detections on ignore regions (neither right nor wrong)" : "")
                + ". AP: VOC all-point "
                + "\(Markup.decimal(det.ap.voc)) \(Markup.interval(det.ap.vocInterval.low, det.ap.vocInterval.high, percent: false)), "
                + "VOC 11-point \(Markup.decimal(det.ap.elevenPoint)), COCO 101-point \(Markup.decimal(det.ap.coco)); "
                + "COCO over IoU .50:.95 \(Markup.decimal(det.ap.coco50to95)), at IoU .75 \(Markup.decimal(det.ap.coco75))."
        )
        apByClass(det.ap, &page)
        if !data.hasBoxes {
            page.element(
                "p",
                "This run has no boxes.csv (an older maskbench wrote it): face sizes and the gallery are left out.",
                class: "warning")
        }
        figures(.detector, &page)
        page.raw("</section>\n")
    }

    /// The class-aware APs (a detection belongs to the class it is called), a row per class and their mean.
    private func apByClass(_ ap: MetricsDocument.DetectorAP, _ page: inout HTMLPage) {
        let classes = data.document.settings.incorrectAs.classes
        let named = classes.map { ("\($0.rawValue) faces", ap.perClass[$0.rawValue] ?? MetricsDocument.AP()) }
        page.raw("<table>\n<thead><tr><th>AP by called class</th>")
        for header in ["VOC all-point", "VOC 11-point", "COCO 101-point", "COCO IoU .50:.95", "COCO IoU .75"] {
            page.element("th", header)
        }
        page.raw("</tr></thead>\n<tbody>\n")
        for (name, ap) in named + [("mean over classes", ap.meanOverClasses)] {
            page.raw("<tr>")
            page.element("th", name)
            for value in [ap.voc, ap.elevenPoint, ap.coco, ap.coco50to95, ap.coco75] {
                page.element("td", Markup.decimal(value), class: "num")
            }
            page.raw("</tr>\n")
        }
        page.raw("</tbody>\n</table>\n")
    }

    private func classifier(_ page: inout HTMLPage) {
        let c = data.document.classifier
        page.section("classifier", "Classifier")
        page.element(
            "p",
            "On the \(c.matched.faces) faces the detector found: accuracy \(Markup.percent(c.matched.accuracy.value)) "
                + "\(Markup.interval(c.matched.accuracy.low, c.matched.accuracy.high, percent: true)), AUC \(Markup.decimal(c.matched.auc))."
                + (c.groundTruthCrops.map {
                    " On ground-truth crops: accuracy \(Markup.percent($0.accuracy.value)), AUC \(Markup.decimal($0.auc))."
                } ?? " This run did not classify ground-truth crops."))
        figures(.classifier, &page)
        page.raw("</section>\n")
    }

    private func pipeline(_ page: inout HTMLPage) {
        page.section("pipeline", "Pipeline")
        page.element("p", "Detector and classifier together, as an alarm system sees them.")
        figures(.pipeline, &page)
        page.raw("</section>\n")
    }

    private func thresholds(_ page: inout HTMLPage) {
        let d = data.document
        let s = d.pipeline.sweep
        page.section("thresholds", "Thresholds")
        page.raw(
            "<table>\n<thead><tr><th>rule</th><th>threshold</th><th>TNR</th><th>FNR</th><th>false alarms</th></tr></thead>\n<tbody>\n"
        )
        for limit in [0.05, 0.10, 0.20] {
            var best: Int?
            for i in s.thresholds.indices where i < s.tnr.count && i < s.fnr.count {
                guard let fnr = s.fnr[i], fnr <= limit, let tnr = s.tnr[i] else { continue }
                if let b = best, let bt = s.tnr[b], bt >= tnr { continue }
                best = i
            }
            page.raw("<tr>")
            page.element("th", "highest TNR with FNR ≤ \(Markup.percent(limit))")
            if let b = best {
                let above = b > 0 ? s.thresholds[b - 1] : nil
                page.element("td", OperatingPointText.classifier(s.thresholds[b], above: above), class: "num")
                page.element("td", Markup.percent(s.tnr[b] ?? nil), class: "num")
                page.element("td", Markup.percent(s.fnr[b] ?? nil), class: "num")
                page.element("td", b < s.falseAlarms.count ? String(s.falseAlarms[b]) : "n/a", class: "num")
            } else {
                page.raw("<td colspan=\"4\">no threshold meets it</td>")
            }
            page.raw("</tr>\n")
        }
        page.raw("</tbody>\n</table>\n")
        if let points = d.operatingPoints { chosenPoints(points, &page) }
        figures(.thresholds, &page)
        page.raw("</section>\n")
    }

    /// `maskbench sweep`'s grid and the point each target chose.
    private func chosenPoints(_ points: MetricsDocument.OperatingPoints, _ page: inout HTMLPage) {
        let detectors = points.detectorThresholds.map(OperatingPointText.detector).joined(separator: ", ")
        page.element("h3", "Operating points chosen by maskbench sweep")
        page.element(
            "p",
            "A grid of \(points.gridPoints) points (detector thresholds \(detectors) × every distinct maskScore); "
                + "\(points.frontSize) on the Pareto front over TNR and FNR, all in sweep.csv. Each target's "
                + "conditions hold together; the point is the best on what they leave free.")
        guard !points.targets.isEmpty else { return }
        page.raw("<table>\n<thead><tr>")
        for name in [
            "target", "detector ≥", "classifier ≥", "TNR", "FNR", "false alarms", "detector recall", "missed faces",
        ] {
            page.element("th", name)
        }
        page.raw("</tr></thead>\n<tbody>\n")
        for choice in points.targets {
            page.raw("<tr>")
            // A target breaks only after its commas, between conditions, never inside one.
            page.open("th", class: "target")
            for (i, condition) in choice.target.split(separator: ",", omittingEmptySubsequences: false).enumerated() {
                if i > 0 { page.raw(",<wbr>") }
                page.text(String(condition))
            }
            page.close("th")
            if let p = choice.point {
                let cells = [
                    OperatingPointText.detector(p.detectorThreshold),
                    OperatingPointText.classifier(p.classifierThreshold, above: p.classifierThresholdAbove),
                    Markup.percent(p.tnr), Markup.percent(p.fnr), String(p.falseAlarms), Markup.percent(p.recall),
                    p.missedFaces.map(String.init) ?? "n/a",
                ]
                for cell in cells { page.element("td", cell, class: "num") }
            } else {
                page.raw("<td colspan=\"7\">no point of the grid meets it</td>")
            }
            page.raw("</tr>\n")
        }
        page.raw("</tbody>\n</table>\n")
    }

    private func settings(_ page: inout HTMLPage) {
        let d = data.document
        let m = d.settings.matching
        page.section("settings", "Settings and fingerprints")
        page.raw("<table class=\"settings\">\n<tbody>\n")
        let rows: [(String, String)] = [
            ("maskbench", "\(d.tool.name) \(d.tool.version), metrics.json schema \(d.schemaVersion)"),
            ("ground truth", "\(d.inputs.groundTruth) (\(d.inputs.groundTruthFormat))"),
            ("predictions", "\(d.inputs.predictions) (\(d.inputs.predictionsFormat))"),
            ("images", images ?? d.inputs.images ?? "none given"),
            ("dataset fingerprint", d.dataset.fingerprint),
            (
                "matching",
                "\(m.mode.rawValue), IoU \(m.iouInclusive ? "≥" : ">") \(Markup.coordinate(m.iouThreshold)), \(m.pixels.rawValue) pixels, faceScore ≥ \(Markup.coordinate(m.minFaceScore)), ignore regions \(m.ignoreRegions == .ignore ? "ignored" : "counted as faces")"
            ),
            ("threshold", "masked when maskScore ≥ \(Markup.coordinate(d.settings.threshold))"),
            ("incorrect masks", d.settings.incorrectAs.rawValue),
            (
                "missed faces on the pipeline ROC",
                d.settings.missedFaceScore.map { "score \(Markup.coordinate($0))" } ?? "left out"
            ),
            (
                "bootstrap",
                "\(d.settings.bootstrap.samples) samples, seed \(d.settings.bootstrap.seed), \(Markup.percent(d.settings.bootstrap.confidence))"
            ),
            ("COCO detections per image", String(d.settings.maxDetectionsPerImage)),
        ]
        var all = rows
        if let run = d.run {
            all.append(("pipeline", "\(run.pipeline), \(run.pipelineFingerprint)"))
            for model in run.models ?? [] {
                all.append(("\(model.role) model", "\(model.path), sha256 \(model.sha256)"))
            }
            all.append(
                (
                    "images run",
                    "\(run.images): \(run.computed) computed, \(run.cached) from the cache, \(run.failed) failed"
                ))
        }
        for (name, value) in all {
            page.raw("<tr>")
            page.element("th", name)
            page.element("td", value, class: "mono")
            page.raw("</tr>\n")
        }
        page.raw("</tbody>\n</table>\n")
        if let run = d.run, !run.failures.isEmpty {
            page.open("div", class: "warning")
            page.element(
                "p",
                "\(run.failed) image\(run.failed == 1 ? "" : "s") failed in the pipeline and \(run.failed == 1 ? "is" : "are") left out of every number:"
            )
            page.raw("<ul>\n")
            for failure in run.failures.prefix(20) {
                page.element("li", "\(failure.image): \(failure.reason)", class: "mono")
            }
            if run.failures.count > 20 { page.element("li", "… and \(run.failures.count - 20) more") }
            page.raw("</ul>\n</div>\n")
        }
        page.raw("</section>\n")
    }

    private func figures(_ section: ReportChart.Section, _ page: inout HTMLPage) {
        page.raw("<div class=\"charts\">\n")
        for chart in charts where chart.section == section {
            page.raw("<figure class=\"chart\">\n")
            page.raw(String(chart.inline))
            page.raw(
                "<figcaption><a href=\"charts/\(Markup.escape(chart.name))\">charts/\(Markup.escape(chart.name))</a></figcaption>\n"
            )
            page.raw("</figure>\n")
        }
        page.raw("</div>\n")
    }

    // MARK: - Gallery

    private func galleryHTML(_ page: inout HTMLPage) {
        page.section("gallery", "Images with a mistake")
        page.element(
            "p",
            "Ground truth black; called masked green (solid); called unmasked red (dashed). Each kind is capped and ordered worst first."
        )
        guard data.hasBoxes else {
            page.element("p", "No boxes.csv in this run: no gallery.", class: "warning")
            page.raw("</section>\n")
            return
        }
        // The baseline kinds only when the report was given a baseline.
        let kinds = Gallery.Kind.allCases.filter { gallery.totals[$0] != nil }
        let all = kinds.flatMap { gallery.items[$0] ?? [] }
        let (shots, problems) = thumbnailsFor(all)
        if images == nil {
            page.element("p", "No image folder (--images): boxes are drawn on a grey placeholder.", class: "warning")
        } else if thumbnails == nil {
            page.element(
                "p", "This build cannot decode images: boxes are drawn on a grey placeholder.", class: "warning")
        }
        let missing = problems.filter { $0.hasSuffix(": not found in \(images ?? "")") }
        if let images, problems.count > 1, missing.count == problems.count, missing.count == Set(all.map(\.image)).count
        {
            // None of them there: the folder is wrong, which one line says better than a line per image.
            page.element(
                "p",
                "None of the \(missing.count) images with a mistake is in \(images): boxes are drawn on a grey placeholder. "
                    + "Give --images the folder that holds them.",
                class: "warning")
        } else if !problems.isEmpty {
            page.open("div", class: "warning")
            page.element(
                "p",
                "\(problems.count) image\(problems.count == 1 ? "" : "s") could not be shown (boxes drawn on a placeholder):"
            )
            page.raw("<ul>\n")
            for problem in problems.prefix(20) { page.element("li", problem, class: "mono") }
            if problems.count > 20 { page.element("li", "… and \(problems.count - 20) more") }
            page.raw("</ul>\n</div>\n")
        }
        page.raw("<div id=\"gallery-filter\" hidden=\"hidden\">Show: ")
        for kind in kinds {
            page.raw(
                "<label><input type=\"checkbox\" checked=\"checked\" value=\"\(kind.rawValue)\"/> \(Markup.escape(kind.title))</label> "
            )
        }
        page.raw("</div>\n")
        var offset = 0
        for kind in kinds {
            let items = gallery.items[kind] ?? []
            let total = gallery.totals[kind] ?? 0
            page.raw("<div class=\"kind\" data-kind=\"\(kind.rawValue)\">\n")
            page.element(
                "h3",
                "\(kind.title): \(total)"
                    + (total > items.count ? " (showing \(items.count), \(kind.order))" : " (\(kind.order))"))
            page.raw("<div class=\"shots\">\n")
            if items.isEmpty { page.element("p", "None.") }
            for (i, item) in items.enumerated() { shot(item, shots[offset + i], &page) }
            offset += items.count
            page.raw("</div>\n</div>\n")
        }
        page.raw("</section>\n")
    }

    private func shot(_ item: Gallery.Item, _ thumbnail: Thumbnails.Thumbnail?, _ page: inout HTMLPage) {
        let region = thumbnail?.region ?? Gallery.region(of: item)
        let scale = Double(thumbnailSide) / max(region.width, region.height, 1)
        let w = max(1, (region.width * scale).rounded())
        let h = max(1, (region.height * scale).rounded())
        let n = Markup.coordinate
        page.raw("<figure class=\"shot\">\n")
        page.raw("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(n(w))\" height=\"\(n(h))\" ")
        page.raw("viewBox=\"\(n(region.x)) \(n(region.y)) \(n(region.width)) \(n(region.height))\" role=\"img\">")
        page.raw("<title>\(Markup.escape(item.image))</title>")
        if let thumbnail {
            page.raw(
                "<image x=\"\(n(region.x))\" y=\"\(n(region.y))\" width=\"\(n(region.width))\" height=\"\(n(region.height))\" "
            )
            page.raw("preserveAspectRatio=\"none\" href=\"data:image/jpeg;base64,")
            page.raw(Data(thumbnail.jpeg).base64EncodedString())
            page.raw("\"/>")
        } else {
            page.raw(
                "<rect x=\"\(n(region.x))\" y=\"\(n(region.y))\" width=\"\(n(region.width))\" height=\"\(n(region.height))\" fill=\"#D9D9D9\"/>"
            )
        }
        for drawn in gallery.boxes[item.image] ?? [] {
            let b = drawn.box
            let (colour, dash): (String, String) =
                switch drawn.role {
                case .truth: (Palette.groundTruthBox, "")
                case .calledMasked: (Palette.maskedBox, "")
                case .calledUnmasked: (Palette.unmaskedBox, " stroke-dasharray=\"5 3\"")
                }
            page.raw(
                "<rect x=\"\(n(b.x))\" y=\"\(n(b.y))\" width=\"\(n(b.width))\" height=\"\(n(b.height))\" fill=\"none\" "
            )
            // The face the mistake is about is drawn thicker.
            let width = b == item.focus ? "3.5" : "2"
            page.raw("stroke=\"\(colour)\" stroke-width=\"\(width)\"\(dash) vector-effect=\"non-scaling-stroke\"/>")
        }
        page.raw("</svg>\n<figcaption>")
        page.element("span", item.image, class: "file")
        page.raw("<br/>")
        page.text(item.caption)
        page.raw("</figcaption>\n</figure>\n")
    }

    /// Thumbnails for `items` in order (`nil` where none could be made), made in parallel with each image
    /// decoded once, and what went wrong per image (missing files, decoding errors), sorted.
    private func thumbnailsFor(_ items: [Gallery.Item]) -> ([Thumbnails.Thumbnail?], [String]) {
        guard let images, let thumbnails else { return (items.map { _ in nil }, []) }
        let root = ImageRoot(images, allowsOutside: allowOutsideRoot)
        // Item positions by image, in order of first appearance: an image with several mistakes is read once.
        var positions: [String: [Int]] = [:]
        var order: [String] = []
        for (i, item) in items.enumerated() {
            if positions[item.image] == nil { order.append(item.image) }
            positions[item.image, default: []].append(i)
        }
        let groups = order.map { ($0, positions[$0] ?? []) }
        let results = Mutex([Thumbnails.Thumbnail?](repeating: nil, count: items.count))
        let problems = Mutex(Set<String>())
        let side = thumbnailSide * 2
        DispatchQueue.concurrentPerform(iterations: groups.count) { n in
            let (name, indices) = groups[n]
            var found: [String] = []
            do {
                let path = try root.path(ofImage: name)
                if !FileManager.default.fileExists(atPath: path) {
                    found.append("\(name): not found in \(images)")
                } else {
                    let made = try thumbnails.make(path, indices.map { Gallery.region(of: items[$0]) }, side)
                    var thumbnailsMade: [(Int, Thumbnails.Thumbnail)] = []
                    for (i, result) in zip(indices, made) {
                        switch result {
                        case .success(let thumbnail): thumbnailsMade.append((i, thumbnail))
                        case .failure(let error): found.append("\(name): \(error)")
                        }
                    }
                    results.withLock { all in
                        for (i, thumbnail) in thumbnailsMade { all[i] = thumbnail }
                    }
                }
            } catch let error as ImagingError where error.kind == .outsideRoot {
                found.append("\(name): outside the image folder, not read (\(error.message))")
            } catch {
                found.append("\(name): \(error)")
            }
            if !found.isEmpty { problems.withLock { $0.formUnion(found) } }
        }
        return (results.withLock { $0 }, problems.withLock { $0 }.sorted())
    }

    // MARK: - Static text

    static let css = """
        body { font-family: "DejaVu Sans", Helvetica, Arial, sans-serif; margin: 0; color: #222; background: #fafafa; }
        header { background: #17324d; color: #fff; padding: 16px 32px; }
        header h1 { margin: 0 0 6px 0; font-size: 24px; }
        header p { margin: 4px 0; font-size: 13px; color: #dde6ee; overflow-wrap: anywhere; }
        nav a { color: #fff; margin-right: 14px; font-size: 14px; }
        main { padding: 8px 32px 32px 32px; }
        section { background: #fff; border: 1px solid #e2e2e2; border-radius: 6px; padding: 8px 20px 16px 20px; margin: 16px 0; }
        h2 { font-size: 20px; border-bottom: 1px solid #e2e2e2; padding-bottom: 6px; }
        h3 { font-size: 16px; margin: 18px 0 8px 0; }
        .cards { display: flex; flex-wrap: wrap; gap: 12px; }
        .card { border: 1px solid #d5d5d5; border-radius: 6px; padding: 10px 14px; min-width: 170px; background: #fcfcfc; }
        .card .name { font-size: 13px; font-weight: bold; color: #444; }
        .card .value { font-size: 26px; font-weight: bold; color: #0b3d66; }
        .card .interval, .card .help, .small { font-size: 12px; color: #555; }
        table { border-collapse: collapse; margin: 8px 0; font-size: 14px; }
        th, td { border: 1px solid #d5d5d5; padding: 5px 10px; text-align: left; vertical-align: top; }
        thead th { background: #f0f3f6; }
        td.num { text-align: right; font-variant-numeric: tabular-nums; }
        .mono { font-family: "DejaVu Sans Mono", monospace; font-size: 12px; overflow-wrap: anywhere; }
        th.target { font-family: "DejaVu Sans Mono", monospace; font-size: 12px; }
        .charts { display: flex; flex-wrap: wrap; gap: 16px; }
        figure { margin: 0; }
        figure.chart svg { max-width: 100%; height: auto; border: 1px solid #eee; }
        figure.chart figcaption { font-size: 11px; color: #666; }
        .warning { background: #fff4d6; border: 1px solid #e0c060; padding: 6px 10px; border-radius: 4px; }
        .shots { display: grid; grid-template-columns: repeat(auto-fill, minmax(180px, 1fr)); gap: 10px; }
        figure.shot { font-size: 11px; min-width: 0; }
        figure.shot svg { display: block; background: #eee; }
        figure.shot .file { font-family: "DejaVu Sans Mono", monospace; overflow-wrap: anywhere; }
        #gallery-filter { margin: 8px 0; font-size: 14px; }
        #gallery-filter label { margin-right: 16px; white-space: nowrap; }
        @media print { header { background: none; color: #000; } header p, nav a { color: #000; } }

        """

    /// The gallery filter. It contains no `<` and no `&`, so it is also well-formed XML text.
    static let script = """
        (function () {
          var bar = document.getElementById('gallery-filter');
          if (!bar) { return; }
          bar.hidden = false;
          var boxes = bar.querySelectorAll('input');
          function apply() {
            var shown = {};
            boxes.forEach(function (b) { shown[b.value] = b.checked; });
            document.querySelectorAll('.kind').forEach(function (k) { k.hidden = !shown[k.getAttribute('data-kind')]; });
          }
          boxes.forEach(function (b) { b.addEventListener('change', apply); });
        })();

        """
}

/// Accumulates the page: every text node and attribute value from data goes through ``Markup/escape(_:)``.
struct HTMLPage {
    var out = ""

    mutating func raw(_ markup: String) { out += markup }

    mutating func text(_ string: String) { out += Markup.escape(string) }

    mutating func open(_ tag: String, class name: String? = nil) {
        out += "<\(tag)" + (name.map { " class=\"\(Markup.escape($0))\"" } ?? "") + ">"
    }

    mutating func close(_ tag: String) { out += "</\(tag)>\n" }

    mutating func element(_ tag: String, _ string: String, class name: String? = nil) {
        open(tag, class: name)
        text(string)
        out += "</\(tag)>\n"
    }

    mutating func section(_ id: String, _ title: String) {
        out += "<section id=\"\(id)\">\n"
        element("h2", title)
    }
}
