import CMaskBenchDNNTestSupport
import Testing

/// The Keras importer's own convolution layer against OpenCV's Convolution, each followed by a BatchNorm and
/// optionally a ReLU6 (which the layer takes in), on seeded random data, in every variant this CPU runs.
@Suite struct ConvolutionLayerTests {
    /// input channels, output channels, height, width, kernel h/w, stride h/w, pads top/bottom/left/right.
    static let geometries: [[Int32]] = [
        [16, 24, 7, 7, 1, 1, 1, 1, 0, 0, 0, 0],  // pointwise over 49 pixels: a tile of 48 and one of 1
        [24, 16, 14, 14, 1, 1, 1, 1, 0, 0, 0, 0],  // 196 pixels: four tiles of 48 and one of 4
        [32, 8, 5, 9, 1, 1, 1, 1, 0, 0, 0, 0],  // 45 pixels: one tile, its last vector partly used
        [8, 16, 1, 53, 1, 1, 1, 1, 0, 0, 0, 0],  // 53 pixels: a tile of 48 and a narrow one of 5
        [8, 16, 1, 61, 1, 1, 1, 1, 0, 0, 0, 0],  // 61 pixels: a tile of 48 and one of 13 (a partial vector)
        [8, 8, 9, 9, 1, 1, 2, 2, 0, 0, 0, 0],  // 1x1 at stride 2: packed, not read in place
        [6, 8, 5, 7, 1, 1, 1, 1, 1, 0, 2, 1],  // 1x1 with padding: packed, zeros around the image
        [5, 13, 6, 11, 1, 1, 1, 1, 0, 0, 0, 0],  // output channels not a multiple of the tile's 8
        [3, 16, 20, 20, 3, 3, 2, 2, 0, 1, 0, 1],  // MobileNetV2's first: 'same' at stride 2, extra pixel bottom/right
        [4, 8, 9, 9, 3, 3, 1, 1, 1, 1, 1, 1],  // 3x3 'same' at stride 1
        [3, 9, 12, 11, 5, 3, 1, 2, 2, 2, 1, 1],  // 5x3, different strides per axis
        [2, 8, 1, 1, 3, 3, 1, 1, 1, 1, 1, 1],  // a 1x1 input: only the centre tap sees the image
        [96, 40, 3, 3, 1, 1, 1, 1, 0, 0, 0, 0],  // 96 products: a block of 64 and one of 32
        [128, 16, 5, 5, 1, 1, 1, 1, 0, 0, 0, 0],  // 128 products: exactly two blocks
        [200, 9, 4, 3, 1, 1, 1, 1, 0, 0, 0, 0],  // 200 products: three blocks and 8, 9 output channels
        [16, 8, 6, 6, 3, 3, 1, 1, 1, 1, 1, 1],  // 144 products: blocks end inside a channel's 9 taps
        // A tail of one or two pixels takes four or two tiles of output channels at once (AVX-512).
        [40, 30, 7, 7, 1, 1, 1, 1, 0, 0, 0, 0],  // one pixel: a group of four tiles, the last of 6 channels
        [16, 72, 5, 10, 1, 1, 1, 1, 0, 0, 0, 0],  // two pixels: four groups of two tiles and one tile alone
        [100, 40, 1, 49, 1, 1, 1, 1, 0, 0, 0, 0],  // one pixel, two blocks of products, a group and a tile
        [8, 36, 14, 14, 1, 1, 2, 2, 0, 0, 0, 0],  // 49 pixels packed: a tail of one, a group and a tile
    ]

    @Test(arguments: 0..<geometries.count, [false, true])
    func matchesOpenCVsConvolution(_ index: Int, _ relu6: Bool) throws {
        let g = Self.geometries[index]
        var difference = -1.0
        var message = [CChar](repeating: 0, count: 512)
        let status = mbdnn_test_convolution_check(
            g[0], g[1], g[2], g[3], g[4], g[5], g[6], g[7], g[8], g[9], g[10], g[11], relu6 ? 1 : 0, 42, &difference,
            &message, message.count)
        let text = message.cMessage
        #expect(status == 0, "\(text)")
        // Relative to the largest output: float32 sums in another order differ by a few units in the last place.
        #expect(difference >= 0 && difference < 1e-5, "largest relative difference \(difference)")
    }
}
