import Foundation
import MaskBenchCore
import MaskBenchTestSupport
import Testing

/// scikit-learn 1.9.1 `roc_curve` / `auc` on vectors with ties (Scripts/make-roc-vectors.py).
struct ROCVector: Decodable, Sendable, CustomTestStringConvertible {
    var name: String
    var labels: [Int]
    var scores: [Double]
    var fpr: [Double]
    var tpr: [Double]
    var thresholds: [Double?]
    var fprAll: [Double]
    var tprAll: [Double]
    var thresholdsAll: [Double?]
    var auc: Double

    var testDescription: String { name }

    static let all: [ROCVector] = {
        struct File: Decodable { var cases: [ROCVector] }
        let url = Fixtures.packageRoot.appendingPathComponent("Tests/MaskBenchCoreTests/Vectors/roc_vectors.json")
        guard let data = try? Data(contentsOf: url), let file = try? JSONDecoder().decode(File.self, from: data)
        else { return [] }
        return file.cases
    }()
}

@Suite struct ROCCurveTests {
    @Test func vectorsAreLoaded() {
        #expect(ROCVector.all.count == 9)
    }

    @Test(arguments: ROCVector.all)
    func curveAndAUCEqualScikitLearn(vector: ROCVector) {
        let labels = vector.labels.map { $0 == 1 }
        for (drop, fpr, tpr, thresholds) in [
            (true, vector.fpr, vector.tpr, vector.thresholds),
            (false, vector.fprAll, vector.tprAll, vector.thresholdsAll),
        ] {
            let curve = ROCCurve(scores: vector.scores, labels: labels, dropIntermediate: drop)
            #expect(curve.falsePositiveRates.count == fpr.count)
            #expect(zip(curve.falsePositiveRates, fpr).allSatisfy { $0.isClose(to: $1, absolute: 1e-15) })
            #expect(zip(curve.truePositiveRates, tpr).allSatisfy { $0.isClose(to: $1, absolute: 1e-15) })
            #expect(curve.thresholds.map { $0.isFinite ? $0 : nil } == thresholds)
            // Summed pairwise as numpy sums, the area is scikit-learn's to the last bit.
            #expect(curve.auc == vector.auc)
        }
    }

    @Test(arguments: ROCVector.all)
    func weightedAUCWithUnitWeightsIsTheAUC(vector: ROCVector) {
        // Every sample in an image of its own, every image weighted 1.
        let sorted = SortedScores(
            scores: vector.scores, labels: vector.labels.map { $0 == 1 }, images: Array(vector.scores.indices))
        let auc = sorted.weightedAUC(imageWeights: Array(repeating: .one, count: vector.scores.count))
        #expect(auc[0].isClose(to: vector.auc, absolute: 1e-12))
    }

    @Test func aucIsUndefinedWithoutBothClasses() {
        #expect(ROCCurve(scores: [0.1, 0.9], labels: [true, true]).auc == nil)
    }
}
