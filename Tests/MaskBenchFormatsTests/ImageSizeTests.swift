import MaskBenchImaging
import Testing

@Suite struct ImageSizeTests {
    @Test(arguments: [
        ("images/rgb-8x6.png", 8, 6),
        ("images/rgba-5x3.png", 5, 3),
        ("images/gray-16x12.jpg", 16, 12),
        ("yolo/images/crowd.jpg", 20, 10),
    ])
    func readsTheSizeFromTheHeader(file: String, width: Int, height: Int) throws {
        let size = try ImageSize.read(path: FormatFixtures.path(file))
        #expect(size == ImageSize(width: width, height: height))
    }

    @Test func detectsTheFormatByMagicBytesNotByExtension() throws {
        let path = FormatFixtures.path("images/jpeg-named.png")
        #expect(try ImageSize.format(path: path) == .jpeg)
        #expect(try ImageSize.read(path: path) == ImageSize(width: 16, height: 12))
    }

    @Test func signatures() {
        #expect(ImageFileFormat(signature: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) == .png)
        #expect(ImageFileFormat(signature: [0xFF, 0xD8, 0xFF, 0xE0]) == .jpeg)
        #expect(ImageFileFormat(signature: [0x89, 0x50, 0x4E]) == nil)
        #expect(ImageFileFormat(signature: [UInt8]()) == nil)
    }

    @Test func rejectsAFileThatIsNoImage() {
        let path = FormatFixtures.path("images/not-an-image.png")
        let error = #expect(throws: ImagingError.self) { try ImageSize.read(path: path) }
        #expect(error?.kind == .unsupportedFormat)
        #expect(error?.description.hasPrefix(path) == true)
    }

    @Test(arguments: [
        ("images/truncated.png", "png_image_begin_read_from_file"),
        ("images/bad-crc.png", "png_image_begin_read_from_file"),
        ("images/truncated.jpg", "tjDecompressHeader3"),
    ])
    func reportsTheCFunctionAndTheLibraryMessage(file: String, function: String) {
        let path = FormatFixtures.path(file)
        let error = #expect(throws: ImagingError.self) { try ImageSize.read(path: path) }
        #expect(error?.kind == .decodingFailed)
        #expect(error?.function == function)
        #expect(error?.message.isEmpty == false)
        #expect(error?.description.contains("\(path): \(function): ") == true)
    }

    @Test func reportsAMissingFile() {
        let error = #expect(throws: ImagingError.self) { try ImageSize.read(path: "/nonexistent/x.png") }
        #expect(error?.kind == .unreadableFile)
        #expect(error?.description.contains("/nonexistent/x.png") == true)
        #expect(error?.description == "/nonexistent/x.png: cannot read: no such file or directory")
    }
}
