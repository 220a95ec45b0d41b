import MaskBenchCore
import MaskBenchReport
import MaskBenchTestSupport
import Testing

/// Thresholds printed with only the digits that tell a point from its neighbours, and still exact: the
/// printed classifier threshold gives the same calls as the point's own.
@Suite struct OperatingPointTextTests {
    @Test(
        arguments: [
            (0.42465728521347046, 0.41, "0.42"),
            (0.4249, 0.42, "0.424"),
            (0.15000000000000002, 0.05, "0.1"),
            (0.15000000000000002, 0.1, "0.15"),
            // The Kaggle run's highest TNR with FNR <= 5%: rounding to nearest never comes back under it.
            (0.42465656995773315, 0.4239218235015869, "0.424"),
            (0.98168486356735230, 0.9815789461135864, "0.9816"),
            (0.29, 0.285, "0.29"),
            (0.3, nil, "0.3"),
            (0.0123, nil, "0.0"),
            (0.4247, 0.4246, "0.4247"),
            (0.5, 0.1, "0.5"),
            (1, 0.99, "1.0"),
            (0.100000001, 0.1, "0.100000001"),
        ] as [(Double, Double?, String)])
    func aClassifierThresholdIsRoundedOnlyAsFarAsItStillGivesTheSameCalls(
        threshold: Double, above: Double?, expected: String
    ) throws {
        let text = OperatingPointText.classifier(threshold, above: above)
        #expect(text == expected)
        let value = try #require(Double(text))
        #expect(value <= threshold && above.map { value > $0 } ?? true)
    }

    @Test func detectorThresholdsPrintAsGiven() {
        #expect(OperatingPointText.detector(0.5) == "0.5")
        #expect(OperatingPointText.detector(0.35) == "0.35")
        #expect(OperatingPointText.detector(0) == "0.0")
    }

    /// Every point of a grid, evaluated again at its thresholds as printed: the same TNR, FNR and false alarms.
    @Test func everyPrintedPointReproducesItselfWhenPassedBackAsThresholds() throws {
        let (dataset, predictions) = ReportFixture.run()
        let settings = EvaluationSettings(bootstrap: Bootstrap(samples: 0))
        let grid = ThresholdGrid(dataset, predictions, settings: settings, detectorThresholds: [0, 0.6, 0.75])
        var points: [OperatingPoint] = []
        grid.forEachPoint { points.append($0) }
        #expect(points.count > 20)
        for p in points {
            var at = settings
            at.matching.minFaceScore = try #require(Double(OperatingPointText.detector(p.detectorThreshold)))
            at.threshold = try #require(
                Double(OperatingPointText.classifier(p.classifierThreshold, above: p.classifierThresholdAbove)))
            let pipeline = Evaluator(settings: at).evaluate(dataset, predictions).pipeline
            #expect(pipeline.tnr.value == p.tnr, "\(OperatingPointText.thresholds(p))")
            #expect(pipeline.fnr.value == p.fnr, "\(OperatingPointText.thresholds(p))")
            #expect(pipeline.falseAlarms == p.falseAlarms, "\(OperatingPointText.thresholds(p))")
        }
    }
}
