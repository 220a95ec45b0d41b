internal import CMaskBenchTurboJPEG

/// The one place that calls libturbojpeg: the size of a JPEG from its header, without decoding pixels.
enum JPEGHeader {
    /// Bytes read before the first attempt. Headers (SOF, then SOS) come first; only files with very large
    /// EXIF or ICC segments need more, and those are read whole on a second attempt.
    static let prefixLength = 256 * 1024

    /// Width and height of the JPEG at `path`.
    ///
    /// The corresponding C functions are `tjInitDecompress` and `tjDecompressHeader3`.
    ///
    /// - Throws: ``ImagingError`` with the C function and `tjGetErrorStr2`'s message.
    static func size(path: String) throws -> ImageSize {
        let decompressor = try Decompressor(file: path)
        let prefix = try FileBytes.read(path: path, maxCount: prefixLength)
        do {
            return try decompressor.headerSize(of: prefix, file: path)
        } catch let error as ImagingError where prefix.count == prefixLength {
            let whole = try FileBytes.read(path: path)
            guard whole.count > prefix.count else { throw error }
            return try decompressor.headerSize(of: whole, file: path)
        }
    }

    /// Owns a TurboJPEG decompression handle; `deinit` releases it with `tjDestroy`.
    final class Decompressor {
        private let handle: tjhandle

        /// - Throws: ``ImagingError`` when `tjInitDecompress` fails (out of memory).
        init(file: String) throws {
            guard let handle = tjInitDecompress() else {
                throw ImagingError(
                    .decodingFailed,
                    file: file,
                    function: "tjInitDecompress",
                    message: Self.message(tjGetErrorStr2(nil))
                )
            }
            self.handle = handle
        }

        deinit { tjDestroy(handle) }

        /// Width and height from the JPEG header in `bytes`. The corresponding C function is `tjDecompressHeader3`.
        func headerSize(of bytes: [UInt8], file: String) throws -> ImageSize {
            var width: Int32 = 0
            var height: Int32 = 0
            var subsampling: Int32 = 0
            var colorspace: Int32 = 0
            let status = bytes.withUnsafeBufferPointer { buffer in
                tjDecompressHeader3(
                    handle, buffer.baseAddress, UInt(buffer.count), &width, &height, &subsampling, &colorspace)
            }
            guard status == 0 else {
                throw ImagingError(
                    .decodingFailed,
                    file: file,
                    function: "tjDecompressHeader3",
                    message: Self.message(tjGetErrorStr2(handle))
                )
            }
            // libturbojpeg 2.1 returns success with a 0×0 size when the data ends before the frame header.
            guard width > 0, height > 0 else {
                throw ImagingError(
                    .decodingFailed,
                    file: file,
                    function: "tjDecompressHeader3",
                    message: "no frame header (SOF) in the \(bytes.count) bytes read; the file is truncated or damaged"
                )
            }
            return ImageSize(width: Int(width), height: Int(height))
        }

        private static func message(_ text: UnsafeMutablePointer<CChar>?) -> String {
            guard let text else { return "unknown libturbojpeg error" }
            return String(cString: text)
        }
    }
}
