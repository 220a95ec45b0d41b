import CMaskBenchDNNTestSupport
import Foundation
import MaskBenchImaging
import MaskBenchInference
import MaskBenchTestSupport
import Testing

/// res10's Normalize layer (CMaskBenchDNN/normalize.cpp) against OpenCV 4.6's own, built in the same process: the
/// same output to the bit on conv4_3_norm's input from real photos and on random inputs, and its refusal of the
/// parameters it does not implement.
@Suite struct NormalizeLayerTests {
    /// Compares the two layers on res10's conv4_3_norm input from the photo at `path`.
    private func compare(_ path: String) throws {
        let image = try ImageDecoder.decode(path: path)
        var identical: Int32 = -1
        var ulps = -1.0
        var message = [CChar](repeating: 0, count: 512)
        let status = image.pixels.withUnsafeBufferPointer { pixels in
            mbdnn_test_normalize_res10_check(
                TestData.models.url(for: .res10Prototxt).path, TestData.models.url(for: .res10Weights).path,
                pixels.baseAddress, Int32(image.width), Int32(image.height), &identical, &ulps, &message,
                message.count)
        }
        let text = message.cMessage
        #expect(status == 0, "\(path): \(text)")
        #expect(identical == 1, "\(path): the outputs differ by up to \(ulps) units in the last place")
    }

    @Test(
        .enabled(if: TestData.referenceAvailable, "needs ../shared/reference/detectors"),
        .enabled(if: TestData.modelsAvailable, "needs the models: run Scripts/fetch-models.sh"),
        arguments: DetectorTests.photos
    )
    func matchesOpenCVOnTheReferencePhotos(_ photo: String) throws {
        try compare(DetectorTests.folder.appendingPathComponent(photo).path)
    }

    // Every fourth Kaggle image: each runs res10 with OpenCV's layers, and the random cases below cover the rest.
    @Test(
        .enabled(if: Fixtures.datasetsAvailable, "needs ../shared/datasets"),
        .enabled(if: TestData.modelsAvailable, "needs the models: run Scripts/fetch-models.sh")
    )
    func matchesOpenCVOnKaggleImages() throws {
        let folder = Fixtures.dataset("kaggle-face-mask/images")
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".png") }
        #expect(names.count == 214)
        for (index, name) in names.sorted().enumerated() where index % 4 == 0 {
            try compare(folder.appendingPathComponent(name).path)
        }
    }

    /// images, channels, height, width: res10's shape, widths that are not a multiple of a vector, two images, the
    /// smallest input of more than one pixel.
    static let shapes: [[Int32]] = [
        [1, 128, 38, 38], [1, 128, 38, 37], [2, 16, 5, 7], [1, 64, 9, 9], [1, 3, 1, 2],
    ]

    @Test(arguments: 0..<shapes.count, [1.0, 100.0, 1e-20])
    func matchesOpenCVOnRandomInputs(_ index: Int, _ range: Double) throws {
        let s = Self.shapes[index]
        for seed in UInt32(1)...3 {
            var identical: Int32 = -1
            var ulps = -1.0
            var message = [CChar](repeating: 0, count: 512)
            let status = mbdnn_test_normalize_synthetic_check(
                s[0], s[1], s[2], s[3], range, seed, &identical, &ulps, &message, message.count)
            let text = message.cMessage
            #expect(status == 0, "\(text)")
            #expect(identical == 1, "\(s) in ±\(range), seed \(seed): differ by up to \(ulps) ulp")
        }
    }

    @Test(arguments: [
        ("across_spatial", "1"), ("channel_shared", "1"), ("p", "1"), ("start_axis", "2"), ("end_axis", "3"),
    ])
    func refusesOtherParameters(_ parameter: String, _ value: String) {
        var message = [CChar](repeating: 0, count: 512)
        let status = mbdnn_test_normalize_refusal(parameter, value, &message, message.count)
        let text = message.cMessage
        #expect(status != 0)
        #expect(text.contains("parameter \(parameter) "), "\(text)")
    }

    @Test func takesAnotherEpsilon() {
        var message = [CChar](repeating: 0, count: 512)
        #expect(mbdnn_test_normalize_refusal("eps", "0.001", &message, message.count) == 0)
    }
}
