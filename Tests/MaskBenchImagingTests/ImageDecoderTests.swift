import Foundation
import MaskBenchImaging
import MaskBenchTestSupport
import Testing

@Suite struct ImageDecoderTests {
    // MARK: - Parity with cv2.imread

    @Test(arguments: ImagingVectors.fixtureCases)
    func oddFormatsDecodeAsOpenCVDoes(_ vector: ImreadCase) throws {
        let image = try ImageDecoder.decode(path: vector.url.path)
        #expect(image.width == vector.width)
        #expect(image.height == vector.height)
        #expect(ImagingVectors.sha256(image) == vector.sha256)
    }

    // Needs ../shared (Kaggle images and reference photos); skipped on a fresh machine.
    @Test(.enabled(if: ImagingVectors.sharedAvailable, "needs ../shared/datasets and ../shared/reference"))
    func sharedImagesDecodeAsOpenCVDoes() throws {
        var mismatches: [String] = []
        for vector in ImagingVectors.sharedCases {
            let image = try ImageDecoder.decode(path: vector.url.path)
            if image.width != vector.width || image.height != vector.height
                || ImagingVectors.sha256(image) != vector.sha256
            {
                mismatches.append(vector.path)
            }
        }
        #expect(ImagingVectors.sharedCases.count > 200)
        #expect(mismatches.isEmpty, "pixels differ from cv2.imread: \(mismatches)")
    }

    @Test func sixteenBitSamplesAreTruncatedAndAlphaIsDropped() throws {
        // The first pixel of rgba16.png is R 0x12FF, G 0x34FF, B 0x5680, A 0: high bytes, no blending.
        let image = try ImageDecoder.decode(path: ImagingVectors.fixture("rgba16.png").path)
        #expect(image[0, 0] == Image.Color(red: 0x12, green: 0x34, blue: 0x56))
    }

    @Test func grayExpandsToThreeEqualChannels() throws {
        let image = try ImageDecoder.decode(path: ImagingVectors.fixture("gray8.png").path)
        for y in 0..<image.height {
            for x in 0..<image.width {
                let color = image[x, y]
                #expect(color.red == color.green && color.green == color.blue)
            }
        }
    }

    @Test func exifOrientationSixTurnsTheImage() throws {
        let image = try ImageDecoder.decode(path: ImagingVectors.fixture("exif-orientation6.jpg").path)
        #expect(image.size == ImageSize(width: 12, height: 16))
        // The header still says 16×12: only decoding applies the orientation.
        #expect(try ImageSize.read(path: ImagingVectors.fixture("exif-orientation6.jpg").path).width == 16)
    }

    // MARK: - Errors name the file

