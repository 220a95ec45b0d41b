import Foundation
import MaskBenchCore
import MaskBenchFiles
import MaskBenchTestSupport
import Testing

@testable import MaskBenchRecords

/// Reading `faces.csv`: the per-face record the gate pairs, and the errors a broken one gives.
@Suite struct FaceOutcomesCSVTests {
    func write(_ text: String) throws -> String {
        let path = try Command.temporaryDirectory().appendingPathComponent("faces.csv").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func readsFoundAndMissedFaces() throws {
        let path = try write(
            """
            image,face,truth,call,maskScore,faceScore,iou
            a.jpg,0,masked,masked,0.9,0.8,0.7
            a.jpg,1,unmasked,masked,0.6,0.8,0.7
            b.jpg,0,unmasked,,,,
            """)
        let faces = try FaceOutcomesCSV.read(path: path)
        #expect(
            faces == [
                FaceRecord(
                    image: "a.jpg", face: 0, truth: .masked, call: .masked, maskScore: 0.9, faceScore: 0.8, iou: 0.7),
                FaceRecord(
                    image: "a.jpg", face: 1, truth: .unmasked, call: .masked, maskScore: 0.6, faceScore: 0.8,
                    iou: 0.7),
                FaceRecord(image: "b.jpg", face: 0, truth: .unmasked, call: nil, maskScore: nil),
            ])
    }

    /// An ignore region's row (truth `ignored`) reads as one, keeps the best detection on it, and goes
    /// through a baseline as written.
    @Test func readsIgnoreRegionsAndKeepsThemThroughABaseline() throws {
        let path = try write(
            """
            image,face,truth,call,maskScore,faceScore,iou
            a.jpg,0,masked,masked,0.9,0.8,0.7
            a.jpg,1,ignored,unmasked,0.2,0.95,1.0
            a.jpg,2,ignored,,,,
            """)
        let faces = try FaceOutcomesCSV.read(path: path)
        #expect(faces.map(\.ignored) == [false, true, true])
        #expect(faces[1].call == .unmasked && faces[1].faceScore == 0.95)
        let coded = try JSONDecoder().decode([FaceRecord].self, from: JSONEncoder().encode(faces))
        #expect(coded == faces)
        #expect(String(decoding: try JSONEncoder().encode(faces[2]), as: UTF8.self).contains(#""truth":"ignored""#))
    }

    @Test(arguments: [
        ("image,face,truth\na.jpg,0,masked\n", ":1: faces.csv header lacks call, maskScore"),
        (
            "image,face,truth,call,maskScore\na.jpg,0,hat,,\n",
            ":2:3: expected truth masked, unmasked, incorrect or ignored, found 'hat'"
        ),
        ("image,face,truth,call,maskScore\na.jpg,x,masked,,\n", ":2:2: expected a face index"),
        ("image,face,truth,call,maskScore\na.jpg,0,masked,masked,high\n", ":2:5: expected a number for maskScore"),
        (
            "image,face,truth,call,maskScore\na.jpg,0,masked,,\na.jpg,0,masked,,\n",
            ":3: face 0 of image 'a.jpg' is listed twice (first on line 2)"
        ),
        ("", ": empty file"),
    ])
    func aBrokenFileIsAnErrorAtItsPlace(_ text: String, _ message: String) throws {
        let path = try write(text)
        let error = try #require(throws: FormatError.self) { try FaceOutcomesCSV.read(path: path) }
        #expect(error.description.hasPrefix(path + message), "\(error)")
    }
}

/// Reading `boxes.csv` and `extras.csv`, the report's tables.
@Suite struct BoxTablesReadingTests {
    func write(_ text: String, _ name: String) throws -> String {
        let path = try Command.temporaryDirectory().appendingPathComponent(name).path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    let faces = [
        FaceRecord(image: "a.jpg", face: 0, truth: .masked, call: .masked, maskScore: 0.9),
        FaceRecord(image: "a.jpg", face: 1, truth: .unmasked, call: nil, maskScore: nil),
    ]

    @Test func boxesFollowTheFaces() throws {
        let path = try write(
            """
            image,face,x,y,width,height,imageWidth,imageHeight,predX,predY,predWidth,predHeight,label
            a.jpg,0,1,2,3,4,640,480,1.5,2,3,4,masked
            a.jpg,1,5,6,7,8,,,,,,,incorrect
            """, "boxes.csv")
        let boxes = try BoxTables.readBoxes(path: path, following: faces)
        #expect(
            boxes == [
                BoxRecord(
                    image: "a.jpg", face: 0, box: Box(x: 1, y: 2, width: 3, height: 4), imageWidth: 640,
                    imageHeight: 480, predicted: Box(x: 1.5, y: 2, width: 3, height: 4), label: .masked),
                BoxRecord(image: "a.jpg", face: 1, box: Box(x: 5, y: 6, width: 7, height: 8), label: .incorrect),
            ])
    }

