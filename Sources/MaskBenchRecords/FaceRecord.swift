public import MaskBenchCore

/// One row of `faces.csv`: what happened to one ground-truth face in one run.
///
/// This is the one type for that table: `maskbench evaluate` writes it (``FaceOutcomesCSV``), the report
/// draws from it, a baseline keeps it, and the gate pairs it between runs by ``image`` and ``face``, so a
/// baseline recorded on the same dataset lines up face for face with a new run.
public struct FaceRecord: Sendable, Hashable {
    /// The image's file name.
    public var image: String
    /// The 0-based index of the face within its image, in ground-truth order.
    public var face: Int
    /// The class the face is evaluated as (after `--incorrect-as`).
    public var truth: FaceClass
    /// What the pipeline called the face; `nil` when the detector missed it.
    public var call: FaceClass?
    /// The matched prediction's maskScore; `nil` for a missed face.
    public var maskScore: Double?
    /// The matched prediction's faceScore; `nil` for a missed face (and in baselines recorded before it
    /// was kept).
    public var faceScore: Double?
    /// The IoU of the face with its matched prediction; `nil` for a missed face (and in older baselines).
    public var iou: Double?
    /// Whether the row is an ignore region (a COCO crowd region, a VOC difficult face; truth `ignored` in
    /// `faces.csv`): not a face to find, and in no count, TNR, FNR, recall or AUC. Its ``truth`` is the region's
    /// class when the record comes from an evaluation, and `masked` when it is read back from a file, which
    /// does not keep it. The call and scores are those of the best detection matched to it.
    public var ignored: Bool

    /// Creates a record.
    public init(
        image: String, face: Int, truth: FaceClass, call: FaceClass?, maskScore: Double?, faceScore: Double? = nil,
        iou: Double? = nil, ignored: Bool = false
    ) {
        self.image = image
        self.face = face
        self.truth = truth
        self.call = call
        self.maskScore = maskScore
        self.faceScore = faceScore
        self.iou = iou
        self.ignored = ignored
    }

    /// The record of `outcome`, a face of the image named `image`.
    public init(_ outcome: FaceOutcome, image: String) {
        self.init(
            image: image, face: outcome.face, truth: outcome.truth, call: outcome.call, maskScore: outcome.maskScore,
            faceScore: outcome.faceScore, iou: outcome.iou, ignored: outcome.ignoreRegion != nil)
    }

    /// The `truth` of an ignore region's row.
    public static let ignoredTruth = "ignored"

    /// Whether the detector found the face.
    public var detected: Bool { call != nil }

    /// Whether the face was found and called as its ``truth``.
    public var correct: Bool { call == truth }

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

// MARK: - In a baseline

extension FaceRecord: Codable {
    private enum CodingKeys: String, CodingKey {
        case image, face, truth, call, maskScore, faceScore, iou
        /// Written by baselines recorded before `call` was kept; read to recover `call`.
        case detected, correct
    }

    /// Reads a face of a baseline. Baselines recorded before `call` was kept have `detected` and `correct`
    /// instead: with two classes a wrong call is the other class; with three (`--incorrect-as class`) it is
    /// not known, and such a baseline must be recorded again. Truth `ignored` is an ignore region.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        image = try container.decode(String.self, forKey: .image)
        face = try container.decode(Int.self, forKey: .face)
        let truthText = try container.decode(String.self, forKey: .truth)
        ignored = truthText == Self.ignoredTruth
        guard let truth = ignored ? .masked : FaceClass(rawValue: truthText) else {
            throw DecodingError.dataCorruptedError(
                forKey: .truth, in: container,
                debugDescription: "expected truth masked, unmasked, incorrect or ignored, found '\(truthText)'")
        }
        self.truth = truth
        maskScore = try container.decodeIfPresent(Double.self, forKey: .maskScore)
        faceScore = try container.decodeIfPresent(Double.self, forKey: .faceScore)
        iou = try container.decodeIfPresent(Double.self, forKey: .iou)
        if container.contains(.call) {
            call = try container.decodeIfPresent(FaceClass.self, forKey: .call)
        } else {
            let detected = try container.decode(Bool.self, forKey: .detected)
            let correct = try container.decode(Bool.self, forKey: .correct)
            if !detected {
                call = nil
            } else if correct {
                call = truth
            } else if truth == .masked || truth == .unmasked {
                call = truth == .masked ? .unmasked : .masked
            } else {
                throw DecodingError.dataCorruptedError(
                    forKey: .correct, in: container,
                    debugDescription:
                        "a wrong call on an 'incorrect' face, from a baseline that did not keep calls; record the baseline again"
                )
            }
        }
    }

    /// Writes a face of a baseline: `call` and `maskScore` always (`null` for a missed face), `faceScore` and
    /// `iou` when known; truth `ignored` for an ignore region, as `faces.csv` has it.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(image, forKey: .image)
        try container.encode(face, forKey: .face)
        try container.encode(ignored ? Self.ignoredTruth : truth.rawValue, forKey: .truth)
        try container.encode(call, forKey: .call)
        try container.encode(maskScore, forKey: .maskScore)
        try container.encodeIfPresent(faceScore, forKey: .faceScore)
        try container.encodeIfPresent(iou, forKey: .iou)
    }
}

/// One row of `extras.csv`: a detection that matched no face.
///
/// With the faces' faceScores, the extras give the detector's AP per image; the report's gallery shows
/// those called unmasked (false alarms).
public struct ExtraRecord: Sendable, Hashable, Codable {
    /// The image's file name.
    public var image: String
    /// The detection's index among its image's predictions in the predictions file, when known.
    public var prediction: Int?
    /// The detection's box; `nil` when the table leaves it empty.
    public var box: Box?
    /// The detector's confidence.
    public var faceScore: Double
    /// P(masked).
    public var maskScore: Double
    /// What the pipeline called it at the threshold.
    public var call: FaceClass

    /// Creates a record.
    public init(
        image: String, prediction: Int? = nil, box: Box?, faceScore: Double, maskScore: Double, call: FaceClass
    ) {
        self.image = image
        self.prediction = prediction
        self.box = box
        self.faceScore = faceScore
        self.maskScore = maskScore
        self.call = call
    }
}

/// One row of `boxes.csv`: the boxes behind a row of `faces.csv`.
public struct BoxRecord: Sendable, Hashable {
    /// The image's file name.
    public var image: String
    /// The face's index within its image.
    public var face: Int
    /// The ground-truth box; `nil` when the table leaves it empty.
    public var box: Box?
    /// The image size when the annotation gives it.
    public var imageWidth: Int?
    /// See ``imageWidth``.
    public var imageHeight: Int?
    /// The matched prediction's box; `nil` for a missed face.
    public var predicted: Box?
    /// The label as annotated (before `--incorrect-as`); `nil` in tables written before it was kept.
    public var label: FaceClass?

    /// Creates a record.
    public init(
        image: String, face: Int, box: Box?, imageWidth: Int? = nil, imageHeight: Int? = nil, predicted: Box? = nil,
        label: FaceClass? = nil
    ) {
        self.image = image
        self.face = face
        self.box = box
        self.imageWidth = imageWidth
        self.imageHeight = imageHeight
        self.predicted = predicted
        self.label = label
    }
}
