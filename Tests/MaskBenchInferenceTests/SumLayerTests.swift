import CMaskBenchDNNTestSupport
import Testing

/// The element-wise sum layer (MobileNetV2's residual additions, res10's Eltwise sums) against OpenCV's Eltwise
/// sum, which it must match to the bit, on seeded random inputs; and what it refuses.
@Suite struct SumLayerTests {
    /// inputs, images, channels, height, width: MobileNetV2's block_2 addition, res10's layer_64_1_sum, three
    /// inputs, two images, sizes not a multiple of a vector, more than one stripe of 64K floats.
    static let cases: [[Int32]] = [
        [2, 1, 24, 56, 56], [2, 1, 32, 75, 75], [3, 1, 5, 7, 3], [2, 2, 3, 11, 13], [4, 1, 1, 1, 1],
        [2, 1, 3, 300, 301],
    ]

    @Test(arguments: 0..<cases.count)
    func matchesOpenCVsEltwiseSum(_ index: Int) throws {
        let c = Self.cases[index]
        for seed in UInt32(1)...2 {
            var identical: Int32 = -1
            var message = [CChar](repeating: 0, count: 512)
            let status = mbdnn_test_sum_check(c[0], c[1], c[2], c[3], c[4], seed, &identical, &message, message.count)
            let text = message.cMessage
            #expect(status == 0, "\(text)")
            #expect(identical == 1, "\(c), seed \(seed): the sums differ from OpenCV's")
        }
    }

    @Test(arguments: [
        ("operation", "prod", "parameter operation "), ("operation", "max", "parameter operation "),
        ("coeff", "1,2", "parameter coeff "), ("output_channels_mode", "same", "parameter output_channels_mode "),
        ("inputs", "", "inputs of different shapes"),
    ])
    func refuses(_ parameter: String, _ value: String, _ named: String) {
        var message = [CChar](repeating: 0, count: 512)
        let status = mbdnn_test_sum_refusal(parameter, value, &message, message.count)
        let text = message.cMessage
        #expect(status != 0)
        #expect(text.contains(named), "\(text)")
    }

    @Test func takesCoefficientsOfOne() {
        var message = [CChar](repeating: 0, count: 512)
        #expect(mbdnn_test_sum_refusal("coeff", "1,1", &message, message.count) == 0)
        #expect(mbdnn_test_sum_refusal("operation", "SUM", &message, message.count) == 0)
    }
}