    @Test func boxesOutOfStepOrIncompleteAreErrors() throws {
        let swapped = try write("image,face,x,y,width,height\na.jpg,1,5,6,7,8\na.jpg,0,1,2,3,4\n", "boxes.csv")
        let error = try #require(throws: FormatError.self) { try BoxTables.readBoxes(path: swapped, following: faces) }
        #expect(error.description.hasPrefix(swapped + ":2: does not follow faces.csv"))
        let short = try write("image,face,x,y,width,height\na.jpg,0,1,2,3,4\n", "short.csv")
        let shortError = try #require(throws: FormatError.self) {
            try BoxTables.readBoxes(path: short, following: faces)
        }
        #expect(shortError.description == short + ": has 1 faces, faces.csv 2; run evaluate again")
        let half = try write("image,face,x,y,width,height\na.jpg,0,1,2,,4\n", "half.csv")
        let halfError = try #require(throws: FormatError.self) { try BoxTables.readBoxes(path: half, following: faces) }
        #expect(halfError.description.hasPrefix(half + ":2:5: expected all of x, y, width, height or none"))
    }

    @Test func extrasReadWithOrWithoutBoxes() throws {
        let path = try write(
            """
            image,prediction,x,y,width,height,faceScore,maskScore,call
            a.jpg,3,1,2,3,4,0.8,0.2,unmasked
            b.jpg,,,,,,0.5,0.9,masked
            """, "extras.csv")
        #expect(
            try BoxTables.readExtras(path: path) == [
                ExtraRecord(
                    image: "a.jpg", prediction: 3, box: Box(x: 1, y: 2, width: 3, height: 4), faceScore: 0.8,
                    maskScore: 0.2, call: .unmasked),
                ExtraRecord(image: "b.jpg", box: nil, faceScore: 0.5, maskScore: 0.9, call: .masked),
            ])
        let bad = try write("image,faceScore,maskScore,call\na.jpg,0.5,,masked\n", "bad.csv")
        let error = try #require(throws: FormatError.self) { try BoxTables.readExtras(path: bad) }
        #expect(error.description == bad + ":2:3: expected maskScore, found an empty field")
    }
}

/// Writing the tables a part at a time: the bytes do not depend on the size of the parts, and a table of many
/// parts reads back whole and in order.
@Suite struct TableWritingTests {
    /// 11,000 images of 4 faces (44,000 rows), every seventh face missed, two extra detections an image; every
    /// thousandth name needs quoting.
    static func run() -> (Dataset, PredictionSet) {
        var images: [AnnotatedImage] = []
        var byImage: [String: [Prediction]] = [:]
        for i in 0..<11_000 {
            let name = i % 1000 == 0 ? "quoted, \(i).jpg" : "img\(i).jpg"
            var faces: [GroundTruthFace] = []
            var predictions: [Prediction] = []
            for f in 0..<4 {
                let box = Box(x: Double(f) * 100, y: 10, width: 40 + Double(i % 7), height: 50)
                faces.append(GroundTruthFace(box: box, label: (i + f) % 3 == 0 ? .unmasked : .masked))
                if (i * 4 + f) % 7 == 3 { continue }
                predictions.append(
                    Prediction(
                        box: Box(x: box.x + 1.5, y: box.y, width: box.width, height: box.height),
                        faceScore: 0.5 + Double((i + f) % 10) * 0.05, maskScore: Double((i * 3 + f) % 11) / 10))
            }
            for e in 0..<2 {
                predictions.append(
                    Prediction(
                        box: Box(x: 500 + Double(e) * 60, y: 300, width: 30, height: 30), faceScore: 0.25,
                        maskScore: Double(e) * 0.9))
            }
            images.append(AnnotatedImage(name: name, width: 640, height: 480, faces: faces))
            byImage[name] = predictions
        }
        return (Dataset(images: images), PredictionSet(byImage: byImage))
    }

    /// The parts a writer hands over, and how many there were.
    static func collect(_ write: (([UInt8]) -> Void) -> Void) -> (bytes: Data, parts: Int) {
        var bytes = Data()
        var parts = 0
        write {
            bytes.append(contentsOf: $0)
            parts += 1
        }
        return (bytes, parts)
    }

    @Test func smallPartsGiveTheBytesOfTheFilesAndTheRowsOfTheRun() throws {
        let (dataset, predictions) = Self.run()
        let evaluation = Evaluator(settings: EvaluationSettings(bootstrap: Bootstrap(samples: 0))).evaluate(
            dataset, predictions)
        let folder = try Command.temporaryDirectory().path
        try FaceOutcomesCSV.write(evaluation, dataset: dataset, to: folder + "/faces.csv")
        try BoxTables.write(evaluation, dataset: dataset, predictions: predictions, folder: folder)
        let file = { (name: String) in try Data(contentsOf: URL(fileURLWithPath: folder + "/" + name)) }

        // Blocks of 20,000 rows: two encoded on every core (the second from row 20,000 on), then one alone.
        let faces = Self.collect { FaceOutcomesCSV.parts(evaluation, dataset: dataset, blockRows: 20_000, part: $0) }
        #expect(faces.parts > 3)
        #expect(faces.bytes == (try file("faces.csv")))
        let boxes = Self.collect {
            BoxTables.boxes(evaluation, dataset: dataset, predictions: predictions, partSize: 10_000, part: $0)
        }
        #expect(boxes.parts > 100)
        #expect(boxes.bytes == (try file("boxes.csv")))
        let extras = Self.collect {
            BoxTables.extras(evaluation, dataset: dataset, predictions: predictions, partSize: 10_000, part: $0)
        }
        #expect(extras.parts > 50)
        #expect(extras.bytes == (try file("extras.csv")))

        let records = try FaceOutcomesCSV.read(path: folder + "/faces.csv")
        #expect(records.count == 44_000)
        #expect(records == evaluation.outcomes.map { FaceRecord($0, image: dataset.images[$0.image].name) })
        let boxRecords = try BoxTables.readBoxes(path: folder + "/boxes.csv", following: records)
        #expect(boxRecords.map(\.box) == evaluation.outcomes.map { dataset.images[$0.image].faces[$0.face].box })
        let extraRecords = try BoxTables.readExtras(path: folder + "/extras.csv")
        #expect(extraRecords.count == 22_000)
        #expect(extraRecords.map(\.image) == evaluation.extras.map { dataset.images[$0.image].name })
        #expect(extraRecords.map(\.prediction) == evaluation.extras.map(\.prediction))
    }
}
