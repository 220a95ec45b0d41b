/// Decodes PNG and JPEG files into ``Image`` values with the pixels `cv2.imread(path)` gives.
///
/// The format is told by the first bytes, not by the extension. Before any pixel memory is allocated the
/// header's size is checked against a pixel budget, so a small file announcing a huge image (a decompression
/// bomb) is refused with an error instead of exhausting memory.
///
/// Parity with OpenCV 4.6 `imread(path, IMREAD_COLOR)`:
/// - PNG: 16-bit samples keep their high byte, alpha and tRNS are dropped (not blended), palettes and gray
///   expand to BGR; the orientation of an `eXIf` chunk before the image data is applied.
/// - JPEG: libjpeg-turbo's default (accurate) DCT and fancy upsampling; gray expands to BGR; CMYK and YCCK
///   are converted to BGR with OpenCV's formula for inverted (Adobe) CMYK; the EXIF orientation tag is
///   applied.
///
/// One deliberate difference: a JPEG that ends early is an error here, where OpenCV fills the missing rows
/// with gray and only prints a warning. Other libjpeg warnings (stray bytes before a marker) are ignored as
/// OpenCV ignores them.
public enum ImageDecoder {
    /// The default pixel budget: 50 megapixels (a 150 MB BGR buffer).
    public static let defaultPixelBudget = 50_000_000

    /// Decodes the PNG or JPEG file at `path`.
    ///
    /// - Parameters:
    ///   - path: The image file.
    ///   - pixelBudget: The largest `width * height` accepted.
    /// - Returns: The BGR image.
    /// - Throws: ``ImagingError`` naming the file: unreadable, neither PNG nor JPEG, over the budget, or
    ///   rejected by libpng / libturbojpeg (with the C function and the library's message).
    public static func decode(path: String, pixelBudget: Int = defaultPixelBudget) throws -> Image {
        try decode(bytes: FileBytes.read(path: path), name: path, pixelBudget: pixelBudget)
    }

    /// Decodes a PNG or JPEG file already in memory.
    ///
    /// - Parameters:
    ///   - bytes: The whole file.
    ///   - name: The file's name, used in error messages.
    ///   - pixelBudget: The largest `width * height` accepted.
    /// - Returns: The BGR image.
    /// - Throws: ``ImagingError`` naming `name`, as ``decode(path:pixelBudget:)``.
    public static func decode(bytes: [UInt8], name: String, pixelBudget: Int = defaultPixelBudget) throws -> Image {
        switch ImageFileFormat(signature: bytes.prefix(ImageFileFormat.signatureLength)) {
        case .png: return try PNGDecoder.decode(bytes, name: name, pixelBudget: pixelBudget)
        case .jpeg: return try JPEGDecoder.decode(bytes, name: name, pixelBudget: pixelBudget)
        case nil:
            throw ImagingError(
                .unsupportedFormat,
                file: name,
                message: bytes.isEmpty
                    ? "empty file; expected a PNG or JPEG image"
                    : "not a PNG or JPEG image (unknown signature \(hex(bytes.prefix(4))))"
            )
        }
    }

    /// Throws when a `size` image would exceed `pixelBudget`; called before allocating its pixels.
    static func checkBudget(_ size: ImageSize, pixelBudget: Int, name: String) throws {
        let (pixels, overflow) = size.width.multipliedReportingOverflow(by: size.height)
        guard overflow || pixels > pixelBudget else { return }
        throw ImagingError(
            .overPixelBudget,
            file: name,
            message: "\(size) image (\(megapixels(Double(size.width) * Double(size.height))) megapixels) "
                + "exceeds the pixel budget of \(megapixels(Double(pixelBudget))) megapixels"
        )
    }

    /// `count` in megapixels with one decimal, as `12.3`.
    private static func megapixels(_ count: Double) -> String {
        let tenths = (count / 100_000).rounded()
        guard tenths < 1e15 else { return "\(tenths / 10)" }
        let whole = Int(tenths)
        return "\(whole / 10).\(whole % 10)"
    }

    private static func hex(_ bytes: some Collection<UInt8>) -> String {
        bytes.map { byte in
            let digits = String(byte, radix: 16, uppercase: true)
            return digits.count == 1 ? "0" + digits : digits
        }.joined(separator: " ")
    }
}
