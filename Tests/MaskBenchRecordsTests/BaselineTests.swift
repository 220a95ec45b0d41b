import Foundation
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
