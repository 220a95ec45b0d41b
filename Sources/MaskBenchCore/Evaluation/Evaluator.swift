import Foundation
import Synchronization

/// Computes an ``Evaluation`` from a dataset and predictions.
///
/// Pure and deterministic: the same inputs and settings give the same numbers, bootstrap intervals
/// included (they are seeded). Predictions for images not in the dataset are ignored here; readers and
/// the CLI decide whether they are an error.
public struct Evaluator: Sendable {
    public var settings: EvaluationSettings

    public init(settings: EvaluationSettings = EvaluationSettings()) {
        self.settings = settings
    }

    /// Runs `first` and `second` at the same time (on two cores when there are) and returns both results.
    static func inParallel<A: Sendable, B: Sendable>(
        _ first: @Sendable () -> A, _ second: @Sendable () -> B
    ) -> (A, B) {
        let results = Mutex<(A?, B?)>((nil, nil))
        DispatchQueue.concurrentPerform(iterations: 2) { task in
            if task == 0 {
                let a = first()
                results.withLock { $0.0 = a }
            } else {
                let b = second()
                results.withLock { $0.1 = b }
            }
        }
        guard case let (a?, b?) = results.withLock({ $0 }) else {
            preconditionFailure("concurrentPerform returned before both tasks ran")
        }
        return (a, b)
    }

