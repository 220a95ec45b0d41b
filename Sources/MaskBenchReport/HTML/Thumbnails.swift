import Foundation
public import MaskBenchCore
import MaskBenchFiles
public import MaskBenchImaging

/// Makes the thumbnails of the gallery of mistakes: a function from an image file and a region of it to a
/// small JPEG, as a struct of one closure so tests and builds without a decoder can supply their own.
public struct Thumbnails: Sendable {
    /// A thumbnail: JPEG bytes showing `region` (image pixels, clamped to the image) of the image.
    public struct Thumbnail: Sendable, Hashable {
        /// A JPEG file.
        public var jpeg: [UInt8]
        /// The part of the image it shows, in image pixels.
        public var region: Box

        public init(jpeg: [UInt8], region: Box) {
            self.jpeg = jpeg
            self.region = region
        }
    }

    /// Returns the thumbnails of `regions` (in order) of the image file at `path`, each at most `maxSide`
    /// pixels on a side, or why that one could not be made; the image is decoded once, and an image that
    /// cannot be read throws.
    public typealias Maker =
        @Sendable (_ path: String, _ regions: [Box], _ maxSide: Int) throws -> [Result<Thumbnail, any Error>]

    /// Makes the thumbnails of one image.
    public var make: Maker

    public init(make: @escaping Maker) {
        self.make = make
    }

    /// Decodes with ``MaskBenchImaging/ImageDecoder`` (PNG or JPEG, pixel budget enforced), crops, scales
    /// down and encodes with libturbojpeg at quality 80.
    public static let imaging = imaging(reusing: nil)

    /// As ``imaging``, taking an image from `decoded` instead of decoding it again when it is kept there
    /// (`maskbench run` keeps what its pipeline decoded).
    public static func imaging(reusing decoded: DecodedImages?) -> Thumbnails {
        Thumbnails { path, regions, maxSide in
            try cut(regions, from: decoded?.image(decodedFrom: path) ?? ImageDecoder.decode(path: path), path, maxSide)
        }
    }

    private static func cut(
        _ regions: [Box], from image: Image, _ path: String, _ maxSide: Int
    )
        -> [Result<Thumbnail, any Error>]
    {
        regions.map { region in
            Result {
                let rect = PixelRect(
                    minX: Int(region.x.rounded(.down)), minY: Int(region.y.rounded(.down)),
                    maxX: Int(region.maxX.rounded(.up)), maxY: Int(region.maxY.rounded(.up))
                ).clamped(toWidth: image.width, height: image.height)
                guard !rect.isEmpty else {
                    throw ReportError(path: path, "the face lies outside the \(image.width)×\(image.height) image")
                }
                let crop = image.cropped(to: rect).resized(toFit: maxSide)
                return Thumbnail(
                    jpeg: try JPEGEncoder.encode(crop, quality: 80),
                    region: Box(
                        x: Double(rect.x), y: Double(rect.y), width: Double(rect.width), height: Double(rect.height)))
            }
        }
    }
}
