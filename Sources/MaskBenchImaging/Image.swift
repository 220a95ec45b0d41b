/// A decoded 8-bit colour image: BGR samples, interleaved, rows top to bottom, 3 bytes per pixel.
///
/// This is the memory layout of `cv2.imread(path)` (`IMREAD_COLOR`), so pixels hashed or fed to a network here
/// are the same bytes as in the Python tools MaskBench is compared with.
public struct Image: Sendable, Hashable {
    /// Columns.
    public let width: Int
    /// Rows.
    public let height: Int
    /// `width * height * 3` bytes: blue, green, red for each pixel, rows top to bottom.
    public internal(set) var pixels: [UInt8]

    /// The number of bytes per pixel (blue, green, red).
    public static let channels = 3

    /// Creates an image from BGR pixels.
    ///
    /// - Precondition: `width` and `height` are not negative and `pixels.count == width * height * 3`.
    public init(width: Int, height: Int, pixels: [UInt8]) {
        precondition(width >= 0 && height >= 0, "negative image size \(width)×\(height)")
        precondition(
            pixels.count == width * height * Self.channels,
            "\(pixels.count) bytes for a \(width)×\(height) BGR image"
        )
        self.width = width
        self.height = height
        self.pixels = pixels
    }

    /// Creates an image of one colour.
    public init(width: Int, height: Int, color: Color) {
        var pixels = [UInt8](repeating: 0, count: max(width, 0) * max(height, 0) * Self.channels)
        for index in stride(from: 0, to: pixels.count, by: Self.channels) {
            pixels[index] = color.blue
            pixels[index + 1] = color.green
            pixels[index + 2] = color.red
        }
        self.init(width: width, height: height, pixels: pixels)
    }

    /// The size of the image.
    public var size: ImageSize { ImageSize(width: width, height: height) }

    /// The colour at column `x`, row `y`.
    ///
    /// - Precondition: the pixel is inside the image.
    public subscript(x: Int, y: Int) -> Color {
        precondition(x >= 0 && x < width && y >= 0 && y < height, "pixel (\(x), \(y)) outside \(width)×\(height)")
        let index = (y * width + x) * Self.channels
        return Color(blue: pixels[index], green: pixels[index + 1], red: pixels[index + 2])
    }

    /// An 8-bit colour, stored blue first as OpenCV stores it.
    public struct Color: Sendable, Hashable {
        /// Blue.
        public var blue: UInt8
        /// Green.
        public var green: UInt8
        /// Red.
        public var red: UInt8

        /// Creates a colour; the arguments are in the usual red, green, blue order.
        public init(red: UInt8, green: UInt8, blue: UInt8) {
            self.red = red
            self.green = green
            self.blue = blue
        }

        /// Creates a colour from its channels in memory order.
        public init(blue: UInt8, green: UInt8, red: UInt8) {
            self.init(red: red, green: green, blue: blue)
        }
    }
}
