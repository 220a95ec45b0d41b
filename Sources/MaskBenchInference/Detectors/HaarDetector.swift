internal import CMaskBenchDNN
import Foundation
internal import MaskBenchCore
package import MaskBenchImaging

/// OpenCV's Haar cascade face detector (`haarcascade_frontalface_default.xml`) with the parameters the seeds
/// use: `detectMultiScale(gray, 1.1, 5, 0, (30, 30))` on `cvtColor(bgr, COLOR_BGR2GRAY)`.
///
/// A cascade gives no confidence; every face has score 1.
package final class HaarDetector: FaceDetector {
    package let name = "haar"
    private let handle: DetectorHandle

    /// Loads the cascade from `models` after checking its SHA-256.
    ///
    /// - Throws: ``InferenceError`` when the file is missing, altered or not a cascade.
    package convenience init(models: ModelFiles) throws {
        try self.init(cascade: models.verifiedURL(for: .haarFrontalFace).path)
    }

    /// Loads a cascade file without checking its hash.
    ///
    /// The corresponding C function is `mbdet_haar_create` (`cv::CascadeClassifier::load`).
    ///
    /// - Throws: ``InferenceError`` when the file cannot be read or is not a cascade.
    package init(cascade: String) throws {
        handle = try DetectorHandle("mbdet_haar_create", file: cascade) { out, message, capacity in
            mbdet_haar_create(cascade, out, message, capacity)
        }
    }

    /// The faces in `image` as `detectMultiScale` finds them, sorted top to bottom, then left to right.
    ///
    /// OpenCV scans the scales on several threads, so its own order changes from run to run (and differs
    /// between opencv-python's and Debian's builds); the sort makes the output deterministic.
    ///
    /// - Throws: ``InferenceError`` when OpenCV fails.
    package func detect(_ image: Image) throws -> [FaceDetection] {
        try handle.detect(image)
            .map { face in
                FaceDetection(box: Box(minX: face.x1, minY: face.y1, maxX: face.x2, maxY: face.y2), score: face.score)
            }
            .sorted { a, b in
                (a.box.y, a.box.x, a.box.width, a.box.height) < (b.box.y, b.box.x, b.box.width, b.box.height)
            }
    }
}
