import MaskBenchCore
import MaskBenchGate
import MaskBenchRecords
import MaskBenchTestSupport

/// Small runs made in memory: a dataset of `images` images with two faces each (one masked, one unmasked)
/// and a prediction on every face whose maskScore the test chooses.
enum GateFixture {
    /// The dataset: image `i` is `img<i>.jpg`, face 0 masked, face 1 unmasked.
    static func dataset(images: Int) -> Dataset { RunFixture.dataset(images: images) }

    /// A run where `maskScores(image, face)` is the face's maskScore, or `nil` for a missed face.
    static func run(
        images: Int = 40,
        fingerprint: String? = nil,
        settings: EvaluationSettings = EvaluationSettings(bootstrap: Bootstrap(samples: 0)),
        dataset: Dataset? = nil,
        maskScores: (Int, Int) -> Double? = { _, face in face == 0 ? 0.9 : 0.1 },
        extras: ((Int) -> [Prediction])? = nil
    ) -> RegressionGate.Run {
        let run = RunFixture.records(
            images: images, fingerprint: fingerprint, settings: settings, dataset: dataset, maskScores: maskScores,
            extras: extras ?? { _ in [] })
        return RegressionGate.Run(
            metrics: run.metrics, faces: run.faces, extras: extras == nil ? nil : run.extras, file: "run/metrics.json")
    }

    /// The run recorded as a baseline.
    static func baseline(_ run: RegressionGate.Run) -> Baseline {
        Baseline(name: "test", metrics: run.metrics, faces: run.faces, extras: run.extras)
    }

    /// The verdict on `metric` in `report`.
    static func verdict(_ report: GateReport, _ metric: String) -> Verdict? {
        report.verdicts.first { $0.rule.metric == metric }
    }
}
