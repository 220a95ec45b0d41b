import Foundation
import MaskBenchInference
import MaskBenchTestSupport
import Testing

@Suite struct KerasImporterTests {
    /// Largest |Δ| over the largest |expected| of one output: the outputs' scale, so an output near zero is
    /// held to the same absolute precision as its neighbours (float32 sums in another order).
    private static func scaledError(_ actual: [Float], _ expected: [Float]) -> Double {
        let scale = expected.map { abs(Double($0)) }.max() ?? 0
        let worst = zip(actual, expected).map { abs(Double($0) - Double($1)) }.max() ?? 0
        return worst / max(scale, 1e-30)
    }

    @Test func tinyModelMatchesNumPy() throws {
        let network = try Network.keras(TestData.fixtures.appendingPathComponent("tiny.h5"))
        let input = try TestData.floats(TestData.fixtures.appendingPathComponent("tiny.in.f32"))
        let expected = try TestData.floats(TestData.fixtures.appendingPathComponent("tiny.out.f32"))
        try network.setInput(
            TestData.nchw(input, batch: 2, height: 8, width: 8, channels: 3),
            shape: [2, 3, 8, 8]
        )
        let outputs = try network.forward()
        #expect(try network.outputNames == ["dense"])
        let output = try #require(outputs.first)
        #expect(output.shape == [2, 2])
        for (actual, reference) in zip(output.values, expected) {
            #expect(Double(actual).isClose(to: Double(reference), absolute: 1e-6, relative: 1e-5))
        }
    }

    /// A ZeroPadding2D read by a depthwise convolution (which takes the padding into itself) and by a Conv2D
    /// (which needs a Padding layer), and also a model output.
    @Test func sharedZeroPaddingMatchesNumPy() throws {
        let network = try Network.keras(TestData.fixtures.appendingPathComponent("shared_padding.h5"))
        let input = try TestData.floats(TestData.fixtures.appendingPathComponent("shared_padding.in.f32"))
        let expected = try TestData.floats(TestData.fixtures.appendingPathComponent("shared_padding.out.f32"))
        try network.setInput(
            TestData.nchw(input, batch: 2, height: 6, width: 7, channels: 4),
            shape: [2, 4, 6, 7]
        )
        let outputs = try network.forward()
        #expect(try network.outputNames == ["dw", "pw", "pad"])
        #expect(outputs.map(\.shape) == [[2, 4, 4, 3], [2, 2, 9, 8], [2, 4, 9, 8]])
        let actual = outputs.flatMap(\.values)
        #expect(actual.count == expected.count)
        for (a, e) in zip(actual, expected) {
            #expect(Double(a).isClose(to: Double(e), absolute: 1e-5, relative: 1e-5))
        }
    }

    /// A reference model from ../shared/reference/keras-test-models/index.json.
    struct ReferenceModel: Decodable {
        var `in`: [Int]
        var out: [Int]
    }

    // Needs ../shared/reference (present on CI and the team's machines, not on a fresh clone).
    @Test(
        .enabled(if: TestData.referenceAvailable, "needs ../shared/reference/keras-test-models"),
        arguments: ["mobilenetv1_nested", "mobilenetv2_nested_seq", "odd_shapes"]
    )
    func referenceModelMatchesTensorFlow(_ name: String) throws {
        let folder = TestData.reference.appendingPathComponent("keras-test-models")
        let index = try JSONDecoder().decode(
            [String: ReferenceModel].self,
            from: Data(contentsOf: folder.appendingPathComponent("index.json"))
        )
        let model = try #require(index[name])
        let network = try Network.keras(folder.appendingPathComponent("\(name).h5"))
        let input = try TestData.floats(folder.appendingPathComponent("\(name).in.f32"))
        let expected = try TestData.floats(folder.appendingPathComponent("\(name).out.f32"))
        let (batch, height, width, channels) = (model.in[0], model.in[1], model.in[2], model.in[3])
        try network.setInput(
            TestData.nchw(input, batch: batch, height: height, width: width, channels: channels),
            shape: [batch, channels, height, width]
        )
        let output = try #require(try network.forward().first)
        #expect(output.shape == model.out)
        #expect(output.values.count == expected.count)
        let error = Self.scaledError(output.values, expected)
        #expect(error <= 1e-5, "max |Δ| / max |expected| = \(error)")
    }