    /// Evaluates `predictions` against `dataset`.
    public func evaluate(_ dataset: Dataset, _ predictions: PredictionSet) -> Evaluation {
        let policy = settings.incorrectAs
        let threshold = settings.threshold
        let classes = policy.classes

        let joined = matchAll(dataset, predictions)
        let outcomes = joined.outcomes
        let extras = joined.extras
        let facesPerImage = joined.facesPerImage
        let predictionCount = joined.predictionCount
        let matchedPredictions = joined.matchedPredictions
        let capped = joined.capped
        let cappedLists = capped ? cappedEntries(dataset, predictions) : nil
        let faceTotal = facesPerImage.reduce(0, +)
        let imageCount = dataset.images.count

        // The detector's metrics and the pipeline's do not depend on each other: both at once.
        let (detection, outcome) = Self.inParallel(
            { detectionPart(joined, capped: cappedLists, images: imageCount) },
            { outcomePart(outcomes, extras) }
        )
        let ranked = detection.ranked
        let rankedImages = detection.rankedImages
        let rankedCapped = detection.rankedCapped
        let rankedCappedImages = detection.rankedCappedImages
        let ap = detection.ap

        // MARK: Pipeline

        let outcomeCounts = outcome.outcomeCounts
        let confusion = outcome.confusion
        func byClass(_ values: [Int]) -> [FaceClass: Int] {
            Dictionary(uniqueKeysWithValues: zip(classes, values).filter { $0.1 > 0 })
        }
        let classOutcomes = Dictionary(uniqueKeysWithValues: zip(classes, outcomeCounts))
        let missedByClass = byClass(outcome.missedCounts)
        let extrasByCall = byClass(outcome.extraCounts)
        let unmasked = outcomeCounts[FaceClass.unmasked.index]
        let masked = outcomeCounts[FaceClass.masked.index]
        let pipelineROC = outcome.pipelineROC
        let matchedROC = outcome.matchedROC
        let truePositives = faceTotal - missedByClass.values.reduce(0, +)

        // MARK: Bootstrap

        let pipelineSorted = outcome.pipelineSorted
        let matchedSorted = outcome.matchedSorted
        let faceCounts = facesPerImage
        // The APs' replicates go through the function of their point estimates, on the same lists: VOC and
        // 11-point on every detection, COCO within the per-image cap.
        let intervals = settings.bootstrap.intervals(imageCount: imageCount, count: 5) { subset in
            // The lists of the subset's images only, when the bag of little bootstraps asks for a subset.
            let (ranked, rankedImages) = ranked.restricted(to: subset, images: rankedImages)
            let (rankedCapped, rankedCappedImages) =
                capped ? rankedCapped.restricted(to: subset, images: rankedCappedImages) : (ranked, rankedImages)
            let pipelineSorted = pipelineSorted.restricted(to: subset)
            let matchedSorted = matchedSorted.restricted(to: subset)
            let faceCounts = subset.map { $0.images.map { faceCounts[Int($0)] } } ?? faceCounts
            var scratch: [AveragePrecisions.Point] = []
            return { weights in
                var positives = Bootstrap.Lanes.zero
                for (w, n) in zip(weights, faceCounts) { positives += w * Double(n) }
                let ap = ranked.weightedAveragePrecisions(
                    positives: positives,
                    images: rankedImages,
                    imageWeights: weights,
                    scratch: &scratch
                )
                let cappedAP =
                    capped
                    ? rankedCapped.weightedAveragePrecisions(
                        positives: positives,
                        images: rankedCappedImages,
                        imageWeights: weights,
                        scratch: &scratch
                    ) : ap
                return [
                    pipelineSorted.weightedAUC(imageWeights: weights),
                    matchedSorted.weightedAUC(imageWeights: weights),
                    ap.allPoint,
                    ap.elevenPoint,
                    cappedAP.coco,
                ]
            }
        }
        func interval(_ value: Double?, _ k: Int) -> Estimate {
            Estimate(value: value, low: intervals[k]?.low, high: intervals[k]?.high)
        }

        let detector = DetectorMetrics(
            truePositives: truePositives,
            falsePositives: extras.count,
            falseNegatives: faceTotal - truePositives,
            ignoredDetections: joined.ignoredDetections,
            precision: Rate(matchedPredictions, of: predictionCount - joined.ignoredDetections),
            recall: Rate(truePositives, of: faceTotal),
            missed: missedByClass,
            ap: ap,
            apVOCInterval: interval(ap.voc, 2),
            apElevenPointInterval: interval(ap.elevenPoint, 3),
            apCOCOInterval: interval(ap.coco, 4),
            apPerClass: detection.apPerClass,
            apMeanOverClasses: detection.apMean,
            precisionAtRecall: detection.precisionAtRecall,
            froc: detection.froc,
            logAverageMissRate: detection.logAverageMissRate
        )
        let pipeline = PipelineMetrics(
            threshold: threshold,
            tnr: Rate(unmasked.correct, of: unmasked.groundTruth),
            fnr: Rate(masked.groundTruth - masked.correct - masked.missed, of: masked.groundTruth),
            outcomes: classOutcomes,
            extraDetections: extras.count,
            falseAlarms: extras.filter { $0.call != .masked }.count,
            extraDetectionsByCall: extrasByCall,
            roc: pipelineROC,
            auc: interval(pipelineROC?.auc, 0),
            sweep: outcome.sweep
        )
        let classifier = ClassifierMetrics(
            accuracy: Rate(confusion.diagonal, of: confusion.total),
            confusion: confusion,
            roc: matchedROC,
            auc: interval(matchedROC?.auc, 1)
        )
        let annotated = dataset.faceCounts(ignoreRegions: settings.matching.ignoreRegions)
        return Evaluation(
            settings: settings,
            images: imageCount,
            annotatedFaces: annotated.faces,
            ignoredRegions: annotated.ignored,
            predictions: predictionCount,
            outcomes: outcomes,
            extras: extras,
            detector: detector,
            pipeline: pipeline,
            matchedClassifier: classifier
        )
    }

    // MARK: - Helpers

    static func mean(_ values: [Double]) -> Double? {
        values.isEmpty ? nil : values.reduce(0, +) / Double(values.count)
    }

    /// The ROC curve when both classes are present; otherwise it is undefined.
    static func curve(_ scores: [Double], _ labels: [Bool]) -> ROCCurve? {
        let curve = ROCCurve(scores: scores, labels: labels)
        return curve.positives > 0 && curve.negatives > 0 ? curve : nil
    }
}
