import MaskBenchCore
import MaskBenchImaging
import MaskBenchReport
import Testing

/// The gallery's thumbnails cut from images `maskbench run` already decoded.
@Suite struct ThumbnailsTests {
    /// A 40×30 image whose pixel (x, y) is blue x, green y, red 100.
    private let image = Image(
        width: 40, height: 30,
        pixels: (0..<30).flatMap { y in (0..<40).flatMap { x in [UInt8(x), UInt8(y), 100] } })

    @Test func aKeptImageIsCutWithoutReadingItsFile() throws {
        let kept = DecodedImages()
        let path = "/nonexistent/maskbench-thumbnails/face.png"
        kept.keep(image, decodedFrom: path)
        let region = Box(x: 10.5, y: 4, width: 12, height: 9.2)
        let thumbnail = try #require(try Thumbnails.imaging(reusing: kept).make(path, [region], 64).first?.get())
        #expect(thumbnail.region == Box(x: 10, y: 4, width: 13, height: 10))
        #expect(thumbnail.jpeg.starts(with: [0xFF, 0xD8, 0xFF]))
        let decoded = try ImageDecoder.decode(bytes: thumbnail.jpeg, name: "thumbnail.jpg")
        #expect(decoded.size == ImageSize(width: 13, height: 10))
        // Without the kept image the file is read, and it is not there.
        #expect(throws: ImagingError.self) { try Thumbnails.imaging.make(path, [region], 64) }
        #expect(throws: ImagingError.self) { try Thumbnails.imaging(reusing: DecodedImages()).make(path, [region], 64) }
    }
}
