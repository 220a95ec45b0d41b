import MaskBenchCore
import MaskBenchGate
import MaskBenchTestSupport
import Testing

/// Verdicts on in-memory runs: tolerance, significance, undefined metrics, dataset fingerprints.
@Suite struct RegressionGateTests {
    /// Unmasked face of the first `count` images called masked (score 0.6, still ranked below every masked
    /// face, so the AUC does not move), the rest as in the baseline.
    func worseTNR(first count: Int, images: Int = 40) -> RegressionGate.Run {
        GateFixture.run(images: images) { image, face in face == 0 ? 0.9 : (image < count ? 0.6 : 0.1) }
    }

    func check(_ run: RegressionGate.Run, rules: [GateRule] = GateRule.defaults) throws -> GateReport {
        let base = GateFixture.run()
        return try RegressionGate(rules: rules).check(
            baseline: GateFixture.baseline(base), baselineFile: "base.json", current: run)
    }

    @Test func identicalRunsPass() throws {
        let report = try check(GateFixture.run())
        #expect(report.passed)
        #expect(report.verdicts.allSatisfy { $0.outcome == .pass && $0.delta == 0 })
        #expect(report.changedImages.isEmpty)
        #expect(!report.datasetChanged)
    }

    @Test func aLargeSignificantDropIsARegression() throws {
        let report = try check(worseTNR(first: 12))
        #expect(!report.passed)
        let tnr = try #require(GateFixture.verdict(report, "pipeline.tnr.value"))
        #expect(tnr.outcome == .regression)
        #expect(tnr.baseline == 1)
        #expect(tnr.current.isClose(to: 28.0 / 40))
        #expect(tnr.test == .mcNemar(b: 12, c: 0, pValue: McNemar.pValue(b: 12, c: 0)))
        #expect(GateFixture.verdict(report, "pipeline.fnr.value")?.outcome == .pass)
        #expect(report.imagesWithNewMistakes.map(\.image).count == 12)
        #expect(report.imagesWithNewMistakes.first?.image == "img0.jpg")
        #expect(report.imagesWithFixedMistakes.isEmpty)
    }

    @Test func aDropWithinToleranceOrNotSignificantPasses() throws {
        // 3 of 40 unmasked faces: 7.5 points worse, beyond 0.01, but McNemar p = 0.25.
        let report = try check(worseTNR(first: 3))
        let tnr = try #require(GateFixture.verdict(report, "pipeline.tnr.value"))
        #expect(tnr.outcome == .notSignificant)
        #expect(tnr.test?.pValue.isClose(to: 0.25) == true)
        #expect(report.passed)
        // Without significance the same drop fails; with a 10-point tolerance it passes outright.
        let strict = try check(
            worseTNR(first: 3),
            rules: [GateRule(metric: "pipeline.tnr.value", direction: .higher, absoluteTolerance: 0.01)])
        #expect(!strict.passed)
        let loose = try check(
            worseTNR(first: 3),
            rules: [GateRule(metric: "pipeline.tnr.value", direction: .higher, absoluteTolerance: 0.1)])
        #expect(loose.verdicts.first?.outcome == .pass)
    }

    @Test func theRelativeToleranceScalesWithTheBaseline() throws {
        // TNR 1.0 → 0.95: beyond 0.01 absolute, within 10% of 1.0.
        let rule = GateRule(
            metric: "pipeline.tnr.value", direction: .higher, absoluteTolerance: 0.01, relativeTolerance: 0.1)
        let report = try check(worseTNR(first: 2), rules: [rule])
        #expect(report.verdicts.first?.outcome == .pass)
    }

    @Test func missedFacesLowerRecallAndAreTestedPaired() throws {
        let run = GateFixture.run { image, face in image < 15 && face == 0 ? nil : (face == 0 ? 0.9 : 0.1) }
        let report = try check(run)
        let recall = try #require(GateFixture.verdict(report, "detector.recall.value"))
        #expect(recall.outcome == .regression)
        #expect(recall.test == .mcNemar(b: 15, c: 0, pValue: McNemar.pValue(b: 15, c: 0)))
        // Missed masked faces are not false negatives: FNR is unchanged.
        #expect(GateFixture.verdict(report, "pipeline.fnr.value")?.outcome == .pass)
    }

