package import MaskBenchCore

/// What a pipeline is asked about one image.
package struct PipelineRequest: Sendable, Hashable {
    /// The image file.
    package var imagePath: String
    /// The ground-truth boxes of the image, for the classifier run alone on each ground-truth crop (seed 001's
    /// "classifier evaluated separately" numbers). Empty when only detection is wanted.
    package var groundTruthBoxes: [Box]

    /// Creates a request.
    package init(imagePath: String, groundTruthBoxes: [Box] = []) {
        self.imagePath = imagePath
        self.groundTruthBoxes = groundTruthBoxes
    }
}

/// One face a pipeline found: its box in image pixels (continuous convention), the detector's confidence and the
/// classifier's probability that the face wears a mask.
package struct DetectedFace: Sendable, Hashable, Codable {
    /// The face box.
    package var box: Box
    /// The detector's confidence.
    package var faceScore: Double
    /// The classifier's probability of "masked".
    package var maskScore: Double

    /// Creates a detected face.
    package init(box: Box, faceScore: Double, maskScore: Double) {
        self.box = box
        self.faceScore = faceScore
        self.maskScore = maskScore
    }
}

/// What a pipeline answered for one image.
package struct PipelineResult: Sendable, Hashable, Codable {
    /// The faces found, in the detector's order.
    package var faces: [DetectedFace]
    /// The classifier's maskScore on each ground-truth crop, in the request's order; `nil` when the pipeline
    /// cannot classify crops alone (an external worker, a one-stage detector).
    package var cropMaskScores: [Double]?

    /// Creates a result.
    package init(faces: [DetectedFace], cropMaskScores: [Double]? = nil) {
        self.faces = faces
        self.cropMaskScores = cropMaskScores
    }
}

/// One running instance of a pipeline: its own networks or its own process, used by one thread at a time and
/// never shared (OpenCV networks are not thread-safe).
package protocol PipelineWorker: AnyObject {
    /// Runs the pipeline on one image.
    ///
    /// - Throws: when this image cannot be processed (corrupt file, over the pixel budget, a worker that
    ///   crashed); the runner records the error's description as the image's failure and goes on. A
    ///   ``PipelineStop`` also stops the run.
    func run(_ request: PipelineRequest) throws -> PipelineResult
}

/// An image's failure that shows no image will succeed (an external worker that cannot answer at all): the
/// runner records the image as failed and stops the run, as ``RunReport/stopped`` says.
package struct PipelineStop: Error, Sendable, Hashable, CustomStringConvertible {
    /// The image's failure, as any other failed image's.
    package var imageReason: String
    /// Why the run stops.
    package var reason: String

    /// The failure of an image, `imageReason`, that stops the run for `reason`.
    package init(imageReason: String, reason: String) {
        self.imageReason = imageReason
        self.reason = reason
    }

    package var description: String { reason }
}

/// A pipeline as configured: what it is called, what identifies its results, and how to start a worker.
package protocol PipelineDefinition: Sendable {
    /// A short name for reports, as `ssd-mobilenetv2`.
    var name: String { get }
    /// Identifies the results this pipeline gives: hashes of its weights and its settings. Cached predictions
    /// are keyed by this and by the image's content hash.
    var fingerprint: String { get }
    /// Starts worker number `index` (0-based); loads networks or starts a process.
    ///
    /// - Throws: when a model is missing, altered or cannot be loaded: an error before any image is read.
    func makeWorker(index: Int) throws -> any PipelineWorker
}
