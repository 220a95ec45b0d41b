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
        let faces = try FaceOutcomesReader.read(path: path)
        #expect(
            faces == [
                FaceRecord(
                    image: "a.jpg", face: 0, truth: .masked, detected: true, correct: true, maskScore: 0.9,
                    faceScore: 0.8),
                FaceRecord(
                    image: "a.jpg", face: 1, truth: .unmasked, detected: true, correct: false, maskScore: 0.6,
                    faceScore: 0.8),
                FaceRecord(image: "b.jpg", face: 0, truth: .unmasked, detected: false, correct: false, maskScore: nil),
            ])
    }

    @Test(arguments: [
        ("image,face,truth\na.jpg,0,masked\n", ":1: faces.csv header lacks call, maskScore"),
        (
            "image,face,truth,call,maskScore\na.jpg,0,hat,,\n",
            ":2:3: expected truth masked, unmasked or incorrect, found 'hat'"
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
        let error = try #require(throws: FormatError.self) { try FaceOutcomesReader.read(path: path) }
        #expect(error.description.hasPrefix(path + message), "\(error)")
    }
}
