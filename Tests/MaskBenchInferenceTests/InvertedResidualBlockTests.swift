import CMaskBenchDNNTestSupport
import Testing

/// The Keras importer's convolution taking in the depthwise convolution and the convolution after it (MobileNetV2's
/// expand, depthwise and project, computed a few rows at a time) against the same layers apart, which it must
/// match to the bit, and against OpenCV's layers, on seeded random data.
@Suite struct InvertedResidualBlockTests {
    /// input channels, expanded channels, output channels (0: no projecting convolution), height, width, the
    /// expanding convolution's kernel and stride, the depthwise convolution's kernel and stride.
    static let geometries: [[Int32]] = [
        [16, 96, 24, 112, 112, 1, 1, 3, 2],  // MobileNetV2's block_1: 4.8 MB expanded, in strips of 2 output rows
        [24, 144, 24, 56, 56, 1, 1, 3, 1],  // block_2: strips at stride 1, the two shared rows moved between strips
        [3, 32, 16, 224, 224, 3, 2, 3, 1],  // its first convolution (3x3 at stride 2, packed), depthwise and project
        [3, 200, 8, 91, 87, 3, 2, 3, 2],  // a packed expansion in strips (200 x 46 x 44: 1.6 MB), odd sizes
        [3, 24, 8, 14, 13, 3, 2, 3, 1],  // 7 x 7 expanded: rows too short to read in place, packed
        [3, 24, 8, 20, 19, 3, 1, 3, 1],  // a 3x3 expansion at stride 1 (one phase plane a channel)
        [4, 300, 8, 41, 37, 1, 1, 3, 2],  // odd sizes in strips
        [4, 300, 8, 40, 33, 1, 1, 3, 1],
        [8, 24, 8, 9, 7, 1, 1, 3, 1],  // small: the whole image at once
        [8, 24, 0, 10, 10, 1, 1, 3, 2],  // no projecting convolution: the depthwise rows are the output
        [3, 16, 5, 1, 1, 1, 1, 3, 1],  // a 1x1 image
        [5, 20, 7, 2, 3, 1, 1, 3, 2],
        [7, 13, 9, 12, 12, 1, 1, 3, 1],  // channel counts not multiples of the tile's 8
        [160, 960, 160, 7, 7, 1, 1, 3, 1],  // block_14: the depthwise convolution 16 channels at a time
        [64, 392, 0, 14, 14, 1, 1, 3, 1],  // 24 groups of 16 and 8 channels one by one, no projection
        [16, 240, 24, 56, 56, 1, 1, 5, 2],  // 5x5 depthwise (MobileNetV3's, EfficientNet's) in strips at stride 2
        [8, 200, 8, 40, 34, 1, 1, 5, 1],  // and at stride 1 (four rows shared between strips)
    ]

    @Test(arguments: 0..<geometries.count)
    func matchesTheLayersApartAndOpenCVs(_ index: Int) throws {
        let g = Self.geometries[index]
        var block = -1.0
        var opencv = -1.0
        var message = [CChar](repeating: 0, count: 512)
        let status = mbdnn_test_block_check(
            g[0], g[1], g[2], g[3], g[4], g[5], g[6], g[7], g[8], 42, &block, &opencv, &message, message.count)
        let text = message.cMessage
        #expect(status == 0, "\(text)")
        #expect(block == 0, "the block differs from its layers apart by \(block)")
        // Relative to the largest output: float32 sums in another order differ by a few units in the last place.
        #expect(opencv >= 0 && opencv < 1e-5, "largest relative difference from OpenCV's layers \(opencv)")
    }

    /// Layers alive at once (one network per worker) share their packed weights only when the kernels are equal.
    @Test func sharesPackedWeightsOnlyBetweenEqualKernels() {
        var same: Int32 = 0
        var different: Int32 = 0
        var message = [CChar](repeating: 0, count: 512)
        let status = mbdnn_test_shared_weights_check(&same, &different, &message, message.count)
        let text = message.cMessage
        #expect(status == 0, "\(text)")
        #expect(same == 1, "two networks with the same kernel gave different outputs")
        #expect(different == 1, "a network with a kernel one ulp apart took another network's weights")
    }

    /// A model with several outputs keeps its layers apart, so that an output inside a block is written.
    @Test func keptApartWritesEveryOutputAskedFor() {
        var difference = -1.0
        var message = [CChar](repeating: 0, count: 512)
        let status = mbdnn_test_block_outputs_check(&difference, &message, message.count)
        let text = message.cMessage
        #expect(status == 0, "\(text)")
        #expect(difference == 0, "an output differs from the layers' own by \(difference)")
    }
}
