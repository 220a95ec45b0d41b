/// How predicted boxes are paired with ground-truth faces.
public enum MatchingMode: String, Sendable, Codable, CaseIterable {
    /// One-to-one; predictions by descending `faceScore` (stable) each take the unmatched ground truth with
    /// the highest IoU above the threshold (pycocotools' rule; on equal IoU the later face wins, as there).
    case coco
    /// Each prediction looks only at its single highest-IoU ground truth (the first on ties); when that one
    /// is taken or below the threshold the prediction is a false positive (Pascal VOC devkit).
    case voc
    /// The seed-001 notebooks' rule: every prediction above the threshold matches a face; a face matched by
    /// several uses the lowest `maskScore`; a prediction matching no face is an extra detection.
    case dataroots
}

/// Everything that decides which prediction matches which face.
public struct MatchingSettings: Sendable, Hashable, Codable {
    public var mode: MatchingMode
    /// A pair matches when IoU > this (or >= with ``iouInclusive``).
    public var iouThreshold: Double
    public var iouInclusive: Bool
    public var pixels: PixelConvention
    /// Predictions with `faceScore` below this take no part at all.
    public var minFaceScore: Double

    public init(
        mode: MatchingMode = .coco,
        iouThreshold: Double = 0.5,
        iouInclusive: Bool = false,
        pixels: PixelConvention = .continuous,
        minFaceScore: Double = 0
    ) {
        self.mode = mode
        self.iouThreshold = iouThreshold
        self.iouInclusive = iouInclusive
        self.pixels = pixels
        self.minFaceScore = minFaceScore
    }

    /// Whether an IoU is high enough for a match.
    @inlinable
    public func accepts(_ iou: Double) -> Bool {
        iouInclusive ? iou >= iouThreshold : iou > iouThreshold
    }
}
