import Foundation
import MaskBenchInference
import MaskBenchTestSupport
import Testing

@Suite struct MaskClassifierTests {
    // Needs ../shared/reference (the 20 crops and TensorFlow's probabilities) and the fetched models.
    @Test(
        .enabled(if: TestData.referenceAvailable, "needs ../shared/reference/classifier-tf"),
        .enabled(if: TestData.modelsAvailable, "needs the models: run Scripts/fetch-models.sh")
    )
    func matchesTensorFlowOnTheReferenceCrops() throws {
        let folder = TestData.reference.appendingPathComponent("classifier-tf")
        let expected = try JSONDecoder().decode(
            [String: [Double]].self,
            from: Data(contentsOf: folder.appendingPathComponent("tf_probs.json"))
        )
        #expect(expected.count == 20)
        let classifier = try MaskClassifier(models: TestData.models)
        for (name, probabilities) in expected.sorted(by: { $0.key < $1.key }) {
            let crop = try ReferencePNG.readBGR(folder.appendingPathComponent("\(name).png"))
            let prediction = try classifier.predict(bgr: crop.pixels, width: crop.width, height: crop.height)
            #expect(abs(prediction.mask - probabilities[0]) <= 1e-5, "\(name): \(prediction) vs \(probabilities)")
            #expect(
                abs(prediction.withoutMask - probabilities[1]) <= 1e-5,
                "\(name): \(prediction) vs \(probabilities)"
            )
        }
    }

    @Test(
        .enabled(if: TestData.referenceAvailable, "needs ../shared/reference/classifier-tf"),
        .enabled(if: TestData.modelsAvailable, "needs the models: run Scripts/fetch-models.sh")
    )
    func cropInsideALargerBufferScoresLikeTheCopiedCrop() throws {
        let crop = try ReferencePNG.readBGR(
            TestData.reference.appendingPathComponent("classifier-tf/camera0.png")
        )
        // Embed the crop at (5, 3) in a 100-pixel-wide black image and classify it in place.
        let stride = 100 * 3
        var canvas = [UInt8](repeating: 0, count: stride * (crop.height + 10))
        for y in 0..<crop.height {
            let row = crop.pixels[(y * crop.width * 3)..<((y + 1) * crop.width * 3)]
            canvas.replaceSubrange(((y + 3) * stride + 15)..<((y + 3) * stride + 15 + crop.width * 3), with: row)
        }
        let classifier = try MaskClassifier(models: TestData.models)
        let copied = try classifier.predict(bgr: crop.pixels, width: crop.width, height: crop.height).mask
        let inPlace = try canvas.withUnsafeBufferPointer { buffer in
            try classifier.maskScore(
                bgr: UnsafeBufferPointer(rebasing: buffer[(3 * stride + 15)...]),
                width: crop.width,
                height: crop.height,
                rowStride: stride
            )
        }
        #expect(inPlace == copied)
    }

    @Test(.enabled(if: TestData.modelsAvailable, "needs the models: run Scripts/fetch-models.sh"))
    func emptyCropIsRejected() throws {
        let classifier = try MaskClassifier(models: TestData.models)
        let error = try #require(throws: InferenceError.self) {
            try classifier.predict(bgr: [], width: 0, height: 0)
        }
        #expect(error.kind == .invalidArgument)
    }
}
