import Foundation
import MaskBenchCore
import MaskBenchFiles
import MaskBenchRecords
import MaskBenchTestSupport
import Testing

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
