import Dispatch
import Foundation
package import MaskBenchCore
package import MaskBenchImaging

/// `maskbench run` as one library call: a pipeline over every image of a ground truth, then the evaluation of
/// what it answered.
///
/// The caller reads the ground truth, makes the pipeline and writes the outputs. A run builds the items (each
/// image's path under the images folder, with its ground-truth boxes when the classifier also scores the
/// ground-truth crops), opens the cache, runs the ``PipelineRunner``, and evaluates the images that did not
/// fail: detector and pipeline with ``MaskBenchCore/Evaluator``, the classifier alone with
/// ``GroundTruthCropsEvaluation``. Images that failed are listed with their reason and left out of the numbers.
package struct PipelineRun: Sendable {
    /// The ground truth.
    package let dataset: Dataset
    /// One item per image of ``dataset``, in its order.
    package let items: [RunItem]
    /// The threshold, matching and bootstrap of the evaluation.
    package var settings: EvaluationSettings
    /// How many workers run at once.
    package var workers = ProcessInfo.processInfo.activeProcessorCount
    /// The cache folder; `nil` neither reads nor writes cached results.
    package var cacheDirectory: String?
    /// Progress display; `nil` shows nothing.
    package var progress: RunProgress?
    /// Asked to stop by Ctrl-C; the run then returns without an evaluation.
    package var stop = RunStop()
    /// Whether the run evaluates what the pipeline answered; a shard of a sharded run does not (the merge does).
    package var evaluates = true

    /// Prepares a run over the images of `dataset`, before any image or model is read.
    ///
    /// - Parameters:
    ///   - images: where the images are; a name may not leave it unless the root allows it.
    ///   - classifiesGroundTruthCrops: whether the classifier also scores every ground-truth face alone
    ///     (`classifier.groundTruthCrops`); `maskbench run --no-crops` turns it off.
    /// - Throws: ``MaskBenchImaging/ImagingError`` naming the annotation file and the image when a name
    ///   leaves the images folder.
    package init(
        dataset: Dataset,
        images: ImageRoot,
        settings: EvaluationSettings,
        classifiesGroundTruthCrops: Bool = true
    ) throws {
        self.dataset = dataset
        self.settings = settings
        items = try dataset.images.map { image in
            RunItem(
                name: image.name, path: try images.path(ofImage: image.name),
                groundTruthBoxes: classifiesGroundTruthCrops ? image.faces.map(\.box) : [])
        }
    }

    /// Runs `pipeline` over every item, then evaluates what it answered (unless ``evaluates`` is off).
    ///
    /// The workers run on threads of their own (``PipelineRunner/run(_:on:)``); cancelling the calling task
    /// stops the run as ``stop`` does.
    ///
    /// - Throws: ``RunnerError`` when the cache cannot be opened or a worker cannot be made: before any image.
    package func run(_ pipeline: any PipelineDefinition) async throws -> Result {
        var phases = PhaseTimes()
        let cache = try cacheDirectory.map { try PredictionCache(directory: $0, fingerprint: pipeline.fingerprint) }
        let runner = PipelineRunner(workers: workers, cache: cache, progress: progress, stop: stop)
        let report = try await runner.run(pipeline, on: items)
        phases.lap("run \(items.count) images")
        var result = Result(
            report: report, cacheSkippedLines: cache?.skippedLines ?? 0, answers: nil, evaluated: nil, phases: [])
        if !report.interrupted {
            let answers = Self.answers(report, items: items)
            result.answers = answers
            if evaluates {
                result.evaluated = Self.evaluate(answers, of: dataset, settings: settings) { phases.lap($0) }
            }
        }
        result.phases = phases.laps
        return result
    }

    /// The faces and crop scores of the images `report` has answers for, and the images that failed.
    private static func answers(_ report: RunReport, items: [RunItem]) -> Answers {
        var byImage: [String: [Prediction]] = [:]
        var cropScores: [String: [Double]] = [:]
        var failures: [FailedImage] = []
        for (item, outcome) in zip(items, report.outcomes) {
            guard let outcome else { continue }
            if case .failed(let reason) = outcome {
                failures.append(FailedImage(image: item.name, reason: reason))
                continue
            }
            guard let result = outcome.result else { continue }
            byImage[item.name] = result.faces.map {
                Prediction(box: $0.box, faceScore: $0.faceScore, maskScore: $0.maskScore)
            }
            if let scores = result.cropMaskScores { cropScores[item.name] = scores }
        }
        return Answers(predictions: PredictionSet(byImage: byImage), cropScores: cropScores, failures: failures)
    }

    /// The evaluation of `answers` on `dataset` without the failed images: what `maskbench run` reports, and
    /// what `maskbench merge` reports from the answers of every shard.
    ///
    /// - Parameter lap: called with `evaluate` after the detector and pipeline metrics and with
    ///   `classifier on crops` after the classifier's.
    package static func evaluate(
        _ answers: Answers, of dataset: Dataset, settings: EvaluationSettings, lap: (String) -> Void = { _ in }
    ) -> Evaluated {
        let failedNames = Set(answers.failures.map(\.image))
        let evaluated = Dataset(images: dataset.images.filter { !failedNames.contains($0.name) })
        let evaluation = Evaluator(settings: settings).evaluate(evaluated, answers.predictions)
        lap("evaluate")
        let crops = GroundTruthCropsEvaluation.evaluate(evaluated, scores: answers.cropScores, settings: settings)
        lap("classifier on crops")
        return Evaluated(answers: answers, dataset: evaluated, evaluation: evaluation, groundTruthCrops: crops)
    }
}

