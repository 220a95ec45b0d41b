import Foundation
import MaskBenchCore
import MaskBenchFiles
import MaskBenchRecords
import MaskBenchTestSupport
import Testing

/// Baselines on disk: deterministic bytes, round trip, versioning.
@Suite struct BaselineTests {
    func temporaryFile(_ name: String) throws -> String {
        try Command.temporaryDirectory().appendingPathComponent(name).path
    }

    static func baseline() -> Baseline {
        let run = RunFixture.run()
        return Baseline(name: "test", metrics: run.metrics, faces: run.faces)
    }

    @Test func writesTheSameBytesAndReadsThemBack() throws {
        let baseline = Self.baseline()
        let path = try temporaryFile("b.json")
        try baseline.write(to: path)
        let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        #expect(try baseline.jsonData() == bytes)
        #expect(try Baseline.read(path: path) == baseline)
        let text = String(decoding: bytes, as: UTF8.self)
        #expect(text.hasPrefix("{\n  \"datasetFingerprint\" : \"sha256:"))
        #expect(text.contains("\"schemaVersion\" : 1"))
        #expect(text.hasSuffix("}\n"))
    }

    @Test func facesAreSortedByImageThenFace() {
        let run = RunFixture.run(images: 12)
        let baseline = Baseline(name: "x", metrics: run.metrics, faces: run.faces.reversed())
        #expect(baseline.faces.first?.image == "img0.jpg")
        #expect(baseline.faces.map(\.face).prefix(2) == [0, 1])
        #expect(baseline.faces.map(\.image) == baseline.faces.map(\.image).sorted())
    }

    @Test func anotherSchemaVersionIsRefused() throws {
        let baseline = Self.baseline()
        let path = try temporaryFile("v2.json")
        var object = try #require(try JSONSerialization.jsonObject(with: baseline.jsonData()) as? [String: Any])
        object["schemaVersion"] = 2
        try JSONSerialization.data(withJSONObject: object).write(to: URL(fileURLWithPath: path))
        let error = try #require(throws: FormatError.self) { try Baseline.read(path: path) }
        #expect(error.file == path)
        #expect(
            error.description.contains("baseline schema version 2 is not supported; this maskbench reads version 1"))
    }

    @Test func aFileThatIsNotABaselineSaysWhere() throws {
        let path = try temporaryFile("bad.json")
        try Data(#"{"schemaVersion": 1, "name": "x"}"#.utf8).write(to: URL(fileURLWithPath: path))
        let error = try #require(throws: FormatError.self) { try Baseline.read(path: path) }
        #expect(error.description.contains("malformed baseline: at the top level: missing"))
    }
}

/// The faces of a baseline: `call` kept, older baselines (with `detected` and `correct` only) still read.
@Suite struct BaselineFaceTests {
    func decode(_ json: String) throws -> FaceRecord {
        try JSONDecoder().decode(FaceRecord.self, from: Data(json.utf8))
    }

    @Test func aFaceKeepsItsCallAndScores() throws {
        let face = FaceRecord(
            image: "a.jpg", face: 2, truth: .unmasked, call: .incorrect, maskScore: 0.4, faceScore: 0.9, iou: 0.75)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let text = String(decoding: try encoder.encode(face), as: UTF8.self)
        #expect(
            text
                == #"{"call":"incorrect","face":2,"faceScore":0.9,"image":"a.jpg","iou":0.75,"maskScore":0.4,"truth":"unmasked"}"#
        )
        #expect(try decode(text) == face)
        let missed = FaceRecord(image: "a.jpg", face: 0, truth: .masked, call: nil, maskScore: nil)
        let missedText = String(decoding: try encoder.encode(missed), as: UTF8.self)
        #expect(missedText == #"{"call":null,"face":0,"image":"a.jpg","maskScore":null,"truth":"masked"}"#)
        #expect(try decode(missedText) == missed)
    }

    @Test func aBaselineRecordedBeforeCallsWereKeptStillReads() throws {
        let wrong = try decode(
            #"{"correct": false, "detected": true, "face": 0, "image": "a.jpg", "maskScore": 0.7, "truth": "unmasked"}"#
        )
        #expect(wrong.call == .masked)
        let right = try decode(
            #"{"correct": true, "detected": true, "face": 1, "image": "a.jpg", "maskScore": 0.1, "truth": "unmasked"}"#)
        #expect(right.call == .unmasked)
        let missed = try decode(
            #"{"correct": false, "detected": false, "face": 2, "image": "a.jpg", "maskScore": null, "truth": "masked"}"#
        )
        #expect(missed.call == nil && !missed.detected)
    }

    @Test func anOldThreeClassBaselineWithAWrongCallMustBeRecordedAgain() throws {
        let error = #expect(throws: DecodingError.self) {
            try decode(
                #"{"correct": false, "detected": true, "face": 0, "image": "a.jpg", "maskScore": 0.7, "truth": "incorrect"}"#
            )
        }
        #expect("\(String(describing: error))".contains("record the baseline again"))
    }

    @Test func theCommittedKaggleBaselineReads() throws {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Baselines/kaggle-ssd-mobilenetv2.json").path
        let baseline = try Baseline.read(path: path)
        #expect(baseline.faces.count == 1069)
        let tnr = baseline.metrics.pipeline.tnr.count
        #expect(baseline.faces.filter { $0.truth == .unmasked && $0.correct }.count == tnr)
        // The gate refuses a baseline whose faces recompute to other numbers: the committed one must agree.
        #expect(baseline.metrics.disagreements(faces: baseline.faces, extras: baseline.extras) == [])
        // Recorded with the report's extras, so a `detector.ap.voc` rule with `significance` can run its paired
        // bootstrap against it.
        #expect(baseline.extras != nil, "record the baseline again from a run with a report")
        #expect(baseline.extras?.count == baseline.metrics.pipeline.extraDetections.total)
    }
}