    // Seed 002's classifier is a VGG19 (weights never published) in a Sequential head: the same layer types at a
    // small size, made and run by tf_keras (Scripts/make-classifier-fixtures.py).
    @Test func vggStyleModelMatchesTensorFlow() throws {
        let network = try Network.keras(TestData.fixtures.appendingPathComponent("vgg_style.h5"))
        #expect(try network.declaredInputShape == [3, 24, 24])
        let input = try TestData.floats(TestData.fixtures.appendingPathComponent("vgg_style.in.f32"))
        let expected = try TestData.floats(TestData.fixtures.appendingPathComponent("vgg_style.out.f32"))
        try network.setInput(
            TestData.nchw(input, batch: 2, height: 24, width: 24, channels: 3), shape: [2, 3, 24, 24])
        let output = try #require(try network.forward().first)
        #expect(output.shape == [2, 2])
        let error = Self.scaledError(output.values, expected)
        #expect(error <= 1e-5, "max |Δ| / max |expected| = \(error)")
    }

    @Test func onnxClassifierMatchesONNXRuntime() throws {
        let network = try Network.onnx(TestData.fixtures.appendingPathComponent("tiny_classifier.onnx"))
        #expect(try network.declaredInputShape.isEmpty)
        let input = try TestData.floats(TestData.fixtures.appendingPathComponent("tiny_classifier.in.f32"))
        let expected = try TestData.floats(TestData.fixtures.appendingPathComponent("tiny_classifier.out.f32"))
        try network.setInput(input, shape: [1, 3, 16, 16])
        let output = try #require(try network.forward().first)
        let error = Self.scaledError(output.values, expected)
        #expect(error <= 1e-5, "max |Δ| / max |expected| = \(error)")
    }

    @Test func unsupportedLayerIsNamedWithItsClass() throws {
        let url = TestData.fixtures.appendingPathComponent("unsupported_layer.h5")
        let error = try #require(throws: InferenceError.self) { try Network.keras(url) }
        #expect(error.kind == .unsupportedLayer)
        #expect(error.file == url.path)
        #expect(error.description.contains("'upsample' (UpSampling2D)"), "\(error)")
        #expect(error.description.contains("mbdnn_net_create_keras"), "\(error)")
    }

    @Test func missingWeightIsAnErrorAtLoad() throws {
        let url = TestData.fixtures.appendingPathComponent("missing_weights.h5")
        let error = try #require(throws: InferenceError.self) { try Network.keras(url) }
        #expect(error.kind == .invalidModel)
        #expect(error.description.contains("'dense' (Dense)"), "\(error)")
        #expect(error.description.contains("dense/kernel:0"), "\(error)")
    }

    @Test func wronglyShapedWeightIsAnErrorAtLoad() throws {
        let url = TestData.fixtures.appendingPathComponent("wrong_shape.h5")
        let error = try #require(throws: InferenceError.self) { try Network.keras(url) }
        #expect(error.kind == .invalidModel)
        #expect(error.description.contains("'conv' (Conv2D)"), "\(error)")
        #expect(error.description.contains("(3,3,3,5), expected (3,3,3,4)"), "\(error)")
    }

    @Test func truncatedFileIsAnErrorAtLoad() throws {
        let folder = try TestData.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let data = try Data(contentsOf: TestData.fixtures.appendingPathComponent("tiny.h5"))
        let url = folder.appendingPathComponent("truncated.h5")
        try data.prefix(data.count * 2 / 3).write(to: url)
        let error = try #require(throws: InferenceError.self) { try Network.keras(url) }
        #expect(error.kind == .invalidModel, "\(error)")
    }

    @Test func fileThatIsNotHDF5IsRejected() throws {
        let folder = try TestData.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("model.h5")
        try Data("not a model\n".utf8).write(to: url)
        let error = try #require(throws: InferenceError.self) { try Network.keras(url) }
        #expect(error.kind == .invalidModel)
        #expect(error.description.contains("not an HDF5 file"), "\(error)")
    }

    @Test func missingFileIsUnreadable() throws {
        let url = TestData.fixtures.appendingPathComponent("no-such-model.h5")
        let error = try #require(throws: InferenceError.self) { try Network.keras(url) }
        #expect(error.kind == .unreadableFile)
        #expect(error.description.contains("no-such-model.h5"), "\(error)")
    }
}
