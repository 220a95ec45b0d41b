import Foundation
import MaskBenchImaging
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

    // MARK: - A user's classifier, checked at load time

    static func fixture(_ name: String) -> URL { TestData.fixtures.appendingPathComponent(name) }

    /// A seeded random BGR crop.
    static func crop(width: Int, height: Int) -> [UInt8] {
        var state: UInt64 = 42
        return (0..<(width * height * 3)).map { _ in
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return UInt8(truncatingIfNeeded: state >> 56)
        }
    }

    @Test func aVGGStyleKerasClassifierLoadsAndAnswersAProbability() throws {
        let classifier = try MaskClassifier(
            modelFile: Self.fixture("vgg_style.h5"), spec: ClassifierSpec(inputSize: 24, preprocessing: .unit))
        let prediction = try classifier.predict(bgr: Self.crop(width: 40, height: 50), width: 40, height: 50)
        #expect((0...1).contains(prediction.mask))
        #expect(abs(prediction.mask + prediction.withoutMask - 1) < 1e-5)
    }

    @Test func anONNXClassifierLoadsThroughOpenCV() throws {
        let classifier = try MaskClassifier(
            modelFile: Self.fixture("tiny_classifier.onnx"), spec: ClassifierSpec(inputSize: 16))
        let prediction = try classifier.predict(bgr: Self.crop(width: 16, height: 16), width: 16, height: 16)
        #expect(abs(prediction.mask + prediction.withoutMask - 1) < 1e-5)
    }

    @Test func theOutputMeaningMaskedIsTheOneAsked() throws {
        let crop = Self.crop(width: 30, height: 30)
        let first = try MaskClassifier(modelFile: Self.fixture("vgg_style.h5"), spec: ClassifierSpec(inputSize: 24))
            .predict(bgr: crop, width: 30, height: 30)
        let second = try MaskClassifier(
            modelFile: Self.fixture("vgg_style.h5"), spec: ClassifierSpec(inputSize: 24, maskedOutput: .index(1))
        ).predict(bgr: crop, width: 30, height: 30)
        #expect(second.mask == first.withoutMask)
        let sigmoid = try MaskClassifier(
            modelFile: Self.fixture("sigmoid_head.h5"), spec: ClassifierSpec(inputSize: 16, maskedOutput: .sigmoid)
        ).predict(bgr: crop, width: 30, height: 30)
        let inverted = try MaskClassifier(
            modelFile: Self.fixture("sigmoid_head.h5"),
            spec: ClassifierSpec(inputSize: 16, maskedOutput: .unmaskedSigmoid)
        ).predict(bgr: crop, width: 30, height: 30)
        #expect(abs(sigmoid.mask - inverted.withoutMask) < 1e-12)
        #expect(abs(sigmoid.mask + sigmoid.withoutMask - 1) < 1e-12)
    }

    @Test(arguments: [
        ("vgg_style.h5", ClassifierSpec(inputSize: 224), "the model's input is 3×24×24"),
        ("logits_head.h5", ClassifierSpec(inputSize: 16), "not a 2-way softmax"),
        ("three_way.h5", ClassifierSpec(inputSize: 16), "answers 3 values for a face"),
        ("sigmoid_head.h5", ClassifierSpec(inputSize: 16), "answers one value"),
        ("vgg_style.h5", ClassifierSpec(inputSize: 24, maskedOutput: .sigmoid), "answers two values"),
        ("tiny.h5", ClassifierSpec(inputSize: 8, maskedOutput: .index(2)), "maskedOutput 2 is not an output"),
        ("shared_padding.h5", ClassifierSpec(inputSize: 7), "the model's input is 4×6×7"),
    ])
    func aClassifierThatDoesNotFitIsRefusedAtLoad(_ file: String, _ spec: ClassifierSpec, _ message: String) throws {
        let error = try #require(
            #expect(throws: InferenceError.self) { try MaskClassifier(modelFile: Self.fixture(file), spec: spec) })
        #expect(error.kind == .invalidModel)
        #expect(error.file == Self.fixture(file).path)
        #expect(error.message.contains(message), "\(error)")
    }

    // MARK: - Batches

    /// Crops classified together in N-image blobs score as each classified alone (what the runner relies on to
    /// batch detected and ground-truth faces).
    @Test(arguments: [1, 3, 8])
    func batchedCropsScoreAsEachAlone(_ batchSize: Int) throws {
        let image = Image(width: 90, height: 70, pixels: Self.crop(width: 90, height: 70))
        let rects = [
            PixelRect(x: 0, y: 0, width: 30, height: 40), PixelRect(x: 10, y: 5, width: 60, height: 60),
            PixelRect(x: 50, y: 30, width: 40, height: 40), PixelRect(x: 1, y: 1, width: 1, height: 1),
            PixelRect(x: 20, y: 10, width: 24, height: 24),
        ]
        let classifier = try MaskClassifier(
            modelFile: Self.fixture("vgg_style.h5"), spec: ClassifierSpec(inputSize: 24), batchSize: batchSize)
        let batched = try classifier.maskScores(of: rects, in: image)
        #expect(batched.count == rects.count)
        let alone = try image.pixels.withUnsafeBufferPointer { pixels in
            try rects.map { rect in
                try classifier.maskScore(
                    bgr: UnsafeBufferPointer(rebasing: pixels[((rect.y * 90 + rect.x) * 3)...]), width: rect.width,
                    height: rect.height, rowStride: 90 * 3)
            }
        }
        for (a, b) in zip(batched, alone) { #expect(abs(a - b) <= 1e-6, "\(batched) vs \(alone)") }
        #expect(try classifier.maskScores(of: [], in: image).isEmpty)
        #expect(throws: InferenceError.self) {
            try classifier.maskScores(of: [PixelRect(x: 80, y: 0, width: 20, height: 10)], in: image)
        }
    }

    /// OpenCV finalizes and fuses the layers again whenever the input's shape changes: the importer's depthwise
    /// layer must fold its BatchNorm in once, or a batch after a batch of another size scores wrongly.
    @Test(
        .enabled(if: TestData.referenceAvailable, "needs ../shared/reference/classifier-tf"),
        .enabled(if: TestData.modelsAvailable, "needs the models: run Scripts/fetch-models.sh")
    )
    func batchesOfChangingSizesScoreAsAFreshNetwork() throws {
        let crop = try ReferencePNG.readBGR(TestData.reference.appendingPathComponent("classifier-tf/camera0.png"))
        let image = Image(width: crop.width, height: crop.height, pixels: crop.pixels)
        let rects = [
            PixelRect(x: 0, y: 0, width: crop.width, height: crop.height),
            PixelRect(x: 2, y: 3, width: crop.width - 4, height: crop.height - 6),
            PixelRect(x: 0, y: 0, width: crop.width / 2, height: crop.height),
        ]
        let fresh = try rects.map { rect in
            try MaskClassifier(models: TestData.models).maskScores(of: [rect], in: image)[0]
        }
        let classifier = try MaskClassifier(
            modelFile: TestData.models.url(for: .maskClassifier), spec: .seed, check: false, batchSize: 2)
        for _ in 0..<2 {
            // Batches of 2 then 1, twice: the shape changes at every forward.
            let scores = try classifier.maskScores(of: rects, in: image)
            for (a, b) in zip(scores, fresh) { #expect(abs(a - b) <= 1e-5, "\(scores) vs \(fresh)") }
        }
    }

    @Test func aFileOpenCVCannotReadAsONNXIsTheUsersProblem() throws {
        let file = try TestData.temporaryDirectory().appendingPathComponent("broken.onnx")
        try Data("not a model".utf8).write(to: file)
        let error = try #require(
            #expect(throws: InferenceError.self) { try MaskClassifier(modelFile: file, spec: ClassifierSpec()) })
        #expect(error.kind == .invalidModel)
        #expect(error.isInputProblem)
        #expect(error.description.hasPrefix(file.path + ": OpenCV cannot read this model"), "\(error)")
    }
}
