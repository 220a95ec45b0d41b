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

    @Test(
        .enabled(if: TestData.referenceAvailable, "needs ../shared/reference"),
        .enabled(if: TestData.modelsAvailable, "needs the models: run Scripts/fetch-models.sh")
    )
    func workersKeepTheImagesTheyDecodeForTheReport() throws {
        var pipeline = try #require(try NativePipeline.named("ssd-mobilenetv2", models: TestData.models))
        let kept = DecodedImages()
        pipeline.decodedImages = kept
        let path = Self.photos.appendingPathComponent("camera.png").path
        _ = try pipeline.makeWorker(index: 0).run(PipelineRequest(imagePath: path))
        #expect(kept.image(decodedFrom: path) == (try ImageDecoder.decode(path: path)))
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

    // MARK: - A user's weights

    /// The seeds' pipeline keeps the fingerprint its caches and the committed baselines were made with.
    @Test(.enabled(if: TestData.modelsAvailable, "needs the models: run Scripts/fetch-models.sh"))
    func theSeedPipelinesFingerprintIsUnchanged() throws {
        let pipeline = try #require(try NativePipeline.named("ssd-mobilenetv2", models: TestData.models))
        #expect(
            pipeline.fingerprint
                == "native/1 res10 confidence=0.5 "
                + "deploy.prototxt=f62621cac923d6f37bd669298c428bb7ee72233b5f8c3389bb893e35ebbcf795,"
                + "res10_300x300_ssd_iter_140000.caffemodel=2a56a11a57a4a295956b0660b4a3d76bbdca2206c4961cea8efe7d95c7cb2f2d,"
                + "face_mask_detector.model=63b9dea8ae3309194c12cfed8ad7a0996416c46eb3d0dac34ea84853c94994a3")
        #expect(pipeline.modelRecords.map(\.role) == ["detector", "detector", "classifier"])
    }

    @Test(.enabled(if: TestData.modelsAvailable, "needs the models: run Scripts/fetch-models.sh"))
    func aUsersClassifierIsHashedIntoTheFingerprintAndListed() throws {
        let file = TestData.fixtures.appendingPathComponent("vgg_style.h5")
        let pipeline = try NativePipeline(
            name: "mine", detector: NativePipeline.DetectorSpec(kind: .res10),
            classifier: ClassifierSpec(file: file, inputSize: 24), models: TestData.models)
        let record = try #require(pipeline.modelRecords.last)
        #expect(record.role == "classifier")
        #expect(record.path == file.path)
        #expect(record.sha256.count == 64)
        #expect(pipeline.fingerprint.contains("classifier:vgg_style.h5=\(record.sha256)"))
        #expect(pipeline.fingerprint.hasSuffix(" classifier: input=24 rgb mobilenet_v2 masked=0"))
        #expect(!pipeline.fingerprint.contains("face_mask_detector.model"))

    }

    @Test(
        .enabled(if: TestData.referenceAvailable, "needs ../shared/reference"),
        .enabled(if: TestData.modelsAvailable, "needs the models: run Scripts/fetch-models.sh")
    )
    func aUsersClassifierScoresTheSeedDetectorsFaces() throws {
        let pipeline = try NativePipeline(
            name: "mine", detector: NativePipeline.DetectorSpec(kind: .res10),
            classifier: ClassifierSpec(file: TestData.fixtures.appendingPathComponent("vgg_style.h5"), inputSize: 24),
            models: TestData.models)
        let worker = try pipeline.makeWorker(index: 0)
        let path = Self.photos.appendingPathComponent("astronaut.png").path
        let result = try worker.run(PipelineRequest(imagePath: path))
        #expect(!result.faces.isEmpty)
        #expect(result.faces.allSatisfy { (0...1).contains($0.maskScore) })
    }

    @Test(.enabled(if: TestData.modelsAvailable, "needs the models: run Scripts/fetch-models.sh"))
    func aMissingUserFileIsAnErrorNamingIt() throws {
        let missing = URL(fileURLWithPath: "/nonexistent/mine.h5")
        let error = try #require(
            #expect(throws: InferenceError.self) {
                try NativePipeline(
                    name: "mine", detector: NativePipeline.DetectorSpec(kind: .res10),
                    classifier: ClassifierSpec(file: missing), models: TestData.models)
            })
        #expect(error.kind == .modelMissing)
        #expect(error.file == missing.path)
    }

    @Test(.enabled(if: TestData.modelsAvailable, "needs the models: run Scripts/fetch-models.sh"))
    func usersDetectorWeightsReplaceTheSeedsAndChangeTheFingerprint() throws {
        // The seed's own caffemodel, copied: the same bytes under another name give another fingerprint entry.
        let copy = try TestData.temporaryDirectory().appendingPathComponent("mine.caffemodel")
        try FileManager.default.copyItem(at: TestData.models.url(for: .res10Weights), to: copy)
        let pipeline = try NativePipeline(
            name: "mine", detector: NativePipeline.DetectorSpec(kind: .res10, weights: copy, inputSize: 400),
            models: TestData.models)
        #expect(pipeline.fingerprint.contains("detector:mine.caffemodel=\(ModelFiles.Model.res10Weights.sha256)"))
        #expect(pipeline.fingerprint.contains(" detector-input=400"))
        #expect(pipeline.modelRecords.map(\.path).contains(copy.path))
        _ = try pipeline.makeWorker(index: 0)
    }
}
