public import MaskBenchCore
public import MaskBenchRecords

/// Small runs made in memory for the records and the gate: `images` images with two faces each (face 0
/// masked, face 1 unmasked) and a prediction on every face whose maskScore the test chooses.
public enum RunFixture {
    /// The dataset: image `i` is `img<i>.jpg`, face 0 masked, face 1 unmasked.
    public static func dataset(images: Int) -> Dataset {
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

    /// The `metrics.json` and `faces.csv` rows of a run where `maskScores(image, face)` is the face's
    /// maskScore, or `nil` for a missed face.
    ///
    /// - Parameters:
    ///   - fingerprint: the dataset fingerprint recorded; by default one naming the image count.
    ///   - dataset: the dataset, when not ``dataset(images:)``.
    public static func run(
        images: Int = 40,
        fingerprint: String? = nil,
        settings: EvaluationSettings = EvaluationSettings(bootstrap: Bootstrap(samples: 0)),
        dataset: Dataset? = nil,
        maskScores: (Int, Int) -> Double? = { _, face in face == 0 ? 0.9 : 0.1 }
    ) -> (metrics: MetricsDocument, faces: [FaceRecord]) {
        let run = records(
            images: images, fingerprint: fingerprint, settings: settings, dataset: dataset, maskScores: maskScores)
        return (run.metrics, run.faces)
    }

    /// As ``run(images:fingerprint:settings:dataset:maskScores:)``, with `extras(image)` added to the image's
    /// predictions (faceScore 0.9 for the faces' own), and the run's `extras.csv` rows.
    public static func records(
        images: Int = 40,
        fingerprint: String? = nil,
        settings: EvaluationSettings = EvaluationSettings(bootstrap: Bootstrap(samples: 0)),
        dataset: Dataset? = nil,
        maskScores: (Int, Int) -> Double? = { _, face in face == 0 ? 0.9 : 0.1 },
        extras: (Int) -> [Prediction] = { _ in [] }
    ) -> (metrics: MetricsDocument, faces: [FaceRecord], extras: [ExtraRecord]) {
        let dataset = dataset ?? self.dataset(images: images)
        var byImage: [String: [Prediction]] = [:]
        for (i, image) in dataset.images.enumerated() {
            byImage[image.name] =
                image.faces.enumerated().compactMap { face, truth in
                    maskScores(i, face).map { Prediction(box: truth.box, faceScore: 0.9, maskScore: $0) }
                } + extras(i)
        }
        let evaluation = Evaluator(settings: settings).evaluate(dataset, PredictionSet(byImage: byImage))
        let metrics = MetricsDocument(
            evaluation,
            inputs: MetricsDocument.Inputs(
                groundTruth: "gt.csv", groundTruthFormat: "makesense", predictions: "p.csv", predictionsFormat: "csv",
                images: nil),
            version: "test",
            datasetFingerprint: fingerprint ?? "sha256:fixture-\(dataset.images.count)-images"
        )
        let faces = evaluation.outcomes.map { FaceRecord($0, image: dataset.images[$0.image].name) }
        let extraRecords = evaluation.extras.map {
            ExtraRecord(
                image: dataset.images[$0.image].name, prediction: $0.prediction, box: nil, faceScore: $0.faceScore,
                maskScore: $0.maskScore, call: $0.call)
        }
        return (metrics, faces, extraRecords)
    }
}
