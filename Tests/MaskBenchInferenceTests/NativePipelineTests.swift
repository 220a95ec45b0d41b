import Foundation
import MaskBenchCore
import MaskBenchImaging
import MaskBenchInference
import MaskBenchTestSupport
import Testing

/// The built-in pipelines end to end on one image: decode, detect, crop, classify.
@Suite struct NativePipelineTests {
    static let photos = TestData.reference.appendingPathComponent("detectors")

    /// `../shared/reference/classifier-tf/tf_probs.json`: TensorFlow's `[mask, withoutMask]` on crops cut from
    /// res10's detections on the reference photos (`astronaut0` is the first face of astronaut.png).
    func tensorFlowMaskScore(_ crop: String) throws -> Double {
        let url = TestData.reference.appendingPathComponent("classifier-tf/tf_probs.json")
        let all = try JSONDecoder().decode([String: [Double]].self, from: Data(contentsOf: url))
        return try #require(all[crop]?.first, "no TensorFlow output for \(crop)")
    }

    // Needs ../shared/reference and the fetched models (Scripts/fetch-models.sh).
    @Test(
        .enabled(if: TestData.referenceAvailable, "needs ../shared/reference"),
        .enabled(if: TestData.modelsAvailable, "needs the models: run Scripts/fetch-models.sh"),
        arguments: [("astronaut.png", "astronaut0"), ("camera.png", "camera0"), ("messi5.jpg", "messi50")]
    )
    func ssdMobileNetV2GivesTensorFlowsMaskScoreOnEachPhotosFace(photo: String, crop: String) throws {
        let pipeline = try #require(try NativePipeline.named("ssd-mobilenetv2", models: TestData.models))
        let worker = try pipeline.makeWorker(index: 0)
        let path = Self.photos.appendingPathComponent(photo).path
        let first = try #require(try worker.run(PipelineRequest(imagePath: path)).faces.first)
        #expect(abs(first.maskScore - (try tensorFlowMaskScore(crop))) <= 1e-5, "\(first)")
        #expect(first.faceScore > 0.5)

        // The same box given as ground truth is classified alone to the same score.
        let alone = try worker.run(PipelineRequest(imagePath: path, groundTruthBoxes: [first.box]))
        #expect(alone.cropMaskScores == [first.maskScore])
    }

    @Test(.enabled(if: TestData.modelsAvailable, "needs the models: run Scripts/fetch-models.sh"))
    func fingerprintsDifferBySettingsAndNamesAreChecked() throws {
        let a = try NativePipeline(name: "a", detector: .res10, detectorConfidence: 0.5, models: TestData.models)
        let b = try NativePipeline(name: "a", detector: .res10, detectorConfidence: 0.3, models: TestData.models)
        #expect(a.fingerprint != b.fingerprint)
        #expect(try NativePipeline.named("no-such-pipeline", models: TestData.models) == nil)
    }

    @Test func aMissingModelIsAnErrorBeforeAnyImageIsRead() throws {
        let empty = ModelFiles(directory: try TestData.temporaryDirectory())
        #expect(throws: InferenceError.self) { try NativePipeline.named("ssd-mobilenetv2", models: empty) }
    }

    @Test(.enabled(if: TestData.modelsAvailable, "needs the models: run Scripts/fetch-models.sh"))
    func aCorruptImageFailsThatImageOnly() throws {
        let folder = try TestData.temporaryDirectory()
        let bad = folder.appendingPathComponent("bad.png")
        try Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0]).write(to: bad)
        let worker = try #require(try NativePipeline.named("ssd-mobilenetv2", models: TestData.models))
            .makeWorker(index: 0)
        #expect(throws: (any Error).self) { try worker.run(PipelineRequest(imagePath: bad.path)) }
        #expect(throws: (any Error).self) {
            try worker.run(PipelineRequest(imagePath: folder.appendingPathComponent("missing.jpg").path))
        }
    }
}
