import CMaskBenchPNG
import Foundation

/// Reads the reference crops for the classifier tests with libpng's simplified API, as BGR bytes (what
/// `cv2.imread` gives), without depending on MaskBenchImaging's decoder.
enum ReferencePNG {
    struct ReadError: Error, CustomStringConvertible {
        var description: String
    }

    /// The BGR pixels (tightly packed), width and height of an 8-bit PNG.
    static func readBGR(_ url: URL) throws -> (pixels: [UInt8], width: Int, height: Int) {
        var image = png_image()
        image.version = UInt32(PNG_IMAGE_VERSION)
        guard png_image_begin_read_from_file(&image, url.path) != 0 else {
            throw ReadError(description: "\(url.path): png_image_begin_read_from_file: \(message(of: &image))")
        }
        image.format = UInt32(PNG_FORMAT_FLAG_COLOR | PNG_FORMAT_FLAG_BGR)
        let width = Int(image.width)
        let height = Int(image.height)
        var pixels = [UInt8](repeating: 0, count: width * height * 3)
        let ok = pixels.withUnsafeMutableBytes { buffer in
            png_image_finish_read(&image, nil, buffer.baseAddress, 0, nil)
        }
        guard ok != 0 else {
            png_image_free(&image)
            throw ReadError(description: "\(url.path): png_image_finish_read: \(message(of: &image))")
        }
        return (pixels, width, height)
    }

    private static func message(of image: inout png_image) -> String {
        withUnsafeBytes(of: &image.message) { raw in
            String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
        }
    }
}
