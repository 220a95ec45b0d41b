import CMaskBenchDNNTestSupport
import Foundation
import MaskBenchImaging
import MaskBenchInference
import MaskBenchTestSupport
import Testing

/// res10's DetectionOutput layer (CMaskBenchDNN/detection_output.cpp) against OpenCV 4.6's own, built in the same
/// process: the same output to the bit on res10's blobs of real photos and on synthetic ones made to have ties,
/// overlaps, top_k and keep_top_k cuts and empty outputs; and its refusal of the parameters it does not implement.
@Suite struct DetectionOutputLayerTests {
    /// The prototxt's threshold, the seeds' 0.5, the largest float below 0.5 (what the detector's prototxt gets
    /// for 0.5), and others up to one that no face passes.
    static let thresholds: [Float] = [0.01, 0.1, 0.3, 0.5, Float(0.5).nextDown, 0.9, 0.9999]

    /// Compares the two layers on res10's blobs of the photo at `path`; returns the rows OpenCV's filled per
    /// threshold.
    private func compare(_ path: String) throws -> [Int32] {
        let image = try ImageDecoder.decode(path: path)
        var rows = [Int32](repeating: -1, count: Self.thresholds.count)
        var identical = [Int32](repeating: -1, count: Self.thresholds.count)
        var message = [CChar](repeating: 0, count: 512)
        let status = image.pixels.withUnsafeBufferPointer { pixels in
            mbdnn_test_detection_output_res10_check(
                TestData.models.url(for: .res10Prototxt).path, TestData.models.url(for: .res10Weights).path,
                pixels.baseAddress, Int32(image.width), Int32(image.height), Self.thresholds,
                Int32(Self.thresholds.count), &rows, &identical, &message, message.count)
        }
        let text = message.cMessage
        #expect(status == 0, "\(path): \(text)")
        for (threshold, same) in zip(Self.thresholds, identical) {
            #expect(same == 1, "\(path) at \(threshold): the outputs differ")
        }
        return rows
    }

    @Test(
        .enabled(if: TestData.referenceAvailable, "needs ../shared/reference/detectors"),
        .enabled(if: TestData.modelsAvailable, "needs the models: run Scripts/fetch-models.sh"),
        arguments: DetectorTests.photos
    )
    func matchesOpenCVOnTheReferencePhotos(_ photo: String) throws {
        let rows = try compare(DetectorTests.folder.appendingPathComponent(photo).path)
        // Some rows at the prototxt's threshold, one face at the seeds'.
        #expect(rows[0] > 100 && rows[3] == 1, "\(photo): rows \(rows)")
    }