// MARK: - Results

extension PipelineRun {
    /// An image the pipeline could not answer, and why.
    package struct FailedImage: Sendable, Hashable {
        /// The image's name in the ground truth.
        package var image: String
        /// The error's description.
        package var reason: String

        /// The failure of `image` for `reason`.
        package init(image: String, reason: String) {
            self.image = image
            self.reason = reason
        }
    }

    /// What the pipeline answered: a run's, or the union of a sharded run's shards.
    package struct Answers: Sendable {
        /// The faces each image's pipeline answer holds (failed images have none).
        package var predictions: PredictionSet
        /// Each answered image's ground-truth crop scores, when the classifier scored them.
        package var cropScores: [String: [Double]]
        /// The images that failed, in ground-truth order.
        package var failures: [FailedImage]

        /// Answers made of these parts.
        package init(predictions: PredictionSet, cropScores: [String: [Double]], failures: [FailedImage]) {
            self.predictions = predictions
            self.cropScores = cropScores
            self.failures = failures
        }
    }

    /// What the pipeline answered and how it scored, for the images that did not fail.
    package struct Evaluated: Sendable {
        /// What the pipeline answered.
        package var answers: Answers
        /// The ground truth without the failed images: what was evaluated.
        package var dataset: Dataset
        /// Detector, pipeline and classifier on the detected faces.
        package var evaluation: Evaluation
        /// The classifier on the ground-truth crops; `nil` when no image has crop scores.
        package var groundTruthCrops: GroundTruthCropsEvaluation?

        /// ``Answers/predictions``.
        package var predictions: PredictionSet { answers.predictions }
        /// ``Answers/failures``.
        package var failures: [FailedImage] { answers.failures }
    }

    /// What a run did.
    package struct Result: Sendable {
        /// Every image's outcome and the computed and cached counts.
        package var report: RunReport
        /// Complete lines of the cache that could not be read when it was opened.
        package var cacheSkippedLines: Int
        /// What the pipeline answered; `nil` when the run was stopped before every image was done.
        package var answers: Answers?
        /// The evaluation; `nil` when the run was stopped before every image was done, or does not evaluate.
        package var evaluated: Evaluated?
        /// How long each phase took, in order: its name and nanoseconds.
        package var phases: [(name: String, nanoseconds: UInt64)]
    }

    /// Lap times of a run's phases.
    private struct PhaseTimes {
        var laps: [(name: String, nanoseconds: UInt64)] = []
        private var last = DispatchTime.now().uptimeNanoseconds

        mutating func lap(_ name: String) {
            let now = DispatchTime.now().uptimeNanoseconds
            laps.append((name, now - last))
            last = now
        }
    }
}
