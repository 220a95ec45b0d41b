import ArgumentParser
import Foundation
import MaskBenchCore
import MaskBenchFiles
import MaskBenchFormats
import MaskBenchRecords
import MaskBenchReport

/// The predictions file and how to read it, for the commands that evaluate one.
struct PredictionArguments: ParsableArguments {
    @Option(help: ArgumentHelp("Predictions file: CSV, JSON Lines or COCO results JSON.", valueName: "PATH"))
    var predictions: String

    @Option(
        name: .customLong("predictions-format"),
        help: ArgumentHelp(
            "Predictions format, when the file name should not decide.", valueName: "FORMAT"))
    var predictionsFormat: PredictionFormat?

    @Flag(
        name: .customLong("allow-unknown-images"),
        help: "Skip predictions for images not in the ground truth instead of failing.")
    var allowUnknownImages = false
}

/// A ground truth and the predictions on it, read and checked against each other.
struct LoadedRun {
    var truth: LoadedGroundTruth
    var predictions: LoadedPredictions
    /// The ground truth's ``Dataset/fingerprint()``.
    var fingerprint: String

    /// Reads both files at the same time; COCO results are checked against the ground truth after, while the
    /// ground truth's fingerprint is computed (checking takes one core).
    static func read(
        _ groundTruth: GroundTruthArguments, _ predictions: PredictionArguments, clock: inout PhaseClock
    )
        async throws -> LoadedRun
    {
        let options = try groundTruth.options()
        let labelMap = try groundTruth.labelMap()
        let (path, format) = (predictions.predictions, predictions.predictionsFormat)
        async let parsedPredictions = PredictionReader.parse(
            path: path, format: format, labelMap: labelMap, limits: groundTruth.limits)
        var truth = try GroundTruthReader.read(path: groundTruth.path, options: options)
        let dataset = truth.dataset
        async let fingerprint = dataset.fingerprint()
        let parsed = try await parsedPredictions
        clock.lap("read ground truth and predictions")
        let loaded = try PredictionReader.resolve(
            parsed,
            groundTruth: truth,
            labelMap: labelMap,
            allowUnknownImages: predictions.allowUnknownImages
        )
        clock.lap("check predictions")
        // The COCO records (ids, every annotation again) only served to read COCO results: 260 MB at 500k images
        // that evaluation and report can reuse.
        truth.coco = nil
        return LoadedRun(truth: truth, predictions: loaded, fingerprint: await fingerprint)
    }

    /// The metrics.json of `evaluation` on this run's files.
    func document(
        _ evaluation: Evaluation, groundTruth: GroundTruthArguments, predictions arguments: PredictionArguments
    ) -> MetricsDocument {
        MetricsDocument(
            evaluation,
            inputs: MetricsDocument.Inputs(
                groundTruth: groundTruth.path,
                groundTruthFormat: truth.format.rawValue,
                predictions: arguments.predictions,
                predictionsFormat: predictions.format.rawValue,
                images: groundTruth.images,
                labels: groundTruth.recordedLabels
            ),
            version: MaskBenchCommand.version,
            datasetFingerprint: fingerprint
        )
    }

    /// The notes both readers left (clamped boxes, skipped predictions).
    var diagnostics: [Diagnostic] { truth.diagnostics + predictions.diagnostics }
}
