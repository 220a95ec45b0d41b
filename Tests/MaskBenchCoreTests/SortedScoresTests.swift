import MaskBenchCore
import MaskBenchTestSupport
import Testing

/// The bootstrap's SIMD weighted AUC (``SortedScores/weightedAUC(imageWeights:)``) against values computed
/// another way: scikit-learn's weighted AUC, and the Mann-Whitney statistic summed pair by pair.
@Suite struct SortedScoresTests {
    /// Twelve samples over five images, with ties across labels and images.
    static let scores = [0.9, 0.8, 0.8, 0.7, 0.6, 0.6, 0.6, 0.4, 0.35, 0.3, 0.2, 0.1]
    static let labels = [true, true, false, true, false, true, false, true, false, false, true, false]
    static let images = [0, 1, 2, 0, 3, 4, 1, 2, 4, 0, 3, 1]

    /// Image weights and `sklearn.metrics.roc_auc_score(labels, scores, sample_weight=[w[i] for i in
    /// images])`, scikit-learn 1.9.1, computed once.
    static let cases: [(weights: [Double], auc: Double)] = [
        ([1, 1, 1, 1, 1], 0.6805555555555556),
        ([2, 0, 1, 1, 1], 0.7),
        ([0, 3, 0, 1, 1], 0.825),
        ([1, 1, 0, 0, 3], 0.9583333333333334),
        ([5, 0, 0, 0, 0], 1.0),
    ]

    @Test func weightedAUCEqualsScikitLearnsWithSampleWeightsInEveryLane() {
        let sorted = SortedScores(scores: Self.scores, labels: Self.labels, images: Self.images)
        // Each case once in each lane, the other lanes holding other cases.
        for shift in 0..<Self.cases.count {
            let chosen = (0..<4).map { Self.cases[($0 + shift) % Self.cases.count] }
            let weights = (0..<5).map { i in Bootstrap.Lanes(chosen.map { $0.weights[i] }) }
            let auc = sorted.weightedAUC(imageWeights: weights)
            for lane in 0..<4 {
                #expect(auc[lane].isClose(to: chosen[lane].auc, absolute: 1e-15), "lane \(lane), shift \(shift)")
            }
        }
    }

    @Test func aLaneWithoutBothClassesIsNaN() {
        let sorted = SortedScores(scores: [0.9, 0.5, 0.2], labels: [true, false, true], images: [0, 1, 2])
        let auc = sorted.weightedAUC(imageWeights: [[1, 0, 2, 1], [1, 0, 0, 1], [1, 3, 1, 0]])
        #expect(auc[0] == 0.5)
        #expect(auc[1].isNaN && auc[2].isNaN)
        #expect(auc[3] == 1)
    }

    /// Every replicate of a bootstrap equals the weighted Mann-Whitney statistic of that replicate's draws,
    /// summed over every positive-negative pair (a tie counting one half): an independent computation on
    /// the same images.
    @Test func bootstrapReplicatesAreTheMannWhitneyStatisticOfTheirDraws() {
        var rng = SplitMix64(seed: 99)
        let count = 300
        let imageCount = 40
        // Scores on a coarse grid, so that ties are common.
        let scores = (0..<count).map { _ in Double(rng.next() % 20) / 20 }
        let labels = (0..<count).map { _ in rng.next() % 3 != 0 }
        let images = (0..<count).map { _ in Int(rng.next() % UInt64(imageCount)) }
        let sorted = SortedScores(scores: scores, labels: labels, images: images)
        let bootstrap = Bootstrap(samples: 103, seed: 5)
        let replicates = bootstrap.replicates(imageCount: imageCount, count: 1) {
            { weights in [sorted.weightedAUC(imageWeights: weights)] }
        }[0]
        #expect(replicates.count == 103)
        for (r, value) in replicates.enumerated() {
            var weights = [Double](repeating: 0, count: imageCount)
            Bootstrap.draw(replicate: r, seed: 5, imageCount: imageCount) { weights[$0] += 1 }
            var concordant = 0.0
            var positives = 0.0
            var negatives = 0.0
            for i in 0..<count {
                let wi = weights[images[i]]
                if labels[i] { positives += wi } else { negatives += wi }
                guard labels[i] else { continue }
                for j in 0..<count where !labels[j] {
                    let pair = wi * weights[images[j]]
                    concordant += scores[i] > scores[j] ? pair : scores[i] == scores[j] ? pair / 2 : 0
                }
            }
            #expect(value.isClose(to: concordant / (positives * negatives), absolute: 1e-12), "replicate \(r)")
        }
        // The interval is the percentiles of those replicates.
        let interval = bootstrap.intervals(imageCount: imageCount, count: 1) { _ in
            { weights in [sorted.weightedAUC(imageWeights: weights)] }
        }[0]
        let ordered = replicates.sorted()
        #expect(interval?.low == Bootstrap.percentile(ordered, 0.025))
        #expect(interval?.high == Bootstrap.percentile(ordered, 0.975))
    }
}
