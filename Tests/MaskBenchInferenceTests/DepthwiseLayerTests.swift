import CMaskBenchDNNTestSupport
import Testing

/// The Keras importer's own depthwise convolution layer against OpenCV's grouped convolution, each followed by
/// a BatchNorm and optionally a ReLU6 (which the layer folds into itself), on seeded random data.
@Suite struct DepthwiseLayerTests {
    /// channels, height, width, kernel h/w, stride h/w, pads top/bottom/left/right.
    static let geometries: [[Int32]] = [
        [8, 9, 9, 3, 3, 1, 1, 1, 1, 1, 1],  // MobileNet's stride 1, 'same'
        [8, 10, 10, 3, 3, 2, 2, 0, 1, 0, 1],  // TensorFlow's 'same' at stride 2: the extra pixel bottom/right
        [5, 7, 6, 3, 3, 2, 2, 0, 0, 0, 0],  // stride 2 'valid' after a ZeroPadding2D, odd sizes
        [4, 1, 1, 3, 3, 1, 1, 1, 1, 1, 1],  // a 1x1 input: only the centre tap sees the image
        [4, 2, 3, 3, 3, 2, 2, 1, 1, 1, 1],  // no interior column at all
        [3, 12, 11, 5, 5, 1, 1, 2, 2, 2, 2],  // 5x5 (the generic path)
        [3, 12, 11, 1, 7, 1, 1, 0, 0, 3, 3],  // 1x7
        [16, 20, 20, 3, 3, 2, 1, 0, 1, 1, 0],  // different strides per axis
        [32, 28, 28, 3, 3, 1, 1, 1, 1, 1, 1],  // wider rows, vectorised interior
    ]

    @Test(arguments: 0..<geometries.count, [false, true])
    func matchesOpenCVsGroupedConvolution(_ index: Int, _ relu6: Bool) throws {
        let g = Self.geometries[index]
        var difference = -1.0
        var message = [CChar](repeating: 0, count: 512)
        let status = mbdnn_test_depthwise_check(
            g[0], g[1], g[2], g[3], g[4], g[5], g[6], g[7], g[8], g[9], g[10], relu6 ? 1 : 0, 42, &difference,
            &message, message.count)
        let text = String(decoding: message.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        #expect(status == 0, "\(text)")
        // Outputs reach about ±30: float32 sums in another order differ by a few units in the last place.
        #expect(difference >= 0 && difference < 2e-5, "largest difference \(difference)")
    }
}
