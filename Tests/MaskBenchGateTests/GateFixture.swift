import MaskBenchCore
import MaskBenchGate
import MaskBenchReport

/// Small runs made in memory: a dataset of `images` images with two faces each (one masked, one unmasked)
/// and a prediction on every face whose maskScore the test chooses.
enum GateFixture {
    /// The dataset: image `i` is `img<i>.jpg`, face 0 masked, face 1 unmasked.
    static func dataset(images: Int) -> Dataset {
        Dataset(
            images: (0..<images).map { i in
                AnnotatedImage(
                    name: "img\(i).jpg", width: 100, height: 100,
                    faces: [
                        GroundTruthFace(box: Box(x: 10, y: 10, width: 30, height: 30), label: .masked),
                        GroundTruthFace(box: Box(x: 60, y: 60, width: 30, height: 30), label: .unmasked),
                    ])
            })
    }

    /// A run where `maskScores(image, face)` is the face's maskScore, or `nil` for a missed face.
    static func run(
        images: Int = 40,
        fingerprint: String? = nil,
        maskScores: (Int, Int) -> Double? = { _, face in face == 0 ? 0.9 : 0.1 }
    ) -> RegressionGate.Run {
        let dataset = dataset(images: images)
        var byImage: [String: [Prediction]] = [:]
        for (i, image) in dataset.images.enumerated() {
            byImage[image.name] = image.faces.enumerated().compactMap { face, truth in
                maskScores(i, face).map { Prediction(box: truth.box, faceScore: 0.9, maskScore: $0) }
            }
        }
        let settings = EvaluationSettings(bootstrap: Bootstrap(samples: 0))
        let evaluation = Evaluator(settings: settings).evaluate(dataset, PredictionSet(byImage: byImage))
        let metrics = MetricsDocument(
            evaluation,
            inputs: MetricsDocument.Inputs(
                groundTruth: "gt.csv", groundTruthFormat: "makesense", predictions: "p.csv", predictionsFormat: "csv",
                images: nil),
            version: "test",
            datasetFingerprint: fingerprint ?? dataset.fingerprint()
        )
        let faces = evaluation.outcomes.map { o in
            FaceRecord(
                image: dataset.images[o.image].name, face: o.face, truth: o.truth, detected: o.call != nil,
                correct: o.call == o.truth, maskScore: o.maskScore)
        }
        return RegressionGate.Run(metrics: metrics, faces: faces, file: "run/metrics.json")
    }

    /// The run recorded as a baseline.
    static func baseline(_ run: RegressionGate.Run) -> Baseline {
        Baseline(name: "test", metrics: run.metrics, faces: run.faces)
    }

    /// The verdict on `metric` in `report`.
    static func verdict(_ report: GateReport, _ metric: String) -> Verdict? {
        report.verdicts.first { $0.rule.metric == metric }
    }
}
