import Foundation
import MaskBenchCore
import MaskBenchFiles
import MaskBenchRecords
import MaskBenchReport
import MaskBenchTestSupport

/// A small run written to a temporary report folder by the real writers (metrics.json, faces.csv,
/// boxes.csv, extras.csv), with hostile image names and labels to check escaping.
enum ReportFixture {
    /// Image names that would break markup if they were not escaped.
    static let hostileNames = [
        "a<script>alert(1)</script>.jpg", "q\"uote'&amp;.png", "]]>cdata.jpg", "ctl\u{01}\u{07}bell.jpg", "plain.jpg",
    ]

    /// A deterministic dataset: faces of every size and class, with found, missed, wrongly called faces
    /// and extra detections.
    static func run() -> (Dataset, PredictionSet) {
        var images: [AnnotatedImage] = []
        var byImage: [String: [Prediction]] = [:]
        for (i, name) in hostileNames.enumerated() {
            var faces: [GroundTruthFace] = []
            var predictions: [Prediction] = []
            for f in 0..<4 {
                let size = [20.0, 40.0, 70.0, 120.0][(i + f) % 4]
                let box = Box(x: 10 + Double(f) * 130, y: 20 + Double(i) * 3, width: size * 0.8, height: size)
                let label: FaceClass = (i + f) % 3 == 0 ? .unmasked : ((i + f) % 5 == 0 ? .incorrect : .masked)
                faces.append(GroundTruthFace(box: box, label: label))
                if (i * 4 + f) % 7 == 3 { continue }  // missed
                let wrong = (i * 4 + f) % 5 == 2
                let masked = label == .masked
                let score =
                    (masked != wrong) ? 0.55 + Double((i + 2 * f) % 9) * 0.05 : 0.05 + Double((i + f) % 8) * 0.05
                predictions.append(
                    Prediction(
                        box: Box(x: box.x + 2, y: box.y + 1, width: box.width, height: box.height - 2),
                        faceScore: 0.5 + Double((3 * i + f) % 10) * 0.05, maskScore: score))
            }
            predictions.append(
                Prediction(
                    box: Box(x: 300, y: 200, width: 30, height: 36), faceScore: 0.3 + Double(i) * 0.1,
                    maskScore: i % 2 == 0 ? 0.2 : 0.8))
            images.append(AnnotatedImage(name: name, width: 640, height: 480, faces: faces))
            byImage[name] = predictions
        }
        return (Dataset(images: images), PredictionSet(byImage: byImage))
    }

    /// Evaluates ``run()`` and writes the report tables into a new temporary folder; returns the
    /// `metrics.json` path.
    static func writeRun(labelsOnInputs: Bool = true) throws -> String {
        let (dataset, predictions) = run()
        let evaluation = Evaluator(settings: EvaluationSettings(bootstrap: Bootstrap(samples: 50))).evaluate(
            dataset, predictions)
        var document = MetricsDocument(
            evaluation,
            inputs: MetricsDocument.Inputs(
                groundTruth: "gt/<b>&\"truth\".csv", groundTruthFormat: "makesense",
                predictions: "preds]]>\u{02}.csv", predictionsFormat: "csv", images: nil),
            version: "test", datasetFingerprint: "sha256:0123")
        document.run = MetricsDocument.RunSummary(
            pipeline: "external <cmd> & \"args\"", pipelineFingerprint: "sha256:abcd", images: 6, computed: 5,
            cached: 0,
            failures: [.init(image: "<img src=x onerror=alert(1)>.jpg", reason: "decoding failed: ]]> & \u{0B}")])
        // A classifier run on ground-truth crops, as `maskbench run` adds: a third ROC curve.
        var crops = ConfusionMatrix(classes: [.masked, .unmasked])
        crops.counts = [[9, 1], [2, 8]]
        let roc = ROCCurve(
            scores: [0.9, 0.8, 0.7, 0.6, 0.4, 0.3, 0.2, 0.1],
            labels: [true, true, false, true, false, true, false, false])
        document.classifier.groundTruthCrops = MetricsDocument.ClassifierOnFaces(
            accuracy: Rate(17, of: 20), confusion: crops, roc: roc, auc: Estimate(value: roc.auc, low: 0.6, high: 0.95))
        let folder = try Command.temporaryDirectory().path
        try AtomicFile.write(try document.jsonData(), to: folder + "/metrics.json")
        try FaceOutcomesCSV.write(evaluation, dataset: dataset, to: folder + "/faces.csv")
        try BoxTables.write(evaluation, dataset: dataset, predictions: predictions, folder: folder)
        return folder + "/metrics.json"
    }
}
