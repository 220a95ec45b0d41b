import Foundation
import MaskBenchInference
import Testing

@Suite struct NetworkTests {
    @Test func forwardWithAnUnknownOutputNameFails() throws {
        let network = try Network.keras(TestData.fixtures.appendingPathComponent("tiny.h5"))
        try network.setInput([Float](repeating: 0, count: 3 * 8 * 8), shape: [1, 3, 8, 8])
        let error = try #require(throws: InferenceError.self) { try network.forward(["nope"]) }
        #expect(error.kind == .invalidArgument)
        #expect(error.description.contains("'nope'"), "\(error)")
    }

    @Test func inputThatDoesNotMatchItsShapeIsRejected() throws {
        let network = try Network.keras(TestData.fixtures.appendingPathComponent("tiny.h5"))
        let error = try #require(throws: InferenceError.self) {
            try network.setInput([Float](repeating: 0, count: 10), shape: [1, 3, 8, 8])
        }
        #expect(error.kind == .invalidArgument)
    }

    @Test func namedIntermediateOutputsComeBackInTheOrderAsked() throws {
        let network = try Network.keras(TestData.fixtures.appendingPathComponent("tiny.h5"))
        try network.setInput([Float](repeating: 0.5, count: 3 * 8 * 8), shape: [1, 3, 8, 8])
        let outputs = try network.forward(["dense", "gap/flatten", "conv"])
        #expect(outputs.map(\.shape) == [[1, 2], [1, 4], [1, 4, 4, 4]])
        #expect(abs(Double(outputs[0].values.reduce(0, +)) - 1) < 1e-6)  // softmax
    }

    // Needs the models fetched by Scripts/fetch-models.sh.
    @Test(.enabled(if: TestData.modelsAvailable, "needs the models: run Scripts/fetch-models.sh"))
    func caffeSSDAnswersTwoHundredDetections() throws {
        let models = TestData.models
        let network = try Network.caffe(
            prototxt: models.verifiedURL(for: .res10Prototxt),
            weights: models.verifiedURL(for: .res10Weights)
        )
        let gray = [UInt8](repeating: 128, count: 300 * 300 * 3)
        let blob = try gray.withUnsafeBufferPointer {
            try OpenCVImaging.blob(
                $0,
                width: 300,
                height: 300,
                channels: 3,
                scale: 1,
                blobWidth: 300,
                blobHeight: 300,
                mean: [104, 177, 123]
            )
        }
        try network.setInput(blob, shape: [1, 3, 300, 300])
        let output = try #require(try network.forward().first)
        #expect(output.shape == [1, 1, 200, 7])
    }

    // Needs the models fetched by Scripts/fetch-models.sh.
    @Test(.enabled(if: TestData.modelsAvailable, "needs the models: run Scripts/fetch-models.sh"))
    func onnxPNetHasItsNamedOutputs() throws {
        let network = try Network.onnx(TestData.models.verifiedURL(for: .mtcnnPNet))
        // P-Net is fed NHWC with height and width swapped: (1, W, H, 3).
        try network.setInput([Float](repeating: 0, count: 20 * 12 * 3), shape: [1, 20, 12, 3])
        let outputs = try network.forward(["conv2d_4", "softmax"])
        #expect(outputs.count == 2)
        #expect(outputs[1].values.count * 2 == outputs[0].values.count)  // 2 classes vs 4 box offsets per cell
    }

    @Test func caffeWithAMissingFileNamesIt() throws {
        let error = try #require(throws: InferenceError.self) {
            try Network.caffe(
                prototxt: URL(fileURLWithPath: "/nonexistent/deploy.prototxt"),
                weights: URL(fileURLWithPath: "/nonexistent/res10.caffemodel")
            )
        }
        #expect(error.kind == .unreadableFile)
        #expect(error.description.contains("/nonexistent/deploy.prototxt"), "\(error)")
    }
}
