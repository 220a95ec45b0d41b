import CMaskBenchDNNTestSupport
import Testing

/// The pooling layers of CMaskBenchDNN/pooling.cpp against OpenCV 4.6's own Pooling, built in the same process:
/// res10's max pooling, the same output to the bit reading NCHW or blocks of 16 channels, and its refusal of the
/// parameters it does not implement; the classifier's average over the whole image, the same output to the bit.
@Suite struct PoolingLayerTests {
    /// images, channels, height, width, kernel, stride, ceil mode, blocks of 16 channels.
    static let cases: [[Int32]] = [
        [1, 32, 150, 150, 3, 2, 1, 0],  // res10's conv1_pool: the last window cut at the edge (ceil mode)
        [1, 32, 150, 150, 3, 2, 1, 1],  // the same read from the first convolution's blocks
        [2, 16, 9, 7, 3, 2, 1, 1],  // two images; rows of fewer than 16 outputs
        [1, 48, 37, 41, 3, 2, 1, 1],  // odd sizes, three blocks, a row of 16 + 4 outputs
        [1, 5, 11, 10, 2, 2, 0, 0],  // floor mode, an even window
        [1, 3, 8, 8, 3, 1, 1, 0],  // stride 1
    ]

    @Test(arguments: cases)
    func matchesOpenCV(_ c: [Int32]) {
        for seed: UInt32 in [1, 2] {
            var identical: Int32 = -1
            var message = [CChar](repeating: 0, count: 512)
            let status = mbdnn_test_max_pool_check(
                c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7], seed, &identical, &message, message.count)
            let text = message.cMessage
            #expect(status == 0, "\(text)")
            #expect(identical == 1, "\(c), seed \(seed): the outputs differ from OpenCV's")
        }
    }

    @Test(arguments: [
        ("pool", "AVE", "parameter pool "), ("global_pooling", "1", "parameter global_pooling "),
        ("pad", "1", "parameter pad "), ("round_mode", "floor", "parameter round_mode "),
    ])
    func refuses(_ parameter: String, _ value: String, _ named: String) {
        var message = [CChar](repeating: 0, count: 512)
        let status = mbdnn_test_max_pool_refusal(parameter, value, &message, message.count)
        let text = message.cMessage
        #expect(status != 0)
        #expect(text.contains(named), "\(text)")
    }

    @Test func takesCaffesMaxPooling() {
        var message = [CChar](repeating: 0, count: 512)
        #expect(mbdnn_test_max_pool_refusal("pool", "MAX", &message, message.count) == 0)
        #expect(mbdnn_test_max_pool_refusal("ceil_mode", "0", &message, message.count) == 0)
        #expect(mbdnn_test_max_pool_refusal("pad", "0", &message, message.count) == 0)
    }

    /// images, channels, height, width, global (else a window that is the whole input).
    static let averages: [[Int32]] = [
        [1, 1280, 7, 7, 0],  // MobileNetV2's head (AveragePooling2D of 7 x 7)
        [2, 1280, 7, 7, 1],  // GlobalAveragePooling2D, two images
        [1, 13, 3, 5, 0],  // channels not a multiple of the 8 summed side by side
        [3, 9, 1, 1, 1],
    ]

    /// The average over the whole image, pooling.cpp's, against OpenCV's.
    @Test(arguments: averages)
    func averageMatchesOpenCV(_ c: [Int32]) {
        for seed: UInt32 in [1, 2] {
            var identical: Int32 = -1
            var message = [CChar](repeating: 0, count: 512)
            let status = mbdnn_test_average_pool_check(
                c[0], c[1], c[2], c[3], c[4], seed, &identical, &message, message.count)
            let text = message.cMessage
            #expect(status == 0, "\(text)")
            #expect(identical == 1, "\(c), seed \(seed): the averages differ from OpenCV's")
        }
    }
}