    @Test func truncatedPNGIsAnErrorNamingTheFile() throws {
        let bytes = try [UInt8](Data(contentsOf: ImagingVectors.fixture("rgb-interlaced.png")))
        let error = #expect(throws: ImagingError.self) {
            try ImageDecoder.decode(bytes: Array(bytes.prefix(bytes.count / 2)), name: "cut.png")
        }
        #expect(error?.kind == .decodingFailed)
        #expect(error?.description.hasPrefix("cut.png: ") == true)
    }

    @Test func truncatedJPEGIsAnErrorNamingTheFile() throws {
        let bytes = try [UInt8](Data(contentsOf: ImagingVectors.fixture("gray.jpg")))
        let error = #expect(throws: ImagingError.self) {
            try ImageDecoder.decode(bytes: Array(bytes.prefix(bytes.count - 60)), name: "cut.jpg")
        }
        #expect(error?.kind == .decodingFailed)
        #expect(error?.description.contains("cut.jpg: tjDecompress2:") == true)
        #expect(error?.description.contains("truncated") == true)
    }

    @Test func jpegCutBeforeTheFrameHeaderIsAnError() {
        let error = #expect(throws: ImagingError.self) {
            try ImageDecoder.decode(bytes: [0xFF, 0xD8, 0xFF, 0xE0, 0x00], name: "stub.jpg")
        }
        #expect(error?.kind == .decodingFailed)
        #expect(error?.file == "stub.jpg")
    }

    @Test func zeroByteFileIsAnErrorNamingTheFile() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("maskbench-empty-\(getpid()).png")
        try Data().write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        let error = #expect(throws: ImagingError.self) { try ImageDecoder.decode(path: url.path) }
        #expect(error?.kind == .unsupportedFormat)
        #expect(error?.description == "\(url.path): empty file; expected a PNG or JPEG image")
    }

    @Test func nonImageIsAnErrorNamingTheFile() {
        let error = #expect(throws: ImagingError.self) {
            try ImageDecoder.decode(bytes: Array("GIF89a and more".utf8), name: "anim.gif")
        }
        #expect(error?.kind == .unsupportedFormat)
        #expect(error?.description == "anim.gif: not a PNG or JPEG image (unknown signature 47 49 46 38)")
    }

    @Test func missingFileIsAnErrorNamingTheFile() {
        let error = #expect(throws: ImagingError.self) { try ImageDecoder.decode(path: "/nonexistent/a.png") }
        #expect(error?.kind == .unreadableFile)
        #expect(error?.file == "/nonexistent/a.png")
    }

    /// Opening a FIFO for reading would wait for a writer forever: it is refused before it is opened, as
    /// sockets and devices are.
    @Test func aFIFOIsRefusedWithoutBeingOpened() throws {
        let folder = try Command.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let fifo = folder.appendingPathComponent("a.png").path
        #expect(mkfifo(fifo, 0o644) == 0)
        let reads: [() throws -> Void] = [
            { _ = try ImageDecoder.decode(path: fifo) }, { _ = try ImageSize.read(path: fifo) },
        ]
        for read in reads {
            let error = #expect(throws: ImagingError.self) { try read() }
            #expect(error?.kind == .unreadableFile)
            #expect(
                error?.description == "\(fifo): not a regular file but a FIFO (named pipe); give a file saved on disk")
        }
    }

    @Test(arguments: ["rgb-interlaced.png", "cmyk.jpg"])
    func imageOverThePixelBudgetIsRefusedBeforeDecoding(_ name: String) throws {
        let path = ImagingVectors.fixture(name).path
        let error = #expect(throws: ImagingError.self) { try ImageDecoder.decode(path: path, pixelBudget: 100) }
        #expect(error?.kind == .overPixelBudget)
        #expect(error?.description.hasPrefix("\(path): ") == true)
        #expect(error?.description.contains("exceeds the pixel budget of 0.0 megapixels") == true)
        #expect(try ImageDecoder.decode(path: path, pixelBudget: 16 * 12).pixels.isEmpty == false)
    }

    @Test func headerAnnouncingAGiantImageIsRefusedWithoutAllocating() throws {
        // A valid PNG header claiming 100000×100000 pixels followed by no image data.
        var bytes = try [UInt8](Data(contentsOf: ImagingVectors.fixture("gray8.png")))
        bytes.replaceSubrange(16..<24, with: [0, 1, 0x86, 0xA0, 0, 1, 0x86, 0xA0])
        let crc = PNGChunkCRC.crc32(bytes[12..<29])
        bytes.replaceSubrange(
            29..<33, with: [UInt8(crc >> 24), UInt8(crc >> 16 & 0xFF), UInt8(crc >> 8 & 0xFF), UInt8(crc & 0xFF)])
        let error = #expect(throws: ImagingError.self) { try ImageDecoder.decode(bytes: bytes, name: "bomb.png") }
        #expect(error?.kind == .overPixelBudget)
        #expect(
            error?.description
                == "bomb.png: 100000×100000 image (10000.0 megapixels) exceeds the pixel budget of 50.0 megapixels")
    }
}

/// CRC-32 as PNG chunks use it, to forge a header in a test.
enum PNGChunkCRC {
    static func crc32(_ bytes: some Sequence<UInt8>) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        }
        return ~crc
    }
}
