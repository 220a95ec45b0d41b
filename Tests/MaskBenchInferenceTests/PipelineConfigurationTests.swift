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
        #expect(configuration.detector?.kind == .mtcnn)
        #expect(configuration.detectorConfidence == 0.3)
        #expect(configuration.models == "../models")
        #expect(configuration.pixelBudget == 1000)
    }

    @Test func jsonIsReadToo() throws {
        let configuration = try PipelineConfiguration.load(path: file(#"{"detector": "haar", "pixelBudget": 5}"#))
        #expect(configuration.detector?.kind == .haar)
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
        #expect(pipeline.detector.kind == .res10)
        #expect(pipeline.detector.confidence == 0.3)
        #expect(pipeline.pixelBudget == 7)
    }
}

/// The `classifier:` and `detector:` mappings of a config file.
@Suite struct ModelConfigurationTests {
    func load(_ text: String) throws -> PipelineConfiguration {
        let url = try TestData.temporaryDirectory().appendingPathComponent("pipeline.yml")
        try Data(text.utf8).write(to: url)
        return try PipelineConfiguration.load(path: url.path)
    }

    @Test func everyClassifierKeyIsDecoded() throws {
        let configuration = try load(
            """
            pipeline: ssd-mobilenetv2
            classifier:
              path: my.h5
              inputSize: 128
              colorOrder: bgr
              preprocessing: {mean: [103.939, 116.779, 123.68], std: [1, 1, 1]}
              maskedOutput: unmasked-sigmoid
            """)
        let classifier = try #require(configuration.classifier)
        #expect(classifier.path == "my.h5")
        #expect(classifier.spec.inputSize == 128)
        #expect(classifier.spec.colorOrder == .bgr)
        #expect(classifier.spec.preprocessing == .normalize(mean: [103.939, 116.779, 123.68], std: [1, 1, 1]))
        #expect(classifier.spec.maskedOutput == .unmaskedSigmoid)
    }

    @Test(arguments: [
        ("mobilenet_v2", ClassifierSpec.Preprocessing.mobileNetV2), ("unit", .unit), ("imagenet", .imagenet),
    ])
    func namedPreprocessings(_ name: String, _ expected: ClassifierSpec.Preprocessing) throws {
        #expect(try load("classifier: {preprocessing: \(name)}").classifier?.spec.preprocessing == expected)
    }

    @Test func whatIsNotGivenIsTheSeeds() throws {
        let classifier = try #require(try load("classifier: {maskedOutput: 1}").classifier)
        #expect(classifier.path == nil)
        #expect(classifier.spec == ClassifierSpec(maskedOutput: .index(1)))
    }

    @Test func aDetectorMappingIsDecoded() throws {
        let detector = try #require(
            try load("detector: {kind: res10, weights: w.caffemodel, confidence: 0.7, inputSize: 600}").detector)
        #expect(detector.kind == .res10)
        #expect(detector.weights == "w.caffemodel")
        #expect(detector.confidence == 0.7)
        #expect(detector.inputSize == 600)
    }

    @Test(arguments: [
        ("classifier: {maskedOutput: 2}\n", "classifier.maskedOutput", "must be 0 or 1"),
        (
            "classifier: {maskedOutput: softmax}\n", "classifier.maskedOutput",
            "must be 0, 1, sigmoid or unmasked-sigmoid"
        ),
        ("classifier: {preprocessing: caffe}\n", "classifier.preprocessing", "unknown preprocessing 'caffe'"),
        (
            "classifier: {preprocessing: {mean: [1, 2], std: [1, 1, 1]}}\n", "classifier.preprocessing.mean",
            "three numbers"
        ),
        (
            "classifier: {preprocessing: {mean: [1, 2, 3], std: [1, 0, 1]}}\n", "classifier.preprocessing.std",
            "positive"
        ),
        ("classifier: {colorOrder: rbg}\n", "classifier.colorOrder", "must be rgb or bgr"),
        ("classifier: {inputSize: 0}\n", "classifier.inputSize", "must be from 1 to 4096"),
        ("classifier: {file: my.h5}\n", "classifier.file", "unknown key 'file'; known keys: path, inputSize"),
        ("detector: {kind: yolo}\n", "detector.kind", "unknown detector 'yolo'"),
        ("detector: {kind: res10, confidence: 2}\n", "detector.confidence", "must be in [0, 1]"),
        (
            "detector: {kind: res10, confidence: 0.4}\ndetectorConfidence: 0.4\n", "detectorConfidence",
            "give the confidence once"
        ),
    ])
    func aWrongModelKeyIsNamedWithItsPath(_ text: String, _ key: String, _ message: String) throws {
        let url = try TestData.temporaryDirectory().appendingPathComponent("pipeline.yml")
        try Data(text.utf8).write(to: url)
        let error = try #require(
            #expect(throws: ConfigurationError.self) { try PipelineConfiguration.load(path: url.path) })
        #expect(error.key == key, "\(error)")
        #expect(error.message.contains(message), "\(error)")
    }

    @Test func anInputSizeForADetectorWithoutOneIsRefused() throws {
        let url = try TestData.temporaryDirectory().appendingPathComponent("pipeline.yml")
        try Data("detector: {kind: haar, inputSize: 300}\n".utf8).write(to: url)
        let configuration = try PipelineConfiguration.load(path: url.path)
        let error = try #require(
            #expect(throws: ConfigurationError.self) { try configuration.makePipeline(file: url.path) })
        #expect(error.key == "detector.inputSize")
    }

    @Test(.enabled(if: TestData.modelsAvailable, "needs the models: run Scripts/fetch-models.sh"))
    func theClassifierPathIsRelativeToTheFileAndTheFlagWins() throws {
        let folder = try TestData.temporaryDirectory()
        let fixture = TestData.fixtures.appendingPathComponent("vgg_style.h5")
        try FileManager.default.copyItem(at: fixture, to: folder.appendingPathComponent("mine.h5"))
        let path = folder.appendingPathComponent("pipeline.yml").path
        try Data(
            "pipeline: ssd-mobilenetv2\nmodels: \(TestData.models.directory.path)\nclassifier: {path: mine.h5, inputSize: 24}\n"
                .utf8
        ).write(to: URL(fileURLWithPath: path))
        let configuration = try PipelineConfiguration.load(path: path)
        let fromFile = try configuration.makePipeline(file: path)
        #expect(fromFile.classifier.file?.path == folder.appendingPathComponent("mine.h5").standardizedFileURL.path)
        #expect(fromFile.classifier.inputSize == 24)
        let fromFlag = try configuration.makePipeline(file: path, classifierFile: fixture)
        #expect(fromFlag.classifier.file == fixture)
        #expect(fromFlag.classifier.inputSize == 24)
    }
}
