package import MaskBenchCore
package import MaskBenchImaging

/// One face a detector found: its box in image pixels and the detector's confidence.
///
/// Boxes follow each seed's own rounding (see the detector types), so they are whole pixels; `box` is in the
/// continuous convention, `maxX` one past the last column, as the seeds crop `frame[y1:y2, x1:x2]`.
package struct FaceDetection: Sendable, Hashable, Codable {
    /// The face box, inside the image.
    package var box: Box
    /// The detector's confidence in `0...1`; Haar cascades have none and report 1.
    package var score: Double

    /// Creates a detection.
    package init(box: Box, score: Double) {
        self.box = box
        self.score = score
    }
}

/// A loaded face detector: one per worker, not thread-safe.
package protocol FaceDetector: AnyObject {
    /// A short name for reports, as `res10`.
    var name: String { get }

    /// The faces in `image`, in the detector's order.
    ///
    /// - Throws: ``InferenceError`` when OpenCV fails on the image.
    func detect(_ image: Image) throws -> [FaceDetection]
}
