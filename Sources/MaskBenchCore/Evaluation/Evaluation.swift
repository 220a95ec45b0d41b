/// What happened to one ground-truth face.
public struct FaceOutcome: Sendable, Hashable, Codable {
    /// Index of the image in the dataset.
    public var image: Int
    /// Index of the face within its image.
    public var face: Int
    /// The class the face is evaluated as (after ``IncorrectPolicy``).
    public var truth: FaceClass
    /// The prediction that identified the face (index in that image's predictions), or `nil` if missed.
    public var prediction: Int?
    /// The matched prediction's scores and the pair's IoU.
    public var faceScore: Double?
    public var maskScore: Double?
    public var iou: Double?
    /// What the pipeline called the face at the threshold, or `nil` if missed.
    public var call: FaceClass?
    /// Set when the annotation is an ignore region (and ignore regions are ignored): not a face to find, in
    /// none of the counts. The prediction is then the highest-scoring one matched to the region.
    public var ignoreRegion: IgnoreRegion?

    public var isMissed: Bool { prediction == nil }
}

/// A prediction that matched no ground-truth face.
public struct ExtraDetection: Sendable, Hashable, Codable {
    public var image: Int
    public var prediction: Int
    public var faceScore: Double
    public var maskScore: Double
    public var call: FaceClass
}

/// Seed 001's table row: what happened to the faces of one class.
public struct ClassOutcome: Sendable, Hashable, Codable {
    public var groundTruth: Int
    /// Identified and classified correctly.
    public var correct: Int
    /// Identified but classified wrongly.
    public var wrong: Int
    /// Not identified by the detector.
    public var missed: Int

    public init(groundTruth: Int = 0, correct: Int = 0, wrong: Int = 0, missed: Int = 0) {
        self.groundTruth = groundTruth
        self.correct = correct
        self.wrong = wrong
        self.missed = missed
    }
}

/// Rows are the true class, columns what was called.
public struct ConfusionMatrix: Sendable, Hashable, Codable {
    public var classes: [FaceClass]
    /// `counts[truth][call]`.
    public var counts: [[Int]]

    public init(classes: [FaceClass]) {
        self.classes = classes
        counts = Array(repeating: Array(repeating: 0, count: classes.count), count: classes.count)
    }

    /// The count of faces of class `truth` called `call`; 0 for a class the matrix does not have.
    public subscript(truth: FaceClass, call: FaceClass) -> Int {
        guard truth.index < classes.count, call.index < classes.count else { return 0 }
        return counts[truth.index][call.index]
    }

    public var total: Int { counts.joined().reduce(0, +) }
    public var diagonal: Int { classes.indices.reduce(0) { $0 + counts[$1][$1] } }
}

/// Average precision of one detection task under the three interpolations, and pycocotools' AP over IoU
/// thresholds.
public struct APSummary: Sendable, Hashable, Codable {
    /// VOC every-point, at the matching IoU threshold.
    public var voc: Double?
    /// VOC 2007 11-point, at the matching IoU threshold.
    public var elevenPoint: Double?
    /// pycocotools 101-point (with its per-image detection cap), at the matching IoU threshold.
    public var coco: Double?
    /// pycocotools' headline AP (`stats[0]`): the 101-point AP averaged over the IoU thresholds
    /// 0.50:0.05:0.95, each compared as the matching threshold is (`>`, or `>=` with
    /// ``MatchingSettings/iouInclusive`` as pycocotools does).
    public var coco50to95: Double?
    /// The 101-point AP at IoU 0.75 (pycocotools' `stats[2]`).
    public var coco75: Double?
}

/// A miss rate at a rate of false positives per image.
public struct FROCPoint: Sendable, Hashable, Codable {
    public var falsePositivesPerImage: Double
    public var missRate: Double
    /// The lowest faceScore taken to reach it, `nil` where no threshold gets that few false positives.
    @NullEncoded public var threshold: Double?
}

/// The face detector's numbers, class-agnostic unless said otherwise.
public struct DetectorMetrics: Sendable, Hashable, Codable {
    public var truePositives: Int
    public var falsePositives: Int
    public var falseNegatives: Int
    /// Predictions matched to an ignore region: neither true nor false positives, left out of precision.
    public var ignoredDetections: Int
    public var precision: Rate
    public var recall: Rate
    /// Faces not found, by the class they are evaluated as.
    public var missed: [FaceClass: Int]
    /// Class-agnostic AP, with bootstrap intervals on the VOC, 11-point and COCO values at the matching IoU.
    public var ap: APSummary
    public var apVOCInterval: Estimate
    public var apElevenPointInterval: Estimate
    public var apCOCOInterval: Estimate
    /// Class-aware AP (a prediction's class is its call at the threshold), per class and the mean over
    /// classes that have faces, as pycocotools reports it.
    public var apPerClass: [FaceClass: APSummary]
    public var apMeanOverClasses: APSummary
    /// Precision at the 101 COCO recall levels (`linspace(0, 1, 101)`).
    public var precisionAtRecall: [Double]
    /// Miss rate against false positives per image, at 1/100 … 1 (nine log-spaced points) and more.
    public var froc: [FROCPoint]
    /// Caltech-style log-average miss rate over the nine FPPI points in `[0.01, 1]`.
    public var logAverageMissRate: Double?
}

/// TNR, FNR and false alarms at one classifier threshold.
public struct SweepTable: Sendable, Hashable, Codable {
    public var thresholds: [Double]
    public var tnr: [Double?]
    public var fnr: [Double?]
    public var falseAlarms: [Int]
}

/// The whole pipeline's numbers at the threshold.
public struct PipelineMetrics: Sendable, Hashable, Codable {
    public var threshold: Double
    /// Unmasked faces found and called unmasked, over all unmasked faces (missed faces are failures).
    public var tnr: Rate
    /// Masked faces found and called unmasked, over all masked faces.
    public var fnr: Rate
    public var outcomes: [FaceClass: ClassOutcome]
    public var extraDetections: Int
    /// Extra detections called unmasked: false alarms.
    public var falseAlarms: Int
    public var extraDetectionsByCall: [FaceClass: Int]
    /// One point per face; score = matched maskScore, missed faces per ``EvaluationSettings/missedFaceScore``.
    public var roc: ROCCurve?
    public var auc: Estimate
    public var sweep: SweepTable
}

/// The mask classifier's numbers on the faces the detector found.
public struct ClassifierMetrics: Sendable, Hashable, Codable {
    public var accuracy: Rate
    public var confusion: ConfusionMatrix
    public var roc: ROCCurve?
    public var auc: Estimate
}

/// Everything computed from one ground truth and one set of predictions.
public struct Evaluation: Sendable, Hashable, Codable {
    public var settings: EvaluationSettings
    public var images: Int
    /// Faces to find per annotated class (before ``IncorrectPolicy``; ignore regions apart, unless counted).
    public var annotatedFaces: [FaceClass: Int]
    /// Ignore regions in the ground truth (0 when ``MatchingSettings/ignoreRegions`` counts them as faces).
    public var ignoredRegions: Int
    /// Predictions that took part (faceScore ≥ the minimum).
    public var predictions: Int
    public var outcomes: [FaceOutcome]
    public var extras: [ExtraDetection]
    public var detector: DetectorMetrics
    public var pipeline: PipelineMetrics
    public var matchedClassifier: ClassifierMetrics
}
