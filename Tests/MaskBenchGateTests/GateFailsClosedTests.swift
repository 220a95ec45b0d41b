import Foundation
import MaskBenchCore
import MaskBenchGate
import MaskBenchRecords
import MaskBenchTestSupport
import Testing

/// Every way a gate could pass without having compared anything fails closed: other settings, significance
/// with nothing to pair, undefined values, records that disagree with themselves, failed images.
@Suite struct GateFailsClosedTests {
    func check(
        _ base: RegressionGate.Run, _ run: RegressionGate.Run, _ gate: RegressionGate = RegressionGate()
    ) throws -> GateReport {
        try gate.check(baseline: GateFixture.baseline(base), baselineFile: "base.json", current: run)
    }

    // MARK: - Settings

    @Test func otherSettingsAreRefusedListingEachWithBothValues() throws {
        let base = GateFixture.run()
        var settings = EvaluationSettings(bootstrap: Bootstrap(samples: 0))
        settings.matching.iouThreshold = 0.3
        settings.matching.mode = .dataroots
        let run = GateFixture.run(settings: settings)
        let error = try #require(throws: GateError.self) { try check(base, run) }
        #expect(error.file == "run/metrics.json")
        #expect(error.message.contains("settings differ from the baseline's (base.json)"))
        #expect(error.message.contains("matching.iouThreshold: baseline 0.5, now 0.3"))
        #expect(error.message.contains("matching.mode: baseline \"coco\", now \"dataroots\""))
        #expect(error.message.contains("--allow-settings-change"))
        let report = try check(base, run, RegressionGate(allowSettingsChange: true))
        #expect(report.settingChanges.map(\.setting) == ["matching.iouThreshold", "matching.mode"])
        let text = report.text()
        #expect(text.hasPrefix("Settings changed (allowed by --allow-settings-change):\n"))
        #expect(text.contains("  matching.iouThreshold: baseline 0.5, now 0.3\n"))
    }

