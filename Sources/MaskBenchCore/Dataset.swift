/// One ground-truth face.
public struct GroundTruthFace: Sendable, Hashable, Codable {
    public var box: Box
    /// The canonical label as annotated (before ``IncorrectPolicy`` is applied).
    public var label: FaceClass

    public init(box: Box, label: FaceClass) {
        self.box = box
        self.label = label
    }
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

    /// Number of faces of each class as annotated.
    public func faceCounts() -> [FaceClass: Int] {
        // Counted by ``FaceClass/index`` (no hashing per face); only the labels present become keys.
        var counts = [Int](repeating: 0, count: FaceClass.allCases.count)
        for image in images {
            for face in image.faces { counts[face.label.index] += 1 }
        }
        var byLabel: [FaceClass: Int] = [:]
        for label in FaceClass.allCases where counts[label.index] > 0 { byLabel[label] = counts[label.index] }
        return byLabel
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
