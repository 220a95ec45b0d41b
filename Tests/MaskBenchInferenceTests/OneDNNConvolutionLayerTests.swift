import CMaskBenchDNNTestSupport
import Testing

/// res10's convolution layer on oneDNN against OpenCV's Convolution, on seeded random data: with and without a
/// following BatchNorm (which the layer applies to each sum) and with no activation, a ReLU or a ReLU6 (which it
/// takes in), over res10's shapes and the edges of the window arithmetic.
@Suite struct OneDNNConvolutionLayerTests {
    /// input channels, output channels, groups, height, width, kernel h/w, stride h/w, pads top/bottom/left/right,
    /// dilation, BatchNorm (1) or none (0).
    static let geometries: [[Int32]] = [
        [3, 32, 1, 40, 40, 7, 7, 2, 2, 3, 3, 3, 3, 1, 1],  // res10's conv1_h: 7x7 stride 2 on 3 channels
        [3, 32, 1, 300, 300, 7, 7, 2, 2, 3, 3, 3, 3, 1, 1],  // the same at res10's input size
        [3, 13, 1, 23, 17, 7, 7, 2, 2, 3, 3, 3, 3, 1, 0],  // NCHW input, outputs not a whole block of 16
        [32, 32, 1, 19, 19, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1],  // 3x3 'same', as layer_64_1
        [32, 128, 1, 19, 19, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1],  // 3x3 stride 2, odd size
        [32, 128, 1, 19, 19, 1, 1, 2, 2, 0, 0, 0, 0, 1, 0],  // 1x1 stride 2 (conv_expand), no BatchNorm
        [32, 64, 1, 10, 10, 3, 3, 1, 1, 2, 2, 2, 2, 2, 1],  // dilation 2 with its padding, as layer_512_1_conv2_h
        [256, 128, 1, 10, 10, 1, 1, 1, 1, 0, 0, 0, 0, 1, 0],  // 1x1 over 256 channels, its own bias (conv6_1_h)
        [64, 12, 1, 5, 5, 3, 3, 1, 1, 1, 1, 1, 1, 1, 0],  // 12 outputs, not a multiple of a vector (mbox_conf)
        [5, 13, 1, 6, 11, 5, 3, 1, 2, 2, 1, 0, 1, 1, 1],  // 5x3, strides and pads differ per axis and side
        [8, 8, 8, 9, 9, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1],  // depthwise (groups = channels)
        [8, 16, 2, 7, 7, 3, 3, 2, 2, 0, 1, 0, 1, 1, 1],  // two groups, TensorFlow's 'same' at stride 2
        [16, 8, 1, 1, 1, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1],  // a 1x1 input: only the centre tap sees the image
    ]

    @Test(arguments: 0..<geometries.count, [Int32(0), 1, 2])
    func matchesOpenCVsConvolution(_ index: Int, _ activation: Int32) throws {
        let g = Self.geometries[index]
        var difference = -1.0
        var message = [CChar](repeating: 0, count: 512)
        let status = mbdnn_test_onednn_convolution_check(
            g[0], g[1], g[2], g[3], g[4], g[5], g[6], g[7], g[8], g[9], g[10], g[11], g[12], g[13], g[14], activation,
            42, &difference, &message, message.count)
        let text = message.cMessage
        #expect(status == 0, "\(text)")
        // Relative to the largest output: float32 sums in another order differ by a few units in the last place.
        #expect(difference >= 0 && difference < 1e-5, "largest relative difference \(difference)")
    }
}