    @Test func aWorseAUCIsJudgedByThePairedBootstrap() throws {
        // Baseline separates the classes perfectly; now half the masked faces score below every unmasked one.
        let run = GateFixture.run { image, face in face == 0 ? (image % 2 == 0 ? 0.05 : 0.9) : 0.1 }
        let report = try check(run)
        let auc = try #require(GateFixture.verdict(report, "pipeline.roc.auc"))
        #expect(auc.outcome == .regression)
        guard case .bootstrap(let low, let high, let p, let replicates)? = auc.test else {
            Issue.record("expected a bootstrap test, got \(String(describing: auc.test))")
            return
        }
        #expect(replicates == 1000)
        #expect(low < high && high < 0)
        #expect(p < 0.01)
        // Seeded: the same inputs give the same interval.
        let again = try check(run)
        #expect(GateFixture.verdict(again, "pipeline.roc.auc")?.test == auc.test)
    }

    @Test func lowerIsBetterFailsOnARise() throws {
        // Masked faces of 20 images called unmasked: FNR 0 → 0.5.
        let run = GateFixture.run { image, face in face == 0 ? (image < 20 ? 0.2 : 0.9) : 0.1 }
        let report = try check(run)
        let fnr = try #require(GateFixture.verdict(report, "pipeline.fnr.value"))
        #expect(fnr.outcome == .regression)
        #expect(fnr.delta.isClose(to: 0.5))
        #expect(fnr.test == .mcNemar(b: 20, c: 0, pValue: McNemar.pValue(b: 20, c: 0)))
    }

    @Test func improvementsPassAndListImagesThatLostMistakes() throws {
        let base = worseTNR(first: 5)
        let report = try RegressionGate().check(
            baseline: GateFixture.baseline(base), baselineFile: "base.json", current: GateFixture.run())
        #expect(report.passed)
        #expect(GateFixture.verdict(report, "pipeline.tnr.value")?.reason == "better")
        #expect(
            report.imagesWithFixedMistakes.map(\.image) == ["img0.jpg", "img1.jpg", "img2.jpg", "img3.jpg", "img4.jpg"])
        #expect(report.imagesWithNewMistakes.isEmpty)
    }

    @Test func anotherDatasetIsRefusedUnlessAllowed() throws {
        let base = GateFixture.run(fingerprint: "sha256:aaaa")
        let run = GateFixture.run(fingerprint: "sha256:bbbb")
        let error = try #require(throws: GateError.self) {
            try RegressionGate().check(baseline: GateFixture.baseline(base), baselineFile: "base.json", current: run)
        }
        #expect(error.file == "run/metrics.json")
        #expect(error.description.contains("sha256:bbbb differs from the baseline's sha256:aaaa"))
        let report = try RegressionGate(allowDatasetChange: true).check(
            baseline: GateFixture.baseline(base), baselineFile: "base.json", current: run)
        #expect(report.datasetChanged)
        #expect(report.text().contains("Dataset changed"))
    }

    @Test func facesAreNotPairedAcrossDifferentImages() throws {
        // A run on 30 of the 40 images (allowed as a dataset change): only those faces are paired.
        let base = GateFixture.run()
        let run = GateFixture.run(images: 30)
        let report = try RegressionGate(allowDatasetChange: true).check(
            baseline: GateFixture.baseline(base), baselineFile: "base.json", current: run)
        #expect(report.unpairedBaselineFaces == 20)
        #expect(report.unpairedCurrentFaces == 0)
        #expect(report.passed)
    }

    @Test func theTextNamesEveryRuleAndTheVerdict() throws {
        let text = try check(worseTNR(first: 12)).text()
        let tnrLine = text.split(separator: "\n").first { $0.hasPrefix("pipeline.tnr.value (higher is better)") }
        #expect(
            tnrLine?.split(separator: " ", omittingEmptySubsequences: true).suffix(8).joined(separator: " ")
                == "1.0000 0.7000 -0.3000 McNemar p=4.9e-04 (b=12, c=0) regression")
        #expect(text.contains("regression"))
        #expect(text.contains("Images that gained mistakes (12 images, 12 faces):\n  img0.jpg  1 face\n"))
        #expect(text.hasSuffix("gate: FAIL (1 of 4 rules regressed)\n"))
    }
}
