/// Scores from highest to lowest with their labels and images: what the bootstrap's AUC needs.
package struct SortedScores: Sendable {
    package var scores: [Double]
    package var labels: [Bool]
    package var images: [Int32]

    /// Sorts the samples by descending score (stable: equal scores keep their input order).
    ///
    /// - Parameters:
    ///   - scores: one score per sample.
    ///   - labels: whether each sample is a positive.
    ///   - images: the image (bootstrap unit) of each sample.
    package init(scores: [Double], labels: [Bool], images: [Int]) {
        let order = ScoreSort.descendingOrder(scores)
        self.scores = order.map { scores[Int($0)] }
        self.labels = order.map { labels[Int($0)] }
        self.images = order.map { Int32(truncatingIfNeeded: images[Int($0)]) }
    }

    /// The area under the ROC curve of four bootstrap replicates at once, each sample weighted by its
    /// image's weight in the lane; NaN in a lane without positives or negatives.
    ///
    /// One pass over the samples, a run of equal scores at a time: the weighted Mann-Whitney statistic (a
    /// positive above a negative counts 1, a tie one half), which is the trapezoidal AUC, over the weighted
    /// positives times the weighted negatives. With every weight 1 it is ``ROCCurve/auc`` (up to rounding).
    package func weightedAUC(imageWeights: [Bootstrap.Lanes]) -> Bootstrap.Lanes {
        var tp = Bootstrap.Lanes.zero
        var fp = Bootstrap.Lanes.zero
        var area = Bootstrap.Lanes.zero
        scores.withUnsafeBufferPointer { score in
            labels.withUnsafeBufferPointer { label in
                images.withUnsafeBufferPointer { image in
                    imageWeights.withUnsafeBufferPointer { weight in
                        var k = 0
                        while k < score.count {
                            var dtp = Bootstrap.Lanes.zero
                            var dfp = Bootstrap.Lanes.zero
                            let s = score[k]
                            while k < score.count, score[k] == s {
                                // Branch-free: labels are as good as random, a branch would mispredict.
                                let w = weight[Int(image[k])]
                                let positive = w * (label[k] ? 1 : 0)
                                dtp += positive
                                dfp += w - positive
                                k += 1
                            }
                            area += dfp * (tp + dtp * 0.5)
                            tp += dtp
                            fp += dfp
                        }
                    }
                }
            }
        }
        let auc = area / (tp * fp)
        return auc.replacing(with: .nan, where: (tp .== 0) .| (fp .== 0))
    }
}
