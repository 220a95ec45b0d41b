internal import CMaskBenchPNG

/// The one place that calls libpng: the size of a PNG from its header, without decoding pixels.
enum PNGHeader {
    /// Width and height of the PNG at `path`.
    ///
    /// Uses libpng's simplified API, which reports errors in `png_image.message` instead of
    /// `longjmp`-ing through Swift frames. The corresponding C function is `png_image_begin_read_from_file`.
    ///
    /// - Throws: ``ImagingError`` of kind `decodingFailed` with libpng's message.
    static func size(path: String) throws -> ImageSize {
        var image = png_image()
        image.version = png_uint_32(PNG_IMAGE_VERSION)
        // Frees the read structures on success; on failure libpng has freed them already and this is a no-op.
        defer { png_image_free(&image) }
        guard png_image_begin_read_from_file(&image, path) != 0 else {
            throw ImagingError(
                .decodingFailed,
                file: path,
                function: "png_image_begin_read_from_file",
                message: message(of: image)
            )
        }
        return ImageSize(width: Int(image.width), height: Int(image.height))
    }

    /// The NUL-terminated text in `image.message`, a fixed `char[64]` that Swift sees as a tuple.
    private static func message(of image: png_image) -> String {
        let text = withUnsafeBytes(of: image.message) { raw in
            String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
        }
        return text.isEmpty ? "unknown libpng error" : text
    }
}
