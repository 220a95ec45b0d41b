import CMaskBenchDNNTestSupport
import Testing

/// The Keras importer's own depthwise convolution layer against OpenCV's grouped convolution, each followed by
/// a BatchNorm and optionally a ReLU6 (which the layer folds into itself), on seeded random data.
@Suite struct DepthwiseLayerTests {
    /// channels, height, width, kernel h/w, stride h/w, pads top/bottom/left/right. The AVX-512 variant takes a
    /// 3x3 kernel at stride 1 with one padding column each side as one flat run of 16-output vectors (rows of any
    /// width, the image's first and last rows and columns masked), other 3x3 cases at horizontal stride 1 or 2
    /// row by row in runs of 16 columns, and everything else on the generic path; planes of up to 196 pixels at
    /// stride 1 with one padding pixel each side 16 channels at a time.
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
        // MobileNetV2's other plane widths, flat at stride 1 (7x7 is 4 vectors, the last one partly used).
        [6, 7, 7, 3, 3, 1, 1, 1, 1, 1, 1],
        [6, 14, 14, 3, 3, 1, 1, 1, 1, 1, 1],
        [6, 14, 14, 3, 3, 2, 2, 0, 1, 0, 1],  // 14 -> 7 at stride 2
        [6, 28, 28, 3, 3, 2, 2, 0, 1, 0, 1],  // 28 -> 14
        // Rows of one vector, one vector and a column, and two and a column, at both strides.
        [4, 16, 16, 3, 3, 1, 1, 1, 1, 1, 1],
        [4, 17, 17, 3, 3, 1, 1, 1, 1, 1, 1],
        [4, 33, 33, 3, 3, 1, 1, 1, 1, 1, 1],  // unmasked steps in the middle of the flat run
        [4, 17, 17, 3, 3, 2, 2, 1, 1, 1, 1],
        [4, 33, 33, 3, 3, 2, 2, 0, 1, 0, 1],  // 33 input columns: the 33rd read apart
        [4, 34, 34, 3, 3, 2, 2, 0, 1, 0, 1],
        [3, 10, 112, 3, 3, 2, 2, 0, 1, 0, 1],  // 56 outputs: three vectors and a half
        // Rows one and two columns wide.
        [4, 9, 1, 3, 3, 1, 1, 1, 1, 1, 1],
        [4, 5, 2, 3, 3, 1, 1, 1, 1, 1, 1],
        [4, 2, 2, 3, 3, 1, 1, 1, 1, 1, 1],
        [4, 6, 2, 3, 3, 2, 2, 0, 1, 0, 1],
        [4, 5, 1, 3, 3, 2, 2, 1, 1, 1, 1],
        // Asymmetric padding: flat with the rows shifted, and row by row with the columns shifted.
        [4, 12, 12, 3, 3, 1, 1, 0, 2, 1, 1],
        [4, 12, 13, 3, 3, 1, 1, 2, 0, 1, 1],
        [4, 12, 31, 3, 3, 1, 1, 0, 2, 2, 0],
        [4, 11, 20, 3, 3, 1, 1, 0, 0, 0, 0],  // 'valid': rows narrower than the input
        [4, 13, 40, 3, 3, 2, 2, 2, 0, 0, 2],
        [4, 9, 40, 3, 3, 1, 2, 1, 1, 0, 1],  // stride 2 across, 1 down
        [4, 13, 13, 3, 3, 3, 2, 1, 1, 1, 1],  // stride 3 down
        // Planes of up to 196 pixels at stride 1, 'same', 16 channels at a time as one flat run whose vectors
        // straddle two planes (7x7: 49 vectors for 16 planes), the channels past a multiple of 16 one by one.
        [48, 7, 7, 3, 3, 1, 1, 1, 1, 1, 1],
        [40, 14, 14, 3, 3, 1, 1, 1, 1, 1, 1],
        [16, 13, 15, 3, 3, 1, 1, 1, 1, 1, 1],
        [16, 14, 15, 3, 3, 1, 1, 1, 1, 1, 1],  // 210 pixels: one plane at a time
        [32, 1, 1, 3, 3, 1, 1, 1, 1, 1, 1],
        [16, 2, 5, 3, 3, 1, 1, 1, 1, 1, 1],
        [16, 7, 7, 3, 3, 1, 1, 0, 2, 1, 1],  // asymmetric padding: one plane at a time
        // 3x3 at a horizontal stride of 3, and 2x2: the generic path.
        [4, 9, 10, 3, 3, 1, 3, 1, 1, 1, 1],
        [4, 8, 9, 2, 2, 1, 1, 0, 1, 0, 1],
    ]

    @Test(arguments: 0..<geometries.count, [false, true])
    func matchesOpenCVsGroupedConvolution(_ index: Int, _ relu6: Bool) throws {
        let g = Self.geometries[index]
        var difference = -1.0
        var fusedDifference = -1.0
        var message = [CChar](repeating: 0, count: 512)
        let status = mbdnn_test_depthwise_check(
            g[0], g[1], g[2], g[3], g[4], g[5], g[6], g[7], g[8], g[9], g[10], relu6 ? 1 : 0, 42, &difference,
            &fusedDifference, &message, message.count)
        let text = message.cMessage
        #expect(status == 0, "\(text)")
        // Outputs reach about ±30: float32 sums in another order differ by a few units in the last place.
        #expect(difference >= 0 && difference < 2e-5, "largest difference \(difference)")
        // The AVX2 and AVX-512 variants compute the same fused multiply-adds in the same order: the same bits.
        #expect(fusedDifference == 0, "AVX2 and AVX-512 differ by \(fusedDifference)")
    }
}
