import MaskBenchCore

/// The detector's detections as a run's records hold them: each found face a true positive at its matched
/// prediction's faceScore, each extra detection a false positive. Predictions matched to an ignore region
/// are in neither table and take no part, as in the evaluator's AP.
///
/// The one way `faces.csv` and `extras.csv` become AP input: the records check recomputes the run's AP from
/// it (``MetricsDocument/disagreements(faces:extras:)``) and the gate's paired AP bootstrap resamples it.
public struct RecordedDetections: Sendable, Hashable {
    public var scores: [Double] = []
    public var truePositives: [Bool] = []
    public var images: [Int] = []
    /// The image of each ground-truth face.
    public var positives: [Int] = []

    public init() {}

    /// The detections of `faces` (ignore regions left out) and `extras`, each on the image `image` numbers;
    /// the rows of images it gives no number are left out.
    package init(faces: [FaceRecord], extras: [ExtraRecord], image: (String) -> Int?) {
        for face in faces where !face.ignored {
            guard let index = image(face.image) else { continue }
            positives.append(index)
            if let score = face.faceScore { append(score: score, truePositive: true, image: index) }
        }
        for extra in extras {
            guard let index = image(extra.image) else { continue }
            append(score: extra.faceScore, truePositive: false, image: index)
        }
    }

    package mutating func append(score: Double, truePositive: Bool, image: Int) {
        scores.append(score)
        truePositives.append(truePositive)
        images.append(image)
    }

    /// The order of detections with equal scores.
    package enum Ties: Sendable {
        /// Input order.
        case inInputOrder
        /// True positives before false positives (the highest AP any order of the ties gives).
        case truePositivesFirst
        /// False positives before true positives (the lowest).
        case falsePositivesFirst
    }

    /// Ranked by descending score, ties ordered by `ties`, as AP ranks them.
    package func ranked(ties: Ties = .inInputOrder) -> (RankedDetections, images: [Int32]) {
        let order = scores.indices.sorted { a, b in
            guard scores[a] == scores[b] else { return scores[a] > scores[b] }
            switch ties {
            case .truePositivesFirst where truePositives[a] != truePositives[b]: return truePositives[a]
            case .falsePositivesFirst where truePositives[a] != truePositives[b]: return truePositives[b]
            default: return a < b
            }
        }
        return (
            RankedDetections(
                isTruePositive: order.map { truePositives[$0] }, scores: order.map { scores[$0] },
                positives: positives.count),
            order.map { Int32(truncatingIfNeeded: images[$0]) }
        )
    }
}
