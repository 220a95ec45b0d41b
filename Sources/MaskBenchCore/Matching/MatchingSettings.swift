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

/// What becomes of ignore regions (``IgnoreRegion``: COCO crowd regions, VOC difficult faces).
public enum IgnoreRegionPolicy: String, Sendable, Codable, CaseIterable {
    /// As the reference tools do: not faces to find; a detection matched to one is ignored.
    case ignore
    /// As ordinary faces (a crowd region's IoU is then the ordinary one).
    case count
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
    /// Whether ignore regions are ignored (the default) or counted as faces.
    public var ignoreRegions: IgnoreRegionPolicy

    public init(
        mode: MatchingMode = .coco,
        iouThreshold: Double = 0.5,
        iouInclusive: Bool = false,
        pixels: PixelConvention = .continuous,
        minFaceScore: Double = 0,
        ignoreRegions: IgnoreRegionPolicy = .ignore
    ) {
        self.mode = mode
        self.iouThreshold = iouThreshold
        self.iouInclusive = iouInclusive
        self.pixels = pixels
        self.minFaceScore = minFaceScore
        self.ignoreRegions = ignoreRegions
    }

    private enum CodingKeys: String, CodingKey {
        case mode, iouThreshold, iouInclusive, pixels, minFaceScore, ignoreRegions
    }

    /// Decodes the settings; `ignoreRegions` is `ignore`, the default, when absent. A document written before
    /// the setting existed was made on data whose fingerprint had no ignore region (crowd regions were left out,
    /// difficult faces hashed as ordinary ones), and on such data the two policies give the same numbers: its
    /// baseline stays comparable with a run under the default.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        mode = try c.decode(MatchingMode.self, forKey: .mode)
        iouThreshold = try c.decode(Double.self, forKey: .iouThreshold)
        iouInclusive = try c.decode(Bool.self, forKey: .iouInclusive)
        pixels = try c.decode(PixelConvention.self, forKey: .pixels)
        minFaceScore = try c.decode(Double.self, forKey: .minFaceScore)
        ignoreRegions = try c.decodeIfPresent(IgnoreRegionPolicy.self, forKey: .ignoreRegions) ?? .ignore
    }

    /// Whether an IoU is high enough for a match.
    @inlinable
    public func accepts(_ iou: Double) -> Bool {
        iouInclusive ? iou >= iouThreshold : iou > iouThreshold
    }
}
