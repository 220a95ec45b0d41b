/// The mask classifier alone on the ground-truth face crops, independent of the detector (seed 001's
/// "classifier evaluated separately" numbers).
///
/// Each annotated face is one sample: its truth is its label under ``EvaluationSettings/incorrectAs``, its call
/// is masked when the crop's maskScore is at or above the threshold, unmasked otherwise (a score never calls
/// `incorrect`). Ignore regions (COCO crowd regions, VOC difficult faces) are not faces and are left out, unless
/// ``MatchingSettings/ignoreRegions`` counts them as faces. The ROC treats masked as the positive class. AUC
/// carries a bootstrap interval over images, as the matched-detection numbers do. Images the pipeline failed on,
/// or answered without crop scores, are left out.
public struct GroundTruthCropsEvaluation: Sendable, Hashable {
    /// Crops scored.
    public var faces: Int
    /// Crops called as their truth.
    public var accuracy: Rate
    /// `confusion[truth, call]`.
    public var confusion: ConfusionMatrix
    /// `nil` unless both masked and not-masked crops are present.
    public var roc: ROCCurve?
    /// The area under ``roc`` with its interval.
    public var auc: Estimate

    /// Evaluates the crop scores of the images in `dataset`.
    ///
    /// - Parameters:
    ///   - scores: for each image name, one maskScore per face of the image, in the dataset's face order.
    ///   - settings: the threshold, the incorrect policy and the bootstrap.
    /// - Returns: `nil` when no image has crop scores.
    public static func evaluate(
        _ dataset: Dataset,
        scores: [String: [Double]],
        settings: EvaluationSettings
    ) -> GroundTruthCropsEvaluation? {
        let classes = settings.incorrectAs.classes
        var confusion = ConfusionMatrix(classes: classes)
        var samples: [(score: Double, positive: Bool, image: Int)] = []
        var imageCount = 0
        let ignoring = settings.matching.ignoreRegions == .ignore
        for image in dataset.images {
            guard let crops = scores[image.name], crops.count == image.faces.count else { continue }
            for (face, score) in zip(image.faces, crops) where !ignoring || face.ignoreRegion == nil {
                let truth = settings.incorrectAs.resolve(face.label)
                let call: FaceClass = score >= settings.threshold ? .masked : .unmasked
                if let t = classes.firstIndex(of: truth), let c = classes.firstIndex(of: call) {
                    confusion.counts[t][c] += 1
                }
                samples.append((score, truth == .masked, imageCount))
            }
            imageCount += 1
        }
        guard imageCount > 0 else { return nil }
        let roc = ROCCurve(scores: samples.map(\.score), labels: samples.map(\.positive))
        let hasBoth = roc.positives > 0 && roc.negatives > 0
        let sorted = SortedScores(
            scores: samples.map(\.score), labels: samples.map(\.positive), images: samples.map(\.image))
        let interval =
            hasBoth
            ? settings.bootstrap.intervals(imageCount: imageCount, count: 1) { subset in
                let sorted = sorted.restricted(to: subset)
                return { weights in [sorted.weightedAUC(imageWeights: weights)] }
            }[0] : nil
        return GroundTruthCropsEvaluation(
            faces: samples.count,
            accuracy: Rate(confusion.diagonal, of: confusion.total),
            confusion: confusion,
            roc: hasBoth ? roc : nil,
            auc: Estimate(value: hasBoth ? roc.auc : nil, low: interval?.low, high: interval?.high)
        )
    }
}
