import MaskBenchImaging
import Testing

@Suite struct ImageEditingTests {
    /// A `width`×`height` image whose pixel (x, y) is blue x, green y, red x + 10·y.
    private func gradient(width: Int, height: Int) -> Image {
        var pixels: [UInt8] = []
        for y in 0..<height {
            for x in 0..<width { pixels += [UInt8(x), UInt8(y), UInt8(x + 10 * y)] }
        }
        return Image(width: width, height: height, pixels: pixels)
    }

    @Test func cropKeepsThePixelsOfTheRectangle() {
        let crop = gradient(width: 6, height: 5).cropped(to: PixelRect(x: 2, y: 1, width: 3, height: 2))
        #expect(crop.size == ImageSize(width: 3, height: 2))
        #expect(crop[0, 0] == Image.Color(blue: 2, green: 1, red: 12))
        #expect(crop[2, 1] == Image.Color(blue: 4, green: 2, red: 24))
    }

    @Test func cropIsClampedToTheImage() {
        let crop = gradient(width: 6, height: 5).cropped(to: PixelRect(x: -3, y: 3, width: 5, height: 10))
        #expect(crop.size == ImageSize(width: 2, height: 2))
        #expect(crop[0, 0] == Image.Color(blue: 0, green: 3, red: 30))
    }

    @Test func cropOutsideTheImageIsEmpty() {
        let crop = gradient(width: 6, height: 5).cropped(to: PixelRect(x: 6, y: 0, width: 4, height: 4))
        #expect(crop.size == ImageSize(width: 0, height: 0))
        #expect(crop.pixels.isEmpty)
    }

    @Test func resizeAveragesTheAreaEachPixelCovers() {
        // 4×2 → 2×1: each output pixel is the mean of a 2×2 block.
        let image = Image(
            width: 4, height: 2,
            pixels: [0, 0, 0, 10, 10, 10, 100, 100, 100, 200, 200, 200, 20, 20, 20, 30, 30, 30, 0, 0, 0, 1, 1, 1])
        let small = image.resized(toFit: 2)
        #expect(small.size == ImageSize(width: 2, height: 1))
        #expect(small[0, 0] == Image.Color(red: 15, green: 15, blue: 15))
        #expect(small[1, 0] == Image.Color(red: 75, green: 75, blue: 75))  // 301 / 4 = 75.25
    }

    @Test func resizeByAFractionalFactorKeepsAFlatImageFlat() {
        let flat = Image(width: 7, height: 5, color: Image.Color(red: 200, green: 100, blue: 50))
        let small = flat.resized(toFit: 3)
        #expect(small.size == ImageSize(width: 3, height: 2))
        #expect(small == Image(width: 3, height: 2, color: Image.Color(red: 200, green: 100, blue: 50)))
    }

    @Test func imageThatFitsIsNotResized() {
        let image = gradient(width: 6, height: 5)
        #expect(image.resized(toFit: 6) == image)
    }

    @Test func rectangleOutlineIsDrawnInsideItsBounds() {
        var image = Image(width: 8, height: 8, color: Image.Color(red: 0, green: 0, blue: 0))
        let red = Image.Color(red: 255, green: 0, blue: 0)
        image.drawRectangle(PixelRect(x: 1, y: 1, width: 6, height: 5), color: red, thickness: 2)
        #expect(image[1, 1] == red)
        #expect(image[6, 5] == red)
        #expect(image[2, 2] == red)
        #expect(image[3, 3] == Image.Color(red: 0, green: 0, blue: 0))  // the inside stays
        #expect(image[0, 0] == Image.Color(red: 0, green: 0, blue: 0))  // the outside too
        #expect(image[7, 6] == Image.Color(red: 0, green: 0, blue: 0))
    }

    @Test func rectangleLeavingTheImageIsDrawnWhereVisible() {
        var image = Image(width: 4, height: 4, color: Image.Color(red: 0, green: 0, blue: 0))
        let green = Image.Color(red: 0, green: 255, blue: 0)
        image.drawRectangle(PixelRect(x: -2, y: 1, width: 4, height: 10), color: green, thickness: 1)
        #expect(image[1, 1] == green)  // the right edge, column 1
        #expect(image[0, 1] == green)  // the top edge
        #expect(image[0, 2] == Image.Color(red: 0, green: 0, blue: 0))
    }

    @Test func jpegRoundTripKeepsSizeAndColour() throws {
        let image = Image(width: 16, height: 9, color: Image.Color(red: 200, green: 120, blue: 40))
        let bytes = try JPEGEncoder.encode(image, quality: 95)
        #expect(bytes.starts(with: [0xFF, 0xD8, 0xFF]))
        let decoded = try ImageDecoder.decode(bytes: bytes, name: "roundtrip.jpg")
        #expect(decoded.size == image.size)
        let color = decoded[8, 4]
        #expect(abs(Int(color.red) - 200) <= 2 && abs(Int(color.green) - 120) <= 2 && abs(Int(color.blue) - 40) <= 2)
    }

    @Test func encodingAnEmptyImageIsAnError() {
        let error = #expect(throws: ImagingError.self) {
            try JPEGEncoder.encode(Image(width: 0, height: 0, pixels: []), quality: 90)
        }
        #expect(error?.kind == .encodingFailed)
    }
}
