import MaskBenchInference
import Testing

@Suite struct OpenCVImagingTests {
    @Test func bgrToRGBSwapsTheOuterChannels() throws {
        let bgr: [UInt8] = [1, 2, 3, 10, 20, 30]
        let rgb = try bgr.withUnsafeBufferPointer {
            try OpenCVImaging.convertColor($0, width: 2, height: 1, .bgrToRGB)
        }
        #expect(rgb == [3, 2, 1, 30, 20, 10])
    }

    @Test func grayUsesOpenCVsFixedPointWeights() throws {
        // Pure blue, green, red: OpenCV's 0.114/0.587/0.299 in 14-bit fixed point round to 29, 150, 76.
        let bgr: [UInt8] = [255, 0, 0, 0, 255, 0, 0, 0, 255]
        let gray = try bgr.withUnsafeBufferPointer {
            try OpenCVImaging.convertColor($0, width: 3, height: 1, .bgrToGray)
        }
        #expect(gray == [29, 150, 76])
    }

    @Test func linearResizeUsesHalfPixelCentres() throws {
        let row: [UInt8] = [0, 100]
        let resized = try row.withUnsafeBufferPointer {
            try OpenCVImaging.resize(
                $0, width: 2, height: 1, channels: 1, toWidth: 4, height: 1, interpolation: .linear)
        }
        #expect(resized == [0, 25, 75, 100])
    }

    @Test func areaResizeAveragesBlocks() throws {
        let pixels: [UInt8] = [
            0, 2, 10, 10,
            4, 6, 20, 30,
            1, 1, 5, 5,
            1, 1, 5, 5,
        ]
        let resized = try pixels.withUnsafeBufferPointer {
            try OpenCVImaging.resize($0, width: 4, height: 4, channels: 1, toWidth: 2, height: 2, interpolation: .area)
        }
        #expect(resized == [3, 18, 1, 5])
    }

    @Test func rowStrideReadsACropInPlace() throws {
        // A 2×2 crop at (1, 1) of a 4×3 single-channel image.
        let image: [UInt8] = [
            9, 9, 9, 9,
            9, 1, 2, 9,
            9, 3, 4, 9,
        ]
        let resized = try image.withUnsafeBufferPointer { buffer in
            try OpenCVImaging.resize(
                UnsafeBufferPointer(rebasing: buffer[5...]),
                width: 2,
                height: 2,
                channels: 1,
                rowStride: 4,
                toWidth: 1,
                height: 1,
                interpolation: .area
            )
        }
        #expect(resized == [3])  // OpenCV's integer path for an exact 2× reduction: (1 + 2 + 3 + 4 + 2) >> 2
    }

    @Test func blobSubtractsTheMeanInOutputChannelOrder() throws {
        let bgr: [UInt8] = [10, 20, 30]
        let blob = try bgr.withUnsafeBufferPointer {
            try OpenCVImaging.blob(
                $0,
                width: 1,
                height: 1,
                channels: 3,
                scale: 0.5,
                blobWidth: 1,
                blobHeight: 1,
                mean: [1, 2, 3],
                swapRedBlue: true
            )
        }
        #expect(blob == [14.5, 9, 3.5])
    }

    @Test func bufferTooSmallIsRejected() throws {
        let pixels = [UInt8](repeating: 0, count: 5)
        let error = try #require(throws: InferenceError.self) {
            try pixels.withUnsafeBufferPointer {
                try OpenCVImaging.resize(
                    $0, width: 2, height: 1, channels: 3, toWidth: 1, height: 1, interpolation: .area)
            }
        }
        #expect(error.kind == .invalidArgument)
    }

    /// The planes through the tables are the look-up loop's, for either channel order and pixel counts around the
    /// C loop's (none has a remainder, but a face's 50,176 and a few pixels both).
    @Test(arguments: [1, 2, 17, 50_176])
    func planesAreTheTablesLookUps(pixels: Int) {
        var generator = SystemRandomNumberGenerator()
        let image = (0..<(pixels * 3)).map { _ in UInt8.random(in: 0...255, using: &generator) }
        let table: [Float] = (0..<(3 * 256)).map { index in Float(index % 256) / 127.5 - Float(index / 256) }
        for sources: [Int32] in [[0, 1, 2], [2, 1, 0]] {
            var planes = [Float](repeating: .nan, count: 3 * pixels)
            image.withUnsafeBufferPointer { image in
                table.withUnsafeBufferPointer { table in
                    OpenCVImaging.planes(from: image, sources: sources, table: table, into: &planes)
                }
            }
            var expected: [Float] = []
            for channel in 0..<3 {
                for pixel in 0..<pixels {
                    let byte = Int(image[pixel * 3 + Int(sources[channel])])
                    expected.append(table[channel * 256 + byte])
                }
            }
            #expect(planes == expected, "\(pixels) pixels, sources \(sources)")
        }
    }
}
