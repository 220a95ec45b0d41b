import Foundation
import MaskBenchCore
import MaskBenchFiles
import MaskBenchFormats
import Testing

/// ``PredictionJSONL``: both line shapes, errors with file and line, a deterministic writer.
@Suite struct JSONLinesPredictionTests {
    @Test func readsOneFacePerLineAndPerImageLines() throws {
        let text = """
            {"image": "a.png", "box": [1, 2, 3, 4], "faceScore": 0.9, "maskScore": 0.2}

            {"image": "b.png", "faces": [{"box": [0, 0, 10, 10], "faceScore": 0.5, "maskScore": 1}, {"box": [5, 5, 1, 1], "faceScore": 0.25, "maskScore": 0}]}\r
            {"image": "a.png", "box": [5, 6, 7, 8], "faceScore": 0.8, "maskScore": 0.7, "label": "No Mask"}
            {"image": "c.png", "faces": []}
            """
        let loaded = try PredictionJSONL.decode(text, source: "p.jsonl")
        #expect(loaded.format == .jsonl)
        let set = loaded.predictions
        #expect(
            set["a.png"] == [
                Prediction(box: Box(x: 1, y: 2, width: 3, height: 4), faceScore: 0.9, maskScore: 0.2),
                Prediction(box: Box(x: 5, y: 6, width: 7, height: 8), faceScore: 0.8, maskScore: 0.7, label: .unmasked),
            ])
        #expect(set["b.png"].map(\.faceScore) == [0.5, 0.25])
        #expect(set.byImage["c.png"] == [])
        #expect(set.count == 4)
    }

    @Test func labelAloneGivesTheMaskScore() throws {
        let set = try PredictionJSONL.decode(
            #"{"image": "a.png", "box": [1, 2, 3, 4], "faceScore": 0.9, "label": "with_mask"}"#
        ).predictions
        #expect(set["a.png"].first?.maskScore == 1)
        #expect(set["a.png"].first?.label == .masked)
    }

    @Test(arguments: [
        (
            "{\"image\": \"a.png\", \"box\": [1, 2, 3, 4], \"faceScore\": 0.9, \"maskScore\": 0.2}\n{\"image\": \"a.png\", \"box\": [1, 2, 3], \"faceScore\": 1, \"maskScore\": 0}",
            "p.jsonl:2:27: field 'box': expected 4 numbers [x, y, width, height], found 3"
        ),
        (
            "{\"image\": \"a.png\", \"box\": [1, 2, 3, 4], \"faceScore\": 0.9}",
            "p.jsonl:1:1: missing field 'maskScore' (or a 'label')"
        ),
        (
            "{\"image\": \"a.png\", \"box\": [1, 2, 3, 4], \"faceScore\": 0.9, \"maskScore\": 1.5}",
            "p.jsonl:1:72: field 'maskScore': 1.5 is outside [0, 1]"
        ),
        ("\n\n{\"image\": \"a.png\" \"box\": []}", "p.jsonl:3:19: invalid JSON: unexpected '\"', expected ',' or '}'"),
        (
            "[1, 2]",
            "p.jsonl:1:1: expected an object {\"image\", \"box\", \"faceScore\", \"maskScore\"}, found an array"
        ),
        (
            "{\"image\": \"a.png\", \"box\": [1, 2, 3, 4], \"faceScore\": 0.9, \"maskScore\": 0, \"label\": \"hat\"}",
            "p.jsonl:1:84: field 'label': 'hat' is not a known label; map it with --label 'hat=masked' (or =unmasked, =incorrect)"
        ),
        (
            "{\"image\": \"b.png\", \"faces\": [{\"box\": [0, 0, 1, 1], \"faceScore\": 1, \"maskScore\": 1}, {\"box\": [0, 0, -1, 1], \"faceScore\": 1, \"maskScore\": 1}]}",
            "p.jsonl:1:93: field 'faces': [1]: field 'box': negative size in [0.0, 0.0, -1.0, 1.0]"
        ),
        (
            "{\"image\": \"b.png\", \"faces\": []}\n{\"image\": \"b.png\", \"faces\": []}",
            "p.jsonl:2: image 'b.png' already has predictions on line 1; a per-image line must be its only line"
        ),
    ])
    func errorsNameFileLineAndColumn(text: String, expected: String) {
        let error = #expect(throws: FormatError.self) { try PredictionJSONL.decode(text, source: "p.jsonl") }
        #expect(error?.description == expected)
    }

    @Test func decodesOneWorkerAnswer() throws {
        let record = try PredictionJSONL.decodeRecord(
            #"{"image": "x.jpg", "faces": [{"box": [1, 1, 2, 2], "faceScore": 0.75, "maskScore": 0.5}]}"#,
            source: "<worker>"
        )
        #expect(
            record
                == PredictionJSONL.Record(
                    image: "x.jpg",
                    faces: [Prediction(box: Box(x: 1, y: 1, width: 2, height: 2), faceScore: 0.75, maskScore: 0.5)]
                ))
    }

    @Test func writesDeterministicallyAndReadsBackEqual() throws {
        let set = PredictionSet(byImage: [
            "b \"q\".png": [
                Prediction(box: Box(x: 0.1, y: 1e-7, width: 123_456.789, height: 2), faceScore: 0.3, maskScore: 1 / 3),
                Prediction(box: Box(x: 1, y: 2, width: 3, height: 4), faceScore: 1, maskScore: 0, label: .incorrect),
            ],
            "a.png": [Prediction(box: Box(x: 10, y: 20, width: 30, height: 40), faceScore: -2.5, maskScore: 0.5)],
            "empty.png": [],
        ])
        let text = try PredictionJSONL.encode(set)
        #expect(
            text == """
                {"image":"a.png","box":[10,20,30,40],"faceScore":-2.5,"maskScore":0.5}
                {"image":"b \\"q\\".png","box":[0.1,1e-07,123456.789,2],"faceScore":0.3,"maskScore":0.3333333333333333}
                {"image":"b \\"q\\".png","box":[1,2,3,4],"faceScore":1,"maskScore":0,"label":"incorrect"}
                {"image":"empty.png","faces":[]}

                """)
        let directory = try FormatFixtures.temporaryDirectory()
        defer { FormatFixtures.remove(directory) }
        let path = directory + "/predictions.jsonl"
        try PredictionJSONL.write(set, toFile: path)
        #expect(try PredictionJSONL.read(path: path).predictions == set)
    }

    @Test func nonFiniteNumbersCannotBeWritten() {
        let set = PredictionSet(byImage: [
            "a.png": [Prediction(box: Box(x: .nan, y: 0, width: 1, height: 1), faceScore: 1, maskScore: 0)]
        ])
        let error = #expect(throws: FormatError.self) { try PredictionJSONL.encode(set) }
        #expect(error?.message == "image 'a.png': a box or score is NaN or infinite")
    }

    @Test func missingFileIsAnErrorNamingIt() {
        let error = #expect(throws: FormatError.self) { try PredictionJSONL.read(path: "/nonexistent/p.jsonl") }
        #expect(error?.file == "/nonexistent/p.jsonl")
    }
}
