internal import CMaskBenchTurboJPEG

/// The one place that calls libturbojpeg: JPEG headers and pixels, decoded as OpenCV's `JpegDecoder` does with
/// libjpeg.
enum JPEGDecoder {
    /// Decodes a whole JPEG file to BGR, with OpenCV's CMYK conversion and EXIF orientation.
    ///
    /// The corresponding C functions are `tjDecompressHeader3` and `tjDecompress2`.
    ///
    /// - Throws: ``ImagingError`` naming `name`: over the budget, truncated, or libturbojpeg's message.
    static func decode(_ bytes: [UInt8], name: String, pixelBudget: Int) throws -> Image {
        let session = try Session(name: name)
        let header = try session.header(of: bytes)
        try ImageDecoder.checkBudget(header.size, pixelBudget: pixelBudget, name: name)
        let isCMYK = header.colorspace == Int32(TJCS_CMYK.rawValue) || header.colorspace == Int32(TJCS_YCCK.rawValue)
        let decoded: Image
        if isCMYK {
            let cmyk = try session.pixels(of: bytes, size: header.size, format: TJPF_CMYK, channels: 4)
            decoded = Image(width: header.size.width, height: header.size.height, pixels: bgr(fromCMYK: cmyk))
        } else {
            let pixels = try session.pixels(of: bytes, size: header.size, format: TJPF_BGR, channels: 3)
            decoded = Image(width: header.size.width, height: header.size.height, pixels: pixels)
        }
        return decoded.applyingEXIFOrientation(EXIFOrientation.read(fromJPEG: bytes))
    }

    /// OpenCV's `icvCvt_CMYK2BGR_8u_C4C3R`: libjpeg hands out Adobe's inverted CMYK, where 255 means no ink.
    static func bgr(fromCMYK cmyk: [UInt8]) -> [UInt8] {
        let count = cmyk.count / 4
        var out = [UInt8](repeating: 0, count: count * 3)
        for pixel in 0..<count {
            let c = Int(cmyk[pixel * 4])
            let m = Int(cmyk[pixel * 4 + 1])
            let y = Int(cmyk[pixel * 4 + 2])
            let k = Int(cmyk[pixel * 4 + 3])
            out[pixel * 3] = UInt8(k - (((255 - y) * k) >> 8))
            out[pixel * 3 + 1] = UInt8(k - (((255 - m) * k) >> 8))
            out[pixel * 3 + 2] = UInt8(k - (((255 - c) * k) >> 8))
        }
        return out
    }

    /// The header fields the decoder needs.
    struct Header {
        var size: ImageSize
        /// A `TJCS_*` value.
        var colorspace: Int32
    }

    /// Owns a TurboJPEG decompression handle; `deinit` releases it with `tjDestroy`.
    final class Session {
        private let handle: tjhandle
        private let name: String

        /// - Throws: ``ImagingError`` when `tjInitDecompress` fails (out of memory).
        init(name: String) throws {
            guard let handle = tjInitDecompress() else {
                throw ImagingError(
                    .decodingFailed,
                    file: name,
                    function: "tjInitDecompress",
                    message: Self.message(tjGetErrorStr2(nil))
                )
            }
            self.handle = handle
            self.name = name
        }

        deinit { tjDestroy(handle) }

        /// The size and colour space from the header. The corresponding C function is `tjDecompressHeader3`.
        func header(of bytes: [UInt8]) throws -> Header {
            var width: Int32 = 0
            var height: Int32 = 0
            var subsampling: Int32 = 0
            var colorspace: Int32 = 0
            let status = bytes.withUnsafeBufferPointer { buffer in
                tjDecompressHeader3(
                    handle, buffer.baseAddress, UInt(buffer.count), &width, &height, &subsampling, &colorspace)
            }
            guard status == 0 else { throw failure("tjDecompressHeader3") }
            // libturbojpeg 2.1 returns success with a 0×0 size when the data ends before the frame header.
            guard width > 0, height > 0 else {
                throw ImagingError(
                    .decodingFailed,
                    file: name,
                    function: "tjDecompressHeader3",
                    message: "no frame header (SOF) in the \(bytes.count) bytes read; the file is truncated or damaged"
                )
            }
            return Header(size: ImageSize(width: Int(width), height: Int(height)), colorspace: colorspace)
        }

        /// The decoded pixels in `format`. The corresponding C function is `tjDecompress2`.
        ///
        /// libjpeg warnings are ignored as OpenCV ignores them, except "Premature end of JPEG file": libjpeg
        /// fills the missing rows with gray, and an evaluation should not score a half-gray photo silently.
        func pixels(of bytes: [UInt8], size: ImageSize, format: TJPF, channels: Int) throws -> [UInt8] {
            let count = size.width * size.height * channels
            var status: Int32 = 0
            let pixels = [UInt8](unsafeUninitializedCapacity: count) { output, initialized in
                output.initialize(repeating: 0)
                status = bytes.withUnsafeBufferPointer { input in
                    tjDecompress2(
                        handle, input.baseAddress, UInt(input.count), output.baseAddress, Int32(size.width),
                        Int32(size.width * channels), Int32(size.height), Int32(format.rawValue), 0)
                }
                initialized = count
            }
            if status != 0 {
                let isWarning = tjGetErrorCode(handle) == Int32(TJERR_WARNING.rawValue)
                let text = Self.message(tjGetErrorStr2(handle))
                if !isWarning || text.contains("Premature end") {
                    throw ImagingError(
                        .decodingFailed, file: name, function: "tjDecompress2",
                        message: isWarning ? "\(text) (the file is truncated)" : text)
                }
            }
            return pixels
        }

        private func failure(_ function: String) -> ImagingError {
            ImagingError(.decodingFailed, file: name, function: function, message: Self.message(tjGetErrorStr2(handle)))
        }

        private static func message(_ text: UnsafeMutablePointer<CChar>?) -> String {
            guard let text else { return "unknown libturbojpeg error" }
            return String(cString: text)
        }
    }
}
