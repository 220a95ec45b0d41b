/// Everything besides the data that decides an evaluation's numbers.
public struct EvaluationSettings: Sendable, Hashable, Codable {
    public var matching: MatchingSettings
    /// A face is called masked when `maskScore >= threshold`.
    public var threshold: Double
    public var incorrectAs: IncorrectPolicy
    /// The score a missed face gets on the pipeline ROC curve; `nil` leaves missed faces out.
    ///
    /// The default 1.0 treats a missed face as called masked, as seed 001 does: for an alarm system a face
    /// nobody found raises no alarm.
    @NullEncoded public var missedFaceScore: Double?
    public var bootstrap: Bootstrap
    /// Detections kept per image and class for the COCO 101-point AP (pycocotools' `maxDets`).
    public var maxDetectionsPerImage: Int

    public init(
        matching: MatchingSettings = MatchingSettings(),
        threshold: Double = 0.5,
        incorrectAs: IncorrectPolicy = .unmasked,
        missedFaceScore: Double? = 1.0,
        bootstrap: Bootstrap = Bootstrap(),
        maxDetectionsPerImage: Int = 100
    ) {
        self.matching = matching
        self.threshold = threshold
        self.incorrectAs = incorrectAs
        self.missedFaceScore = missedFaceScore
        self.bootstrap = bootstrap
        self.maxDetectionsPerImage = maxDetectionsPerImage
    }
}
