internal import CMaskBenchTurboJPEG

/// Encodes ``Image`` values as baseline JPEG files through libturbojpeg, for reports and face crops.
public enum JPEGEncoder {
    /// A JPEG file holding `image`, 4:2:0 chroma subsampling.
    ///
    /// The corresponding C function is `tjCompress2`.
    ///
    /// - Parameters:
    ///   - image: The image; it must not be empty.
    ///   - quality: 1 (smallest) to 100 (best); values outside are clamped.
    /// - Returns: The bytes of the JPEG file.
    /// - Throws: ``ImagingError`` of kind `encodingFailed` with libturbojpeg's message.
    public static func encode(_ image: Image, quality: Int) throws -> [UInt8] {
        guard image.width > 0, image.height > 0 else {
            throw ImagingError(.encodingFailed, file: "<image>", message: "cannot encode an empty \(image.size) image")
        }
        guard let handle = tjInitCompress() else {
            throw ImagingError(
                .encodingFailed, file: "<image>", function: "tjInitCompress", message: message(tjGetErrorStr2(nil)))
        }
        defer { tjDestroy(handle) }
        var output: UnsafeMutablePointer<UInt8>?
        var size: UInt = 0
        defer { tjFree(output) }
        let status = image.pixels.withUnsafeBufferPointer { pixels in
            tjCompress2(
                handle, pixels.baseAddress, Int32(image.width), Int32(image.width * Image.channels),
                Int32(image.height), Int32(TJPF_BGR.rawValue), &output, &size, Int32(TJSAMP_420.rawValue),
                Int32(min(max(quality, 1), 100)), 0)
        }
        guard status == 0, let output else {
            throw ImagingError(
                .encodingFailed, file: "<image>", function: "tjCompress2", message: message(tjGetErrorStr2(handle)))
        }
        return Array(UnsafeBufferPointer(start: output, count: Int(size)))
    }

    private static func message(_ text: UnsafeMutablePointer<CChar>?) -> String {
        guard let text else { return "unknown libturbojpeg error" }
        return String(cString: text)
    }
}
