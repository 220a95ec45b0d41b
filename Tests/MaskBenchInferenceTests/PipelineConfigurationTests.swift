import Foundation
import MaskBenchInference
import Testing

/// `maskbench run --config FILE`: the file decoded into typed values, every problem named with its line and key.
@Suite struct PipelineConfigurationTests {
    /// Writes `text` to a fresh `pipeline.yml` and returns its path.
    func file(_ text: String) throws -> String {
        let url = try TestData.temporaryDirectory().appendingPathComponent("pipeline.yml")
        try Data(text.utf8).write(to: url)
        return url.path
    }

    func error(_ text: String) throws -> ConfigurationError? {
        let path = try file(text)
        return #expect(throws: ConfigurationError.self) { try PipelineConfiguration.load(path: path) }
    }

    @Test func everyKeyIsDecoded() throws {
        let configuration = try PipelineConfiguration.load(
            path: file(
                """
                name: loose
                pipeline: ssd-mobilenetv2
                detector: mtcnn
                detectorConfidence: 0.3
                models: ../models
                pixelBudget: 1000
                """))
        #expect(configuration.name == "loose")
        #expect(configuration.pipeline == "ssd-mobilenetv2")
        #expect(configuration.detector == .mtcnn)
        #expect(configuration.detectorConfidence == 0.3)
        #expect(configuration.models == "../models")
        #expect(configuration.pixelBudget == 1000)
    }

    @Test func jsonIsReadToo() throws {
        let configuration = try PipelineConfiguration.load(path: file(#"{"detector": "haar", "pixelBudget": 5}"#))
        #expect(configuration.detector == .haar)
        #expect(configuration.pixelBudget == 5)
    }

    // It used to trap: the number was read as a Double and converted with Int(_:).
    @Test func aPixelBudgetTooLargeForAnIntegerIsAnErrorNamingTheLineAndKey() throws {
        let error = try #require(try error("detector: res10\npixelBudget: 1.0e+30\n"))
        #expect(error.line == 2)
        #expect(error.key == "pixelBudget")
        #expect(error.description.hasSuffix("pipeline.yml:2:14: pixelBudget: expected a whole number, got '1.0e+30'"))
    }

    @Test(arguments: [
        ("detector: res10\ndetectorConfidance: 0.3\n", 2, "detectorConfidance", "unknown key 'detectorConfidance'"),
        ("detector: res11\n", 1, "detector", "unknown detector 'res11'; detectors: res10, mtcnn, haar"),
        ("pipeline: ssd\n", 1, "pipeline", "unknown pipeline 'ssd'; built-in pipelines: "),
        ("detector: res10\ndetectorConfidence: 1.5\n", 2, "detectorConfidence", "must be in [0, 1], not 1.5"),
        ("detector: res10\npixelBudget: 0\n", 2, "pixelBudget", "must be 1 or more, not 0"),
        ("detector: res10\nname: [a, b]\n", 2, "name", "expected a single value"),
        ("detector: res10\ndetectorConfidence: high\n", 2, "detectorConfidence", "expected a number, got 'high'"),
    ])
    func aWrongValueIsRefusedWithItsLineAndKey(_ text: String, _ line: Int, _ key: String, _ message: String) throws {
        let error = try #require(try error(text))
        #expect(error.line == line)
        #expect(error.key == key)
        #expect(error.message.contains(message), "\(error)")
    }

    @Test func textThatIsNotYAMLIsRefusedWithItsPlace() throws {
        let error = try #require(try error("detector: res10\nname: [unclosed\n"))
        #expect(error.line != nil)
        #expect(error.message.hasPrefix("not valid YAML or JSON"))
    }

    @Test func aListIsNotAConfiguration() throws {
        let error = try #require(try error("- detector: res10\n"))
        #expect(error.message == "expected a mapping")
    }

    @Test func anEmptyFileIsRefused() throws {
        let error = try #require(try error(""))
        #expect(error.message.hasPrefix("the file is empty"))
    }

    @Test func aFileNamingNoDetectorIsRefused() throws {
        let path = try file("name: x\n")
        let configuration = try PipelineConfiguration.load(path: path)
        #expect(throws: ConfigurationError.self) { try configuration.makePipeline(file: path) }
    }

    @Test(.enabled(if: TestData.modelsAvailable, "needs the models: run Scripts/fetch-models.sh"))
    func theFileNamesThePipelineAndSetsItsDetector() throws {
        let path = try file(
            "pipeline: ssd-mobilenetv2\ndetectorConfidence: 0.3\nmodels: \(TestData.models.directory.path)\n")
        let pipeline = try PipelineConfiguration.load(path: path).makePipeline(file: path, pixelBudget: 7)
        #expect(pipeline.name == "pipeline")
        #expect(pipeline.detector == .res10)
        #expect(pipeline.detectorConfidence == 0.3)
        #expect(pipeline.pixelBudget == 7)
    }
}