    @Test(arguments: [
        "threshold", "incorrectAs", "missedFaceScore", "matching.pixels", "matching.iouInclusive",
        "matching.minFaceScore", "maxDetectionsPerImage", "bootstrap.samples",
    ])
    func everySettingIsCompared(_ name: String) throws {
        var settings = EvaluationSettings(bootstrap: Bootstrap(samples: 0))
        switch name {
        case "threshold": settings.threshold = 0.7
        case "incorrectAs": settings.incorrectAs = .masked
        case "missedFaceScore": settings.missedFaceScore = nil
        case "matching.pixels": settings.matching.pixels = .inclusive
        case "matching.iouInclusive": settings.matching.iouInclusive = true
        case "matching.minFaceScore": settings.matching.minFaceScore = 0.2
        case "maxDetectionsPerImage": settings.maxDetectionsPerImage = 10
        default: settings.bootstrap.samples = 100
        }
        let error = try #require(throws: GateError.self) {
            try check(GateFixture.run(), GateFixture.run(settings: settings))
        }
        #expect(
            error.message.contains("settings differ from the baseline's (base.json): \(name): baseline "), "\(error)")
    }

    @Test func anotherLabelMapIsAnotherSetting() throws {
        var base = GateFixture.run()
        var run = GateFixture.run()
        // A --label that repeats a default is no change; one that maps a spelling elsewhere is.
        base.metrics.inputs.labels = ["with_mask": "masked"]
        run.metrics.inputs.labels = ["mask_weared_incorrect": "masked", "helmet": "unmasked"]
        let error = try #require(throws: GateError.self) { try check(base, run) }
        #expect(
            error.message.contains(
                "settings differ from the baseline's (base.json): labels.helmet: baseline absent, now \"unmasked\"; labels.mask_weared_incorrect: baseline \"incorrect\", now \"masked\"; evaluate"
            ), "\(error)")
        run.metrics.inputs.labels = nil
        #expect(try check(base, run).passed)
    }

    @Test func settingsThatDifferBeyondWhatJSONNumbersTellStillDiffer() {
        // Seeds 2⁶⁰ and 2⁶⁰ + 1 read as the same double.
        var a = EvaluationSettings()
        var b = EvaluationSettings()
        a.bootstrap.seed = 1 << 60
        b.bootstrap.seed = (1 << 60) + 1
        #expect(SettingChange.differences(a, b).map(\.setting) == ["settings"])
        #expect(SettingChange.differences(a, a).isEmpty)
    }

    // MARK: - Significance with nothing to pair

    @Test func significanceWithNoPairedFacesDecidesOnTheToleranceAlone() throws {
        // TNR 1.0 → 0.0 on other images (allowed as a dataset change): no face pairs, so McNemar has nothing
        // to test; today that was "not significant", a pass.
        let base = GateFixture.run(fingerprint: "sha256:aaaa")
        let other = Dataset(
            images: GateFixture.dataset(images: 40).images.map { image in
                var renamed = image
                renamed.name = "other-" + image.name
                return renamed
            })
        let run = GateFixture.run(fingerprint: "sha256:bbbb", dataset: other) { _, face in face == 0 ? 0.9 : 0.9 }
        let report = try check(base, run, RegressionGate(allowDatasetChange: true))
        let tnr = try #require(GateFixture.verdict(report, "pipeline.tnr.value"))
        #expect(tnr.outcome == .regression)
        #expect(tnr.reason.contains("no paired unmasked faces to test significance on: decided on the tolerance alone"))
        #expect(!report.passed)
    }

    @Test func significanceThatCanNeverBeReachedDecidesOnTheToleranceAlone() throws {
        // 3 images: even if all 3 unmasked faces went wrong, McNemar's p = 0.25 ≥ 0.05.
        let base = GateFixture.run(images: 3)
        let run = GateFixture.run(images: 3) { _, face in face == 0 ? 0.9 : 0.9 }
        let tnr = try #require(GateFixture.verdict(try check(base, run), "pipeline.tnr.value"))
        #expect(tnr.outcome == .regression)
        #expect(tnr.reason.contains("3 paired unmasked faces cannot reach p < 0.0500"), "\(tnr.reason)")
    }

    @Test func significanceDoesNotSpeakForFacesInOnlyOneRun() throws {
        // 40 images, then the same 40 and 40 more whose unmasked faces are all called masked (allowed as a
        // dataset change): TNR 1.0 → 0.5, but the 40 paired unmasked faces did not change (McNemar p = 1).
        let base = GateFixture.run(images: 40)
        let run = GateFixture.run(images: 80) { image, face in face == 0 || image >= 40 ? 0.9 : 0.1 }
        let report = try check(base, run, RegressionGate(allowDatasetChange: true))
        let tnr = try #require(GateFixture.verdict(report, "pipeline.tnr.value"))
        #expect(tnr.outcome == .regression)
        #expect(tnr.test?.pValue == 1)
        #expect(
            tnr.reason.contains(
                "unmasked faces in only one of the runs: 40, which a paired test leaves out: decided on the tolerance alone"
            ), "\(tnr.reason)")
        // The AUC's bootstrap pairs faces too.
        let auc = try #require(GateFixture.verdict(report, "pipeline.roc.auc"))
        #expect(auc.outcome == .regression, "\(auc.reason)")
        #expect(auc.reason.contains("faces in only one of the runs: 80"), "\(auc.reason)")
    }

    @Test func apSignificanceCountsFalseAlarmsOnImagesWithoutFaces() throws {
        // 40 images with faces and 40 without; the run adds a confident false alarm on each image without faces:
        // AP 1.0 → 0.67. The bootstrap once indexed only images with paired faces, saw no change and passed.
        let empty = (0..<40).map { AnnotatedImage(name: "empty\($0).jpg", width: 100, height: 100, faces: []) }
        let dataset = Dataset(images: GateFixture.dataset(images: 40).images + empty)
        let base = GateFixture.run(dataset: dataset, extras: { _ in [] })
        let run = GateFixture.run(
            dataset: dataset,
            extras: { image in
                image < 40
                    ? [] : [Prediction(box: Box(x: 10, y: 10, width: 30, height: 30), faceScore: 0.95, maskScore: 0.5)]
            })
        let rule = GateRule(metric: "detector.ap.voc", direction: .higher, absoluteTolerance: 0.01, significance: 0.05)
        let ap = try #require(try check(base, run, RegressionGate(rules: [rule])).verdicts.first)
        #expect(ap.outcome == .regression, "\(ap.reason)")
        #expect(ap.test.map { $0.pValue < 0.05 } == true, "\(ap.reason)")
    }

    // MARK: - Undefined values

    /// A run whose faces are all masked: its TNR is undefined (a rate over no faces).
    static func maskedOnly(fingerprint: String) -> RegressionGate.Run {
        let dataset = Dataset(
            images: GateFixture.dataset(images: 40).images.map { image in
                var masked = image
                masked.faces = [image.faces[0]]
                return masked
            })
        return GateFixture.run(fingerprint: fingerprint, dataset: dataset)
    }

    @Test func anUndefinedBaselineValueIsAnInputError() throws {
        let base = Self.maskedOnly(fingerprint: "sha256:same")
        let error = try #require(throws: GateError.self) { try check(base, base) }
        #expect(error.file == "default rules")
        #expect(error.message.contains("pipeline.tnr.value is undefined (null) in base.json"), "\(error)")
        #expect(error.message.contains("allowUndefined"))
    }

    @Test func anUndefinedCurrentValueIsAnInputError() throws {
        let base = GateFixture.run(fingerprint: "sha256:aaaa")
        let run = Self.maskedOnly(fingerprint: "sha256:bbbb")
        let error = try #require(throws: GateError.self) {
            try check(base, run, RegressionGate(allowDatasetChange: true))
        }
        #expect(error.message.contains("pipeline.tnr.value is undefined (null) in run/metrics.json"), "\(error)")
    }

    @Test func aRuleMayAllowUndefinedValues() throws {
        let base = Self.maskedOnly(fingerprint: "sha256:same")
        var rule = GateRule(metric: "pipeline.tnr.value", direction: .higher, absoluteTolerance: 0.01)
        rule.allowsUndefined = true
        let report = try check(base, base, RegressionGate(rules: [rule]))
        #expect(report.passed)
        #expect(report.verdicts.first?.reason == "undefined in the baseline and now: not compared (allowUndefined)")
    }

    // MARK: - Inconsistent records

    @Test func facesThatDisagreeWithTheirMetricsAreRefused() throws {
        let base = GateFixture.run()
        var truncated = GateFixture.run()
        truncated.faces.removeLast(40)
        let error = try #require(throws: GateError.self) { try check(base, truncated) }
        #expect(error.file == "run/metrics.json")
        #expect(error.message.contains("faces.csv disagrees with metrics.json"), "\(error)")
        #expect(error.message.contains("dataset.faces.total is 80 in metrics.json but 40 from faces.csv"))
    }

    @Test func aHandEditedBaselineIsRefused() throws {
        var base = GateFixture.baseline(GateFixture.run())
        base.metrics.pipeline.tnr.value = 1
        base.faces[1].call = .masked
        let error = try #require(throws: GateError.self) {
            try RegressionGate().check(baseline: base, baselineFile: "base.json", current: GateFixture.run())
        }
        #expect(error.file == "base.json")
        #expect(error.message.contains("the baseline's faces disagree with its metrics"), "\(error)")
        #expect(error.message.contains("pipeline.tnr.count is 40 in the metrics but 39 from the faces"), "\(error)")
    }

    @Test func aBaselineWhoseCopiesDisagreeWithItsMetricsIsRefused() throws {
        // The fingerprint edited to the run's, to get past the dataset check.
        var base = GateFixture.baseline(GateFixture.run(fingerprint: "sha256:aaaa"))
        base.datasetFingerprint = "sha256:bbbb"
        base.settings.threshold = 0.7
        base.faces.append(base.faces[0])
        base.metrics.dataset.faces.total += 1
        let run = GateFixture.run(fingerprint: "sha256:bbbb")
        let error = try #require(throws: GateError.self) {
            try RegressionGate().check(baseline: base, baselineFile: "base.json", current: run)
        }
        #expect(error.file == "base.json")
        #expect(error.message.contains("the baseline disagrees with itself"), "\(error)")
        #expect(
            error.message.contains("datasetFingerprint is sha256:bbbb but metrics.dataset.fingerprint is sha256:aaaa"))
        #expect(error.message.contains("settings.threshold is 0.7 but metrics.settings.threshold is 0.5"))
        #expect(error.message.contains("faces holds img0.jpg face 0 twice"))
    }

    @Test func facesThatDoNotPairOnTheSameDatasetAreRefused() throws {
        // Both records agree with themselves, but a face was moved to another image in the run's.
        let base = GateFixture.run()
        var run = GateFixture.run()
        run.faces[3].image = "elsewhere.jpg"
        let error = try #require(throws: GateError.self) { try check(base, run) }
        #expect(
            error.message.contains(
                "the dataset fingerprint is the baseline's (base.json), but 1 of its faces and 1 of the run's do not pair"
            ), "\(error)")
        #expect(error.message.contains("img1.jpg face 1 (only in the baseline)"))
    }

    @Test func everyRefusalIsListedAtOnce() throws {
        var settings = EvaluationSettings(bootstrap: Bootstrap(samples: 0))
        settings.threshold = 0.6
        let error = try #require(throws: GateError.self) {
            try check(
                GateFixture.run(fingerprint: "sha256:aaaa"),
                GateFixture.run(fingerprint: "sha256:bbbb", settings: settings))
        }
        #expect(error.message.contains("the run is on other data"))
        #expect(
            error.message.contains(
                "; and settings differ from the baseline's (base.json): threshold: baseline 0.5, now 0.6"))
    }

    // MARK: - Failed images

    @Test func failedImagesAreNamedAsTheReasonTheDatasetDiffers() throws {
        let base = GateFixture.run(images: 40)
        var run = GateFixture.run(images: 38)
        run.metrics.run = MetricsDocument.RunSummary(
            pipeline: "p", pipelineFingerprint: "sha256:p", images: 40, computed: 38, cached: 0,
            failures: [.init(image: "img38.jpg", reason: "worker crashed"), .init(image: "img39.jpg", reason: "hung")])
        let report = try check(base, run)
        #expect(!report.passed)
        #expect(report.newFailures.map(\.image) == ["img38.jpg", "img39.jpg"])
        let text = report.text()
        #expect(text.contains("2 images failed in this run, and a failed image is left out of the numbers"))
        #expect(text.contains("  img38.jpg: worker crashed\n"))
        #expect(text.contains("that is why the dataset fingerprint differs from the baseline's"))
        #expect(text.hasSuffix("gate: FAIL (2 images failed)\n"))
        #expect(report.verdicts.isEmpty)
        // Allowed as a dataset change, the rules are judged on the rest, and the gate still fails.
        let judged = try check(base, run, RegressionGate(allowDatasetChange: true))
        #expect(judged.verdicts.count == GateRule.defaults.count)
        #expect(!judged.passed)
        #expect(judged.text().hasSuffix("gate: FAIL (2 images failed)\n"))
    }

    @Test func failedImagesThatDoNotExplainTheOtherDataAreNoExcuse() throws {
        // Two images failed, and the run is also on other images: another dataset, refused as such.
        let base = GateFixture.run(images: 40)
        let other = Dataset(
            images: GateFixture.dataset(images: 38).images.map { image in
                var renamed = image
                renamed.name = "other-" + image.name
                return renamed
            })
        var run = GateFixture.run(dataset: other)
        run.metrics.run = MetricsDocument.RunSummary(
            pipeline: "p", pipelineFingerprint: "sha256:p", images: 40, computed: 38, cached: 0,
            failures: [.init(image: "img38.jpg", reason: "worker crashed"), .init(image: "img39.jpg", reason: "hung")])
        let error = try #require(throws: GateError.self) { try check(base, run) }
        #expect(
            error.message.contains(
                "the run is on other data (2 images failed in the run, but that alone does not explain the difference"),
            "\(error)")
    }

    @Test func failedImagesFailTheJUnitAndMarkdownReportsToo() throws {
        let base = GateFixture.run(images: 40)
        var run = GateFixture.run(images: 39)
        run.metrics.run = MetricsDocument.RunSummary(
            pipeline: "p", pipelineFingerprint: "sha256:p", images: 40, computed: 39, cached: 0,
            failures: [.init(image: "img39.jpg", reason: "<b>bad</b> | [x](http://e.com)")])
        let report = try check(base, run)
        let xml = JUnitReport.xml(report)
        #expect(xml.contains("tests=\"1\" failures=\"1\""))
        #expect(xml.contains("<testcase classname=\"maskbench.gate\" name=\"failed images\">"))
        #expect(xml.contains("img39.jpg: &lt;b&gt;bad&lt;/b&gt;"))
        let markdown = report.markdown()
        #expect(markdown.hasPrefix("### maskbench gate: FAIL (1 image failed)\n"))
        #expect(markdown.contains("- img39.jpg: &lt;b&gt;bad&lt;/b&gt; \\| \\[x\\](http\\://e.com)\n"), "\(markdown)")
    }
}
