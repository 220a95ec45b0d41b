public import MaskBenchCore

/// What happened to one ground-truth face in one run: the per-face outcome a gate pairs with a baseline.
///
/// Faces are paired between runs by ``image`` and ``face``, so a baseline recorded on the same dataset
/// lines up face for face with a new run.
public struct FaceRecord: Sendable, Hashable, Codable {
    /// The image's file name.
    public var image: String
    /// The 0-based index of the face within its image, in ground-truth order.
    public var face: Int
    /// The class the face is evaluated as (after `--incorrect-as`).
    public var truth: FaceClass
    /// Whether the detector found the face.
    public var detected: Bool
    /// Whether the face was found and called as its ``truth``.
    public var correct: Bool
    /// The matched prediction's maskScore; `nil` for a missed face.
    @NullEncoded public var maskScore: Double?
    /// The matched prediction's faceScore (for the detector's AP); `nil` for a missed face, and in
    /// baselines recorded before it was kept.
    public var faceScore: Double?

    /// Creates a record.
    public init(
        image: String, face: Int, truth: FaceClass, detected: Bool, correct: Bool, maskScore: Double?,
        faceScore: Double? = nil
    ) {
        self.image = image
        self.face = face
        self.truth = truth
        self.detected = detected
        self.correct = correct
        self.maskScore = maskScore
        self.faceScore = faceScore
    }

    /// The pairing key: image file name and face index.
    public var key: Key { Key(image: image, face: face) }

    /// Identifies a face across runs.
    public struct Key: Sendable, Hashable, Comparable {
        public var image: String
        public var face: Int

        public static func < (a: Key, b: Key) -> Bool {
            a.image != b.image ? a.image < b.image : a.face < b.face
        }
    }
}

/// A detection that matched no face (a row of `extras.csv`): what the detector's AP needs besides the faces.
public struct DetectionRecord: Sendable, Hashable, Codable {
    /// The image's file name.
    public var image: String
    /// The detector's confidence.
    public var faceScore: Double

    /// Creates a record.
    public init(image: String, faceScore: Double) {
        self.image = image
        self.faceScore = faceScore
    }
}
