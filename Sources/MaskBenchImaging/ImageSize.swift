/// The pixel size of an image, read from its file header without decoding any pixels.
public struct ImageSize: Sendable, Hashable, CustomStringConvertible {
    /// Columns.
    public var width: Int
    /// Rows.
    public var height: Int

    /// Creates a size.
    public init(width: Int, height: Int) {
        self.width = width
        self.height = height
    }

    /// `width×height`, as in `400×267`.
    public var description: String { "\(width)×\(height)" }

    /// The size of the PNG or JPEG image at `path`.
    ///
    /// The format is told by the file's first bytes, not by its extension, so a JPEG named `.png` is read
    /// as a JPEG. Only the header is read: libpng's `png_image_begin_read_from_file` for PNG, libturbojpeg's
    /// `tjDecompressHeader3` for JPEG.
    ///
    /// - Parameter path: The image file.
    /// - Returns: The width and height in pixels.
    /// - Throws: ``ImagingError`` naming the file, and for library failures the C function and its message.
    public static func read(path: String) throws -> ImageSize {
        let signature = try FileBytes.read(path: path, maxCount: ImageFileFormat.signatureLength)
        switch ImageFileFormat(signature: signature) {
        case .png: return try PNGHeader.size(path: path)
        case .jpeg: return try JPEGHeader.size(path: path)
        case nil:
            throw ImagingError(
                .unsupportedFormat,
                file: path,
                message: signature.isEmpty
                    ? "empty file; expected a PNG or JPEG image"
                    : "not a PNG or JPEG image (unknown signature \(hex(signature.prefix(4))))"
            )
        }
    }

    /// The format of the image at `path`, from its first bytes; `nil` when it is neither PNG nor JPEG.
    ///
    /// - Throws: ``ImagingError`` when the file cannot be read.
    public static func format(path: String) throws -> ImageFileFormat? {
        ImageFileFormat(signature: try FileBytes.read(path: path, maxCount: ImageFileFormat.signatureLength))
    }

    private static func hex(_ bytes: some Collection<UInt8>) -> String {
        bytes.map { byte in
            let digits = String(byte, radix: 16, uppercase: true)
            return digits.count == 1 ? "0" + digits : digits
        }.joined(separator: " ")
    }
}
