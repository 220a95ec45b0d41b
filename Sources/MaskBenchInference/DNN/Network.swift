internal import CMaskBenchDNN
import Foundation

/// One OpenCV DNN network: a Caffe or ONNX model read by OpenCV, or a Keras 2 HDF5 model built by MaskBench's
/// importer.
///
/// A network is not thread-safe and not `Sendable`: each worker loads its own. Inputs are float32 blobs in
/// NCHW order; outputs come back as ``Tensor`` values.
package final class Network {
    /// The network's C handle, owned by this object and freed in `deinit`.
    private let handle: OpaquePointer
    /// The model file, for errors.
    package let file: String

    private init(handle: OpaquePointer, file: String) {
        self.handle = handle
        self.file = file
    }

    deinit {
        mbdnn_net_destroy(handle)
    }

    // MARK: - Loading

    /// Loads a Caffe network.
    ///
    /// The corresponding C function is `mbdnn_net_create_caffe` (`cv::dnn::readNetFromCaffe`).
    ///
    /// - Parameters:
    ///   - prototxt: the network description (`deploy.prototxt`).
    ///   - weights: the trained weights (`.caffemodel`).
    /// - Throws: ``InferenceError`` when a file cannot be read or OpenCV rejects it.
    package static func caffe(prototxt: URL, weights: URL) throws -> Network {
        try load("mbdnn_net_create_caffe", file: weights.path) { out, message, capacity in
            mbdnn_net_create_caffe(prototxt.path, weights.path, out, message, capacity)
        }
    }

    /// Loads an ONNX network.
    ///
    /// The corresponding C function is `mbdnn_net_create_onnx` (`cv::dnn::readNetFromONNX`).
    ///
    /// - Throws: ``InferenceError`` when the file cannot be read or OpenCV rejects it.
    package static func onnx(_ url: URL) throws -> Network {
        try load("mbdnn_net_create_onnx", file: url.path) { out, message, capacity in
            mbdnn_net_create_onnx(url.path, out, message, capacity)
        }
    }

    /// Builds a network from a Keras 2 HDF5 model file (`model.save("x.h5")`).
    ///
    /// Keras' NHWC layers become NCHW OpenCV layers, so the input is an NCHW float32 blob already preprocessed
    /// the model's way, and the outputs are the Keras model's outputs in order. Supported layers: Conv2D,
    /// DepthwiseConv2D, BatchNormalization, ReLU, LeakyReLU, Activation, Add, Multiply, Maximum, Concatenate,
    /// ZeroPadding2D, Max/AveragePooling2D, GlobalAverage/MaxPooling2D, Flatten, Dense, Dropout, InputLayer and
    /// nested Model/Sequential.
    ///
    /// The corresponding C function is `mbdnn_net_create_keras`.
    ///
    /// - Throws: ``InferenceError`` of kind ``InferenceError/Kind/unsupportedLayer`` naming the layer and its
    ///   class, ``InferenceError/Kind/invalidModel`` for missing or wrongly sized weights or a corrupt file.
    package static func keras(_ url: URL) throws -> Network {
        try load("mbdnn_net_create_keras", file: url.path) { out, message, capacity in
            mbdnn_net_create_keras(url.path, out, message, capacity)
        }
    }

    private static func load(
        _ cFunction: String,
        file: String,
        _ create: (UnsafeMutablePointer<OpaquePointer?>, UnsafeMutablePointer<CChar>, Int) -> Int32
    ) throws -> Network {
        var created: OpaquePointer?
        try DNNCall.check(cFunction, file: file) { message, capacity in
            create(&created, message, capacity)
        }
        guard let created else {
            throw InferenceError(.internal, file: file, cFunction: cFunction, "returned no network")
        }
        return Network(handle: created, file: file)
    }

    // MARK: - Threads

    /// The number of threads OpenCV uses, process-wide (`cv::setNumThreads` / `cv::getNumThreads`).
    ///
    /// Set it once before starting workers: 1 when each worker runs on its own core.
    package static var openCVThreads: Int {
        get { Int(mbdnn_num_threads()) }
        set { mbdnn_set_num_threads(Int32(clamping: newValue)) }
    }

    /// The OpenCV version the shim was built against, as `4.6.0`.
    package static var openCVVersion: String {
        String(cString: mbdnn_opencv_version())
    }

    // MARK: - Running

    /// The names of the network's default outputs: its unconnected output layers, or a Keras model's outputs.
    package var outputNames: [String] {
        get throws {
            let count = Int(mbdnn_net_output_count(handle))
            var names: [String] = []
            for index in 0..<count {
                var name = [CChar](repeating: 0, count: 512)
                try DNNCall.check("mbdnn_net_output_name", file: file) { message, capacity in
                    mbdnn_net_output_name(handle, Int32(index), &name, name.count, message, capacity)
                }
                names.append(String(decoding: name.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
            }
            return names
        }
    }

    /// The shape the model declares for its first input, without the batch, in NCHW order (`[3, 224, 224]` for
    /// a Keras image model); empty when it declares none (Caffe and ONNX networks take any size OpenCV accepts).
    ///
    /// The corresponding C function is `mbdnn_net_input_shape`.
    package var declaredInputShape: [Int] {
        get throws {
            var dims = [Int32](repeating: 0, count: Int(MBDNN_MAX_DIMS))
            var rank: Int32 = 0
            try DNNCall.check("mbdnn_net_input_shape", file: file) { message, capacity in
                mbdnn_net_input_shape(handle, &dims, &rank, message, capacity)
            }
            return dims.prefix(Int(rank)).map(Int.init)
        }
    }

    /// Sets the input blob (copied).
    ///
    /// The corresponding C function is `mbdnn_net_set_input` (`cv::dnn::Net::setInput`).
    ///
    /// - Parameters:
    ///   - values: float32 values in NCHW order, as many as the product of `shape`.
    ///   - shape: the blob's dimensions, as `[1, 3, 224, 224]`.
    ///   - name: the input layer; `nil` for the first input.
    /// - Throws: ``InferenceError`` when the count does not match the shape or OpenCV rejects the blob.
    package func setInput(_ values: UnsafeBufferPointer<Float>, shape: [Int], name: String? = nil) throws {
        let expected = shape.reduce(1, *)
        guard !shape.isEmpty, shape.allSatisfy({ $0 > 0 }), values.count == expected,
            let base = values.baseAddress
        else {
            throw InferenceError(
                .invalidArgument,
                file: file,
                "input of \(values.count) values does not match the shape \(shape)"
            )
        }
        let dims = shape.map { Int32(clamping: $0) }
        try DNNCall.check("mbdnn_net_set_input", file: file) { message, capacity in
            mbdnn_net_set_input(handle, base, dims, Int32(dims.count), name, message, capacity)
        }
    }

    /// Sets the input blob (copied) from an array of NCHW float32 values; see the buffer variant.
    package func setInput(_ values: [Float], shape: [Int], name: String? = nil) throws {
        try values.withUnsafeBufferPointer { try setInput($0, shape: shape, name: name) }
    }

    /// Runs the network and returns the outputs named in `names`, in that order; an empty list returns the
    /// default outputs (``outputNames``).
    ///
    /// The corresponding C function is `mbdnn_net_forward` (`cv::dnn::Net::forward`).
    ///
    /// - Throws: ``InferenceError`` when no input was set, a name is unknown or OpenCV fails.
    package func forward(_ names: [String] = []) throws -> [Tensor] {
        let count = try withCStrings(names) { pointers in
            try DNNCall.check("mbdnn_net_forward", file: file) { message, capacity in
                pointers.withUnsafeBufferPointer { buffer in
                    mbdnn_net_forward(handle, buffer.baseAddress, Int32(names.count), message, capacity)
                }
            }
            return names.isEmpty ? Int(mbdnn_net_output_count(handle)) : names.count
        }
        return try (0..<max(count, 1)).map { try output($0) }
    }

    /// Kept output `index` of the last forward, copied out.
    private func output(_ index: Int) throws -> Tensor {
        var dims = [Int32](repeating: 0, count: Int(MBDNN_MAX_DIMS))
        var rank: Int32 = 0
        var total = 0
        try DNNCall.check("mbdnn_net_output_shape", file: file) { message, capacity in
            mbdnn_net_output_shape(handle, Int32(index), &dims, &rank, &total, message, capacity)
        }
        var values = [Float](repeating: 0, count: total)
        try DNNCall.check("mbdnn_net_output_copy", file: file) { message, capacity in
            values.withUnsafeMutableBufferPointer { buffer in
                mbdnn_net_output_copy(handle, Int32(index), buffer.baseAddress, total, message, capacity)
            }
        }
        return Tensor(shape: dims.prefix(Int(rank)).map(Int.init), values: values)
    }

    /// A network output: its dimensions (NCHW for images) and float32 values in row-major order.
    package struct Tensor: Sendable, Hashable {
        /// The dimensions, as `[1, 2]` or `[1, 1, 200, 7]`.
        package var shape: [Int]
        /// The values, `shape.reduce(1, *)` of them.
        package var values: [Float]

        /// Creates a tensor.
        package init(shape: [Int], values: [Float]) {
            self.shape = shape
            self.values = values
        }
    }
}

/// Calls `body` with NUL-terminated copies of `strings` (from `strdup`) that live until `body` returns.
private func withCStrings<Result>(
    _ strings: [String],
    _ body: ([UnsafePointer<CChar>?]) throws -> Result
) rethrows -> Result {
    let copies = strings.map { strdup($0) }
    defer {
        for copy in copies {
            free(copy)
        }
    }
    return try body(copies.map { $0.map { UnsafePointer($0) } })
}
