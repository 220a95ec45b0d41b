/// One ground-truth face, or a region to ignore.
public struct GroundTruthFace: Sendable, Hashable, Codable {
    public var box: Box
    /// The canonical label as annotated (before ``IncorrectPolicy`` is applied).
    public var label: FaceClass
    /// Set when the annotation marks a region to ignore rather than a face to find (a COCO crowd region, a
    /// VOC difficult face); `nil` for an ordinary face. ``MatchingSettings/ignoreRegions`` decides whether
    /// it is ignored or counted as a face.
    public var ignoreRegion: IgnoreRegion?

    public init(box: Box, label: FaceClass, ignoreRegion: IgnoreRegion? = nil) {
        self.box = box
        self.label = label
        self.ignoreRegion = ignoreRegion
    }
}

/// Why an annotation is a region to ignore: what the reference tools do with it is in ``Matcher``.
///
/// An ignore region is not a face to find: it is left out of recall, of the outcome table and of the TNR and
/// FNR denominators, and a detection matched to it is neither a true nor a false positive (nor an extra
/// detection).
public enum IgnoreRegion: String, Sendable, Hashable, Codable, CaseIterable {
    /// COCO `iscrowd: 1`: a region of many faces. IoU with it is the intersection over the detection's own
    /// area, and any number of detections may match it.
    case crowd
    /// Pascal VOC `<difficult>1</difficult>`: a face too hard to require.
    case difficult
}

/// An image and the faces annotated in it.
public struct AnnotatedImage: Sendable, Hashable, Codable {
    /// The image's file name, relative to the images folder; the key predictions refer to.
    public var name: String
    /// Pixel size when the annotation format states it (VOC, COCO, makesense) or it was read from the image.
    public var width: Int?
    public var height: Int?
    public var faces: [GroundTruthFace]

    public init(name: String, width: Int? = nil, height: Int? = nil, faces: [GroundTruthFace]) {
        self.name = name
        self.width = width
        self.height = height
        self.faces = faces
    }
}

/// A ground truth: images in a fixed order, each with its faces.
///
/// The order matters only for ties: predictions with equal scores are ranked by image order, then by
/// their order within the image, as the reference tools do.
public struct Dataset: Sendable, Hashable {
    public var images: [AnnotatedImage]

    public init(images: [AnnotatedImage]) {
        self.images = images
    }

    /// Number of faces of each class as annotated, ignore regions included.
    public func faceCounts() -> [FaceClass: Int] {
        faceCounts(ignoreRegions: .count).faces
    }

    /// Number of faces to find of each class as annotated, and of ignore regions apart (0 when `ignoreRegions`
    /// counts them as faces).
    public func faceCounts(ignoreRegions: IgnoreRegionPolicy) -> (faces: [FaceClass: Int], ignored: Int) {
        // Counted by ``FaceClass/index`` (no hashing per face); only the labels present become keys.
        var counts = [Int](repeating: 0, count: FaceClass.allCases.count)
        var ignored = 0
        for image in images {
            for face in image.faces {
                if ignoreRegions == .ignore, face.ignoreRegion != nil {
                    ignored += 1
                } else {
                    counts[face.label.index] += 1
                }
            }
        }
        var byLabel: [FaceClass: Int] = [:]
        for label in FaceClass.allCases where counts[label.index] > 0 { byLabel[label] = counts[label.index] }
        return (byLabel, ignored)
    }

    public var faceCount: Int { images.reduce(0) { $0 + $1.faces.count } }
}

/// One predicted face.
public struct Prediction: Sendable, Hashable, Codable {
    public var box: Box
    /// Detector confidence.
    public var faceScore: Double
    /// P(masked) in `[0, 1]`. A face is called masked when `maskScore >= threshold`.
    public var maskScore: Double
    /// A class predicted outright (a one-stage detector's category), which wins over ``maskScore``.
    public var label: FaceClass?

    public init(box: Box, faceScore: Double, maskScore: Double, label: FaceClass? = nil) {
        self.box = box
        self.faceScore = faceScore
        self.maskScore = maskScore
        self.label = label
    }

    /// What the pipeline called this face at `threshold`.
    @inlinable
    public func call(threshold: Double) -> FaceClass {
        if let label { return label }
        return maskScore >= threshold ? .masked : .unmasked
    }
}

/// Predictions for a set of images, keyed by image name.
public struct PredictionSet: Sendable, Hashable {
    public var byImage: [String: [Prediction]]

    public init(byImage: [String: [Prediction]] = [:]) {
        self.byImage = byImage
    }

    public subscript(image: String) -> [Prediction] {
        byImage[image] ?? []
    }

    public var count: Int { byImage.values.reduce(0) { $0 + $1.count } }
}
