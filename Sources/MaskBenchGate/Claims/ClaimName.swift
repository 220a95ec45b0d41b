/// A count a README can state, named by its field in `metrics.json`.
///
/// `detector.faces` is the number of ground-truth faces the detector paragraph counts (in `metrics.json`,
/// `detector.truePositives + detector.falseNegatives`, the recall's total).
public enum CountName: String, Sendable, Hashable, CaseIterable, Comparable {
    case images = "dataset.images"
    case faces = "dataset.faces.total"
    case maskedFaces = "dataset.faces.masked"
    case unmaskedFaces = "dataset.faces.unmasked"
    case detectorFaces = "detector.faces"
    case truePositives = "detector.truePositives"
    case falsePositives = "detector.falsePositives"
    case falseNegatives = "detector.falseNegatives"
    case missedMasked = "detector.missed.masked"
    case missedUnmasked = "detector.missed.unmasked"
    case maskedGroundTruth = "pipeline.outcomes.masked.groundTruth"
    case maskedCorrect = "pipeline.outcomes.masked.correct"
    case maskedWrong = "pipeline.outcomes.masked.wrong"
    case maskedMissed = "pipeline.outcomes.masked.missed"
    case unmaskedGroundTruth = "pipeline.outcomes.unmasked.groundTruth"
    case unmaskedCorrect = "pipeline.outcomes.unmasked.correct"
    case unmaskedWrong = "pipeline.outcomes.unmasked.wrong"
    case unmaskedMissed = "pipeline.outcomes.unmasked.missed"
    case extraDetections = "pipeline.extraDetections.total"
    case extraCalledUnmasked = "pipeline.extraDetections.calledUnmasked"

    /// Orders by declaration, so reports list names in a fixed order.
    public static func < (lhs: CountName, rhs: CountName) -> Bool {
        let all = allCases
        return (all.firstIndex(of: lhs) ?? 0) < (all.firstIndex(of: rhs) ?? 0)
    }
}

/// A rate a README can state, named by its field in `metrics.json`.
///
/// `classifier.groundTruthCrops.accuracy` is the classifier alone on the annotated face crops, as seed 001
/// measured it ("evaluated separately based on our ground-truth annotations"); `maskbench run` measures it
/// too. Claims files may also spell it `classifier.groundTruth.accuracy`, the name version 1 files used.
public enum RateName: String, Sendable, Hashable, CaseIterable {
    case tnr = "pipeline.tnr"
    case fnr = "pipeline.fnr"
    case detectorRecall = "detector.recall"
    case detectorPrecision = "detector.precision"
    case matchedAccuracy = "classifier.matched.accuracy"
    case groundTruthAccuracy = "classifier.groundTruthCrops.accuracy"

    /// A name as a claims file writes it, older spellings included.
    public init?(claimsName: String) {
        self.init(
            rawValue: claimsName == "classifier.groundTruth.accuracy" ? Self.groundTruthAccuracy.rawValue : claimsName)
    }

    /// How reports name the rate.
    public var title: String {
        switch self {
        case .tnr: "TNR"
        case .fnr: "FNR"
        case .detectorRecall: "detector recall"
        case .detectorPrecision: "detector precision"
        case .matchedAccuracy: "classifier accuracy on the detector's faces"
        case .groundTruthAccuracy: "classifier accuracy on the annotated faces"
        }
    }
}
