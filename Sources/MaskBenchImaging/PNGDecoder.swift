internal import CMaskBenchPNGDecode

/// The one place that calls the C shim over libpng's classic API (`CMaskBenchPNGDecode`), which holds the
/// `setjmp` for libpng's `longjmp` so that no jump crosses a Swift frame.
enum PNGDecoder {
    private static let messageCapacity = 256

    /// Decodes a whole PNG file to BGR as OpenCV's `PngDecoder` does, then applies an `eXIf` orientation as
    /// `imread` does.
    ///
    /// Which of the C shim's routes decodes; tests compare them.
    enum Route {
        /// The faster route when it takes the file, else libpng (`mbpng_decode_bgr`).
        case automatic
        /// libpng alone (`mbpng_decode_bgr_libpng`).
        case libpng
        /// The faster route alone (`mbpng_decode_bgr_fast`); a file it does not take is an error.
        case fast
    }

    /// The corresponding C functions are `mbpng_read_header` and, by `route`, `mbpng_decode_bgr*`.
    ///
    /// - Throws: ``ImagingError`` naming `name`: over the budget, or libpng's message.
    static func decode(_ bytes: [UInt8], name: String, pixelBudget: Int, route: Route = .automatic) throws -> Image {
        var header = mbpng_header()
        var message = [CChar](repeating: 0, count: messageCapacity)
        let headerStatus = bytes.withUnsafeBufferPointer { input in
            mbpng_read_header(input.baseAddress, input.count, &header, &message, messageCapacity)
        }
        guard headerStatus == 0 else {
            throw ImagingError(.decodingFailed, file: name, function: "png_read_info", message: text(message))
        }
        let size = ImageSize(width: Int(header.width), height: Int(header.height))
        try ImageDecoder.checkBudget(size, pixelBudget: pixelBudget, name: name)

        let count = size.width * size.height * Image.channels
        var status: Int32 = 0
        let pixels = [UInt8](unsafeUninitializedCapacity: count) { output, initialized in
            // Zeroed first: on failure libpng has written only part of the buffer.
            output.initialize(repeating: 0)
            status = bytes.withUnsafeBufferPointer { input in
                let (data, size, pixels) = (input.baseAddress, input.count, output.baseAddress)
                return switch route {
                case .automatic: mbpng_decode_bgr(data, size, pixels, count, &message, messageCapacity)
                case .libpng: mbpng_decode_bgr_libpng(data, size, pixels, count, &message, messageCapacity)
                case .fast: mbpng_decode_bgr_fast(data, size, pixels, count)
                }
            }
            initialized = count
        }
        guard status == 0 else {
            throw ImagingError(.decodingFailed, file: name, function: "png_read_image", message: text(message))
        }
        return Image(width: size.width, height: size.height, pixels: pixels)
            .applyingEXIFOrientation(EXIFOrientation.read(fromPNG: bytes))
    }

    private static func text(_ message: [CChar]) -> String {
        let bytes = message.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }
        return bytes.isEmpty ? "unknown libpng error" : String(decoding: bytes, as: UTF8.self)
    }
}
