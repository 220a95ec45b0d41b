internal import CMaskBenchDNN

/// OpenCV's image operations on 8-bit interleaved pixels, for bit-identical results with the Python seeds that
/// call `cv2.resize`, `cv2.cvtColor` and `cv2.dnn.blobFromImage`.
///
/// Pixels are read from a buffer with `rowStride` bytes between rows (`nil`: tightly packed), so a crop of a
/// larger image is passed as a slice starting at its first pixel with the larger image's stride, without a
/// copy. Results are tightly packed.
package enum OpenCVImaging {
    /// How ``resize(_:width:height:channels:rowStride:toWidth:height:interpolation:)`` samples.
    package enum Interpolation: Sendable, Hashable {
        /// `cv::INTER_NEAREST`.
        case nearest
        /// `cv::INTER_LINEAR`, bilinear: `cv2.resize`'s default.
        case linear
        /// `cv::INTER_AREA`, pixel-area averaging.
        case area

        var cValue: Int32 {
            switch self {
            case .nearest: Int32(MBDNN_INTER_NEAREST)
            case .linear: Int32(MBDNN_INTER_LINEAR)
            case .area: Int32(MBDNN_INTER_AREA)
            }
        }
    }

    /// A colour conversion of ``convertColor(_:width:height:rowStride:_:)``.
    package enum ColorConversion: Sendable, Hashable {
        /// 3 channels to 3, first and third swapped (`cv::COLOR_BGR2RGB`, also RGB to BGR).
        case bgrToRGB
        /// BGR to gray (`cv::COLOR_BGR2GRAY`).
        case bgrToGray
        /// RGB to gray (`cv::COLOR_RGB2GRAY`).
        case rgbToGray
        /// Gray to BGR (`cv::COLOR_GRAY2BGR`).
        case grayToBGR

        /// The channels read and written.
        var channels: (input: Int, output: Int) {
            switch self {
            case .bgrToRGB: (3, 3)
            case .bgrToGray, .rgbToGray: (3, 1)
            case .grayToBGR: (1, 3)
            }
        }

        var cValue: Int32 {
            switch self {
            case .bgrToRGB: Int32(MBDNN_COLOR_BGR2RGB)
            case .bgrToGray: Int32(MBDNN_COLOR_BGR2GRAY)
            case .rgbToGray: Int32(MBDNN_COLOR_RGB2GRAY)
            case .grayToBGR: Int32(MBDNN_COLOR_GRAY2BGR)
            }
        }
    }

    /// Resizes an image as `cv::resize` does.
    ///
    /// The corresponding C function is `mbdnn_resize`.
    ///
    /// - Returns: `newWidth * newHeight * channels` bytes.
    /// - Throws: ``InferenceError`` when a size is not positive or the buffer is too small.
    package static func resize(
        _ pixels: UnsafeBufferPointer<UInt8>,
        width: Int,
        height: Int,
        channels: Int,
        rowStride: Int? = nil,
        toWidth newWidth: Int,
        height newHeight: Int,
        interpolation: Interpolation
    ) throws -> [UInt8] {
        let stride = try checkedStride(pixels, width: width, height: height, channels: channels, rowStride: rowStride)
        guard newWidth > 0, newHeight > 0 else {
            throw InferenceError(.invalidArgument, "cannot resize to \(newWidth)×\(newHeight)")
        }
        var output = [UInt8](repeating: 0, count: newWidth * newHeight * channels)
        try output.withUnsafeMutableBufferPointer { destination in
            try DNNCall.check("mbdnn_resize") { message, capacity in
                mbdnn_resize(
                    pixels.baseAddress, Int32(width), Int32(height), Int32(channels), stride,
                    destination.baseAddress, Int32(newWidth), Int32(newHeight), 0, interpolation.cValue,
                    message, capacity
                )
            }
        }
        return output
    }

    /// A classifier's input planes from packed 3-channel `pixels` through per-channel tables of 256 floats: for
    /// c in 0..<3 and every pixel i, `planes[c * n + i] = table[c * 256 + pixels[i * 3 + sources[c]]]`, n pixels.
    ///
    /// The corresponding C function is `mbdnn_planes_from_table` (three times as fast as the loop in Swift).
    package static func planes(
        from pixels: UnsafeBufferPointer<UInt8>, sources: [Int32], table: UnsafeBufferPointer<Float>,
        into planes: UnsafeMutablePointer<Float>
    ) {
        precondition(pixels.count % 3 == 0 && table.count == 3 * 256, "3 channels and 3 tables of 256")
        precondition(sources.count == 3 && sources.allSatisfy { (0..<3).contains($0) }, "3 channels in 0...2")
        sources.withUnsafeBufferPointer { sources in
            mbdnn_planes_from_table(
                pixels.baseAddress, pixels.count / 3, sources.baseAddress, table.baseAddress, planes)
        }
    }

    /// Converts colours as `cv::cvtColor` does.
    ///
    /// The corresponding C function is `mbdnn_cvt_color`.
    ///
    /// - Returns: `width * height` pixels of the conversion's output channels.
    /// - Throws: ``InferenceError`` when a size is not positive or the buffer is too small.
    package static func convertColor(
        _ pixels: UnsafeBufferPointer<UInt8>,
        width: Int,
        height: Int,
        rowStride: Int? = nil,
        _ conversion: ColorConversion
    ) throws -> [UInt8] {
        let (inChannels, outChannels) = conversion.channels
        let stride = try checkedStride(
            pixels,
            width: width,
            height: height,
            channels: inChannels,
            rowStride: rowStride
        )
        var output = [UInt8](repeating: 0, count: width * height * outChannels)
        try output.withUnsafeMutableBufferPointer { destination in
            try DNNCall.check("mbdnn_cvt_color") { message, capacity in
                mbdnn_cvt_color(
                    pixels.baseAddress, Int32(width), Int32(height), stride, destination.baseAddress, 0,
                    conversion.cValue, message, capacity
                )
            }
        }
        return output
    }

    /// Makes a network input as `cv2.dnn.blobFromImage(image, scale, (blobWidth, blobHeight), mean, swapRB,
    /// crop)` does: resize (bilinear), optional centre crop, optional red/blue swap, `(x - mean) * scale`.
    ///
    /// The corresponding C function is `mbdnn_blob_from_image`.
    ///
    /// - Parameters:
    ///   - mean: one value per channel in the blob's channel order (after the swap), or empty for zeros.
    /// - Returns: `1 × channels × blobHeight × blobWidth` float32 values (NCHW).
    /// - Throws: ``InferenceError`` when a size is not positive or the buffer is too small.
    package static func blob(
        _ pixels: UnsafeBufferPointer<UInt8>,
        width: Int,
        height: Int,
        channels: Int,
        rowStride: Int? = nil,
        scale: Double,
        blobWidth: Int,
        blobHeight: Int,
        mean: [Double] = [],
        swapRedBlue: Bool = false,
        crop: Bool = false
    ) throws -> [Float] {
        let stride = try checkedStride(pixels, width: width, height: height, channels: channels, rowStride: rowStride)
        guard blobWidth > 0, blobHeight > 0, mean.isEmpty || mean.count == channels else {
            throw InferenceError(.invalidArgument, "invalid blob size \(blobWidth)×\(blobHeight) or mean \(mean)")
        }
        var output = [Float](repeating: 0, count: channels * blobWidth * blobHeight)
        try output.withUnsafeMutableBufferPointer { destination in
            try mean.withUnsafeBufferPointer { means in
                try DNNCall.check("mbdnn_blob_from_image") { message, capacity in
                    mbdnn_blob_from_image(
                        pixels.baseAddress, Int32(width), Int32(height), Int32(channels), stride, scale,
                        Int32(blobWidth), Int32(blobHeight), mean.isEmpty ? nil : means.baseAddress,
                        swapRedBlue ? 1 : 0, crop ? 1 : 0, destination.baseAddress, destination.count,
                        message, capacity
                    )
                }
            }
        }
        return output
    }

    /// The row stride in bytes, after checking that `pixels` holds the whole image.
    static func checkedStride(
        _ pixels: UnsafeBufferPointer<UInt8>,
        width: Int,
        height: Int,
        channels: Int,
        rowStride: Int?
    ) throws -> Int {
        guard width > 0, height > 0, (1...4).contains(channels) else {
            throw InferenceError(.invalidArgument, "invalid image of \(width)×\(height) pixels, \(channels) channels")
        }
        let row = width * channels
        let stride = rowStride ?? row
        guard stride >= row, pixels.baseAddress != nil, pixels.count >= (height - 1) * stride + row,
            width <= Int(Int32.max), height <= Int(Int32.max)
        else {
            throw InferenceError(
                .invalidArgument,
                "a buffer of \(pixels.count) bytes with row stride \(stride) cannot hold \(width)×\(height)×\(channels)"
            )
        }
        return stride
    }
}
