import Foundation
import MaskBenchCore
import MaskBenchFiles
import MaskBenchFormats
import MaskBenchInference
import MaskBenchRecords
import MaskBenchReport

/// What `maskbench run` writes, and `maskbench merge` writes the same way from the shards of a sharded run:
/// `OUT/predictions.jsonl`, `OUT/failures.jsonl`, then what ``EvaluationOutput`` writes, with `metrics.json`'s
/// `run` and `classifier.groundTruthCrops`; or, for one shard, `predictions.jsonl`, `failures.jsonl`,
/// `crops.jsonl` and `shard.json`. Each is one set of the output folder, swapped in whole.
enum RunOutput {
    /// The names a run's set can hold in the output folder, a shard's included: a run replaces all of them.
    static let names =
        EvaluationOutput.names + [
            ShardSet.File.predictions, ShardSet.File.failures, ShardSet.File.crops, ShardSet.File.manifest,
        ]

    /// The run's pipeline and counts, as `metrics.json`'s `run` and `shard.json` record them.
    struct Summary {
        var pipeline: String
        var pipelineFingerprint: String
        /// Images of the ground truth (of the shard, for a shard).
        var images: Int
        var computed: Int
        var cached: Int
        /// The model files of a built-in pipeline, with their hashes (`nil`: an external worker, or a merge).
        var models: [ModelFile]? = nil
    }

    /// Writes an evaluated run.
    ///
    /// - Parameters:
    ///   - images: the images folder, for the report's thumbnails and `metrics.json`'s inputs.
    ///   - report: whether to write the report too.
    ///   - thumbnails: cuts the report's gallery thumbnails from the images.
    /// - Returns: the failed images, for the caller's exit code.
    /// - Throws: ``MaskBenchReport/ReportError`` or ``FormatError`` naming a file that could not be written.
    static func write(
        _ evaluated: PipelineRun.Evaluated,
        summary: Summary,
        truth: LoadedGroundTruth,
        groundTruth: GroundTruthArguments,
        images: String?,
        folder: OutputFolder,
        quiet: Bool,
        report: Bool = true,
        thumbnails: Thumbnails = .imaging,
        clock: inout PhaseClock
    ) throws -> [MetricsDocument.RunSummary.Failure] {
        let failures = evaluated.failures.map { MetricsDocument.RunSummary.Failure(image: $0.image, reason: $0.reason) }
        let predictionsPath = folder.path + "/" + ShardSet.File.predictions
        var document = MetricsDocument(
            evaluated.evaluation,
            inputs: MetricsDocument.Inputs(
                groundTruth: groundTruth.path,
                groundTruthFormat: truth.format.rawValue,
                predictions: predictionsPath,
                predictionsFormat: PredictionFormat.jsonl.rawValue,
                images: images,
                labels: groundTruth.recordedLabels
            ),
            version: MaskBenchCommand.version,
            datasetFingerprint: evaluated.dataset.fingerprint()
        )
        if let crops = evaluated.groundTruthCrops {
            document.classifier.groundTruthCrops = MetricsDocument.ClassifierOnFaces(
                accuracy: crops.accuracy, confusion: crops.confusion, roc: crops.roc, auc: crops.auc)
        }
        document.run = MetricsDocument.RunSummary(
            pipeline: summary.pipeline,
            pipelineFingerprint: summary.pipelineFingerprint,
            images: summary.images,
            computed: summary.computed,
            cached: summary.cached,
            failures: failures,
            models: summary.models
        )
        try folder.replaceSet(of: names) { staging in
            try PredictionJSONL.write(evaluated.predictions, toFile: staging + "/" + ShardSet.File.predictions)
            try AtomicFile.write(
                try failuresJSONL(evaluated.failures), to: staging + "/" + ShardSet.File.failures)
            clock.lap("write predictions")
            try EvaluationOutput.write(
                document, evaluation: evaluated.evaluation, dataset: evaluated.dataset,
                predictions: evaluated.predictions, images: images, into: staging, report: report,
                thumbnails: thumbnails, allowOutsideRoot: groundTruth.allowOutsideRoot, clock: &clock)
        }
        EvaluationOutput.show(
            document, dataset: evaluated.dataset, images: images, out: folder.path,
            diagnostics: truth.diagnostics.map { "\($0)" }, quiet: quiet, report: report,
            allowOutsideRoot: groundTruth.allowOutsideRoot)
        return failures
    }

    /// Writes one shard's answers and its manifest, which marks the shard complete, as one set.
    ///
    /// - Parameters:
    ///   - answers: what the pipeline answered on the shard's images.
    ///   - shard: which shard.
    ///   - dataset: the whole ground truth.
    ///   - part: the shard's images of it.
    ///   - groundTruthCrops: whether the classifier scored the ground-truth crops.
    /// - Throws: ``MaskBenchReport/ReportError`` or ``FormatError`` naming a file that could not be written.
    static func writeShard(
        _ answers: PipelineRun.Answers,
        summary: Summary,
        shard: Shard,
        dataset: Dataset,
        part: Dataset,
        groundTruthCrops: Bool,
        folder: OutputFolder
    ) throws -> ShardManifest {
        let manifest = ShardManifest(
            shard: shard,
            pipeline: .init(
                name: summary.pipeline, fingerprint: summary.pipelineFingerprint,
                models: summary.models),
            dataset: .init(fingerprint: dataset.fingerprint(), count: dataset.images.count),
            images: .init(fingerprint: part.fingerprint(), count: part.images.count),
            groundTruthCrops: groundTruthCrops,
            counts: .init(
                computed: summary.computed, cached: summary.cached, failed: answers.failures.count,
                faces: answers.predictions.count),
            tool: .init(name: "maskbench", version: MaskBenchCommand.version)
        )
        try folder.replaceSet(of: names) { staging in
            try PredictionJSONL.write(answers.predictions, toFile: staging + "/" + ShardSet.File.predictions)
            try AtomicFile.write(try failuresJSONL(answers.failures), to: staging + "/" + ShardSet.File.failures)
            if groundTruthCrops {
                try AtomicFile.write(
                    try RunAnswerFiles.encodeCropScores(answers.cropScores), to: staging + "/" + ShardSet.File.crops)
            }
            try AtomicFile.write(try manifest.encoded(), to: staging + "/" + ShardSet.File.manifest)
        }
        return manifest
    }

    /// `failures.jsonl`'s text.
    private static func failuresJSONL(_ failures: [PipelineRun.FailedImage]) throws -> Data {
        try RunAnswerFiles.encodeFailures(failures.map { RunAnswerFiles.Failure(image: $0.image, reason: $0.reason) })
    }
}