    @Test(
        .enabled(if: Fixtures.datasetsAvailable, "needs ../shared/datasets"),
        .enabled(if: TestData.modelsAvailable, "needs the models: run Scripts/fetch-models.sh")
    )
    func matchesOpenCVOnTheKaggleImages() throws {
        let folder = Fixtures.dataset("kaggle-face-mask/images")
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".png") }
        #expect(names.count == 214)
        var empty = 0
        for name in names.sorted() {
            let rows = try compare(folder.appendingPathComponent(name).path)
            empty += rows.last == 0 ? 1 : 0
        }
        // Both with and without rows at the highest threshold.
        #expect(empty > 0 && empty < names.count, "\(empty) of \(names.count) images without a row")
    }

    /// images, priors, score levels (0: any score), top_k, keep_top_k, confidence threshold, NMS threshold.
    private struct Synthetic: Sendable, CustomStringConvertible {
        var images: Int32, priors: Int32, levels: Int32, topK: Int32, keepTopK: Int32
        var confidence: Float, nms: Float

        var description: String {
            "\(images) x \(priors) priors, \(levels) levels, top_k \(topK), keep_top_k \(keepTopK), "
                + "threshold \(confidence), NMS \(nms)"
        }
    }

    private static let synthetic: [Synthetic] = [
        Synthetic(images: 1, priors: 2000, levels: 0, topK: 400, keepTopK: 200, confidence: 0.01, nms: 0.45),
        // Few distinct scores: ties in both sorts, among more than 16 kept boxes (where std::sort is not stable).
        Synthetic(images: 1, priors: 2000, levels: 4, topK: 400, keepTopK: 200, confidence: 0.01, nms: 0.45),
        Synthetic(images: 1, priors: 2000, levels: 20, topK: 400, keepTopK: 200, confidence: 0.3, nms: 0.9),
        // No NMS (every overlap is <= 1): keep_top_k cuts the kept boxes.
        Synthetic(images: 1, priors: 3000, levels: 3, topK: -1, keepTopK: 150, confidence: 0, nms: 1),
        // top_k cuts the candidates; keep_top_k below it.
        Synthetic(images: 1, priors: 1000, levels: 0, topK: 7, keepTopK: 200, confidence: 0.2, nms: 0.45),
        Synthetic(images: 1, priors: 1000, levels: 10, topK: 50, keepTopK: 5, confidence: 0.2, nms: 0.3),
        // Two images: the second's rows follow the first's.
        Synthetic(images: 2, priors: 1500, levels: 8, topK: 400, keepTopK: 30, confidence: 0.5, nms: 0.45),
        // Nothing passes (every score is at most 1): all zeros.
        Synthetic(images: 2, priors: 500, levels: 0, topK: 400, keepTopK: 200, confidence: 1, nms: 0.45),
    ]

    @Test(arguments: 0..<synthetic.count, [UInt32(1), 2, 3, 4, 5])
    func matchesOpenCVOnSyntheticInputs(_ index: Int, _ seed: UInt32) throws {
        let c = Self.synthetic[index]
        var rows: Int32 = -1
        var identical: Int32 = -1
        var message = [CChar](repeating: 0, count: 512)
        let status = mbdnn_test_detection_output_synthetic_check(
            c.images, c.priors, c.levels, c.topK, c.keepTopK, c.confidence, c.nms, seed, &rows, &identical, &message,
            message.count)
        let text = message.cMessage
        #expect(status == 0, "\(text)")
        #expect(identical == 1, "\(c), seed \(seed): the outputs differ (\(rows) rows)")
        if c.confidence >= 1 {
            #expect(rows == 0)
        } else {
            #expect(rows > 0 && rows <= c.keepTopK * c.images, "\(c), seed \(seed): \(rows) rows")
        }
    }

    /// A parameter and a value res10's does not have, each refused by name.
    @Test(arguments: [
        ("num_classes", "3"), ("share_location", "0"), ("background_label_id", "1"), ("code_type", "CORNER"),
        ("variance_encoded_in_target", "1"), ("normalized_bbox", "0"), ("clip", "1"), ("loc_pred_transposed", "1"),
        ("group_by_classes", "1"), ("keep_top_k", "0"), ("nms_threshold", "0"), ("eta", "0.9"),
    ])
    func refusesOtherParameters(_ parameter: String, _ value: String) {
        var message = [CChar](repeating: 0, count: 512)
        let status = mbdnn_test_detection_output_refusal(parameter, value, &message, message.count)
        let text = message.cMessage
        #expect(status != 0)
        #expect(text.contains("parameter \(parameter) "), "\(text)")
    }

    @Test func takesResTensOwnParameters() {
        var message = [CChar](repeating: 0, count: 512)
        #expect(mbdnn_test_detection_output_refusal("top_k", "50", &message, message.count) == 0)
        #expect(mbdnn_test_detection_output_refusal("code_type", "center_size", &message, message.count) == 0)
    }

    // The detector builds its layers when it is made: a prototxt it cannot run fails there, naming the parameter.
    @Test(.enabled(if: TestData.modelsAvailable, "needs the models: run Scripts/fetch-models.sh"))
    func theDetectorRefusesAPrototxtWithOtherParameters() throws {
        let original = try String(contentsOf: TestData.models.url(for: .res10Prototxt), encoding: .utf8)
        #expect(original.contains("share_location: true"))
        let folder = try TestData.temporaryDirectory()
        let prototxt = folder.appendingPathComponent("deploy.prototxt")
        try original.replacingOccurrences(of: "share_location: true", with: "share_location: false")
            .write(to: prototxt, atomically: true, encoding: .utf8)
        #expect {
            try Res10Detector(prototxt: prototxt.path, weights: TestData.models.url(for: .res10Weights).path)
        } throws: { error in
            "\(error)".contains("parameter share_location must be true")
        }
    }
}
