import Foundation
import MaskBenchCore
import MaskBenchFiles
import MaskBenchFormats
import MaskBenchTestSupport
import Testing

/// What a shard writes for the merge reads back to exactly what was written, and other versions are refused.
@Suite struct ShardFilesTests {
    private func temporaryFile(_ name: String) throws -> String {
        try Command.temporaryDirectory().appendingPathComponent(name).path
    }

    @Test func aManifestReadsBackEqual() throws {
        let manifest = ShardManifest(
            shard: Shard(index: 2, count: 5),
            pipeline: .init(name: "ssd-mobilenetv2", fingerprint: "native/1 res10"),
            dataset: .init(fingerprint: "sha256:aa", count: 214),
            images: .init(fingerprint: "sha256:bb", count: 43),
            groundTruthCrops: true,
            counts: .init(computed: 40, cached: 2, failed: 1, faces: 77),
            tool: .init(name: "maskbench", version: "0.1.0"))
        let path = try temporaryFile("shard.json")
        try manifest.encoded().write(to: URL(fileURLWithPath: path))
        #expect(try ShardManifest.read(path: path) == manifest)
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text.contains("\"format\" : \"maskbench-shard\""))
        #expect(text.hasSuffix("}\n"))
    }

    @Test(arguments: [
        (
            "{\"format\": \"maskbench-shard\", \"version\": 2}",
            "shard manifest version 2; this maskbench reads version 1"
        ),
        ("{\"version\": 1}", "not a MaskBench shard manifest (no \"format\": \"maskbench-shard\")"),
        ("[1, 2]", "not a MaskBench shard manifest (no \"format\": \"maskbench-shard\")"),
    ])
    func anotherFileOrVersionIsRefused(text: String, message: String) throws {
        let path = try temporaryFile("shard.json")
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        #expect(throws: FormatError(file: path, message)) { try ShardManifest.read(path: path) }
    }

    @Test func cropScoresReadBackToTheSameDoubles() throws {
        let scores: [String: [Double]] = [
            "b.png": [0.1, 1.0 / 3.0, 0, 1, Double.leastNonzeroMagnitude, 0.1 + 0.2],
            "a \"quoted\" name.png": [0.9949451088905334],
            "é.png": [],
        ]
        let data = try RunAnswerFiles.encodeCropScores(scores)
        let text = String(decoding: data, as: UTF8.self)
        #expect(text.hasPrefix("{\"image\":\"a \\\"quoted\\\" name.png\",\"maskScores\":[0.9949451088905334]}\n"))
        let path = try temporaryFile("crops.jsonl")
        try data.write(to: URL(fileURLWithPath: path))
        let read = try RunAnswerFiles.readCropScores(path: path)
        #expect(read == scores)
        #expect(read["b.png"]?.map(\.bitPattern) == scores["b.png"]?.map(\.bitPattern))
    }

    @Test func failuresReadBackInOrder() throws {
        let failures = [
            RunAnswerFiles.Failure(image: "z.png", reason: "worker 1 exited with status 3 before answering"),
            RunAnswerFiles.Failure(image: "dir/a.png", reason: "line\nbreak and \u{1} control"),
        ]
        let path = try temporaryFile("failures.jsonl")
        try RunAnswerFiles.encodeFailures(failures).write(to: URL(fileURLWithPath: path))
        #expect(try RunAnswerFiles.readFailures(path: path) == failures)
    }

    @Test func aBadLineIsNamedWithItsFileAndLine() throws {
        let path = try temporaryFile("crops.jsonl")
        try Data("{\"image\":\"a.png\",\"maskScores\":[0.5]}\n{\"image\":\"b.png\",\"maskScores\":[\"x\"]}\n".utf8)
            .write(to: URL(fileURLWithPath: path))
        #expect {
            try RunAnswerFiles.readCropScores(path: path)
        } throws: { error in
            "\(error)".hasPrefix("\(path):2:") && "\(error)".contains("field 'maskScores'")
        }
    }

    @Test(arguments: [
        ([1, 4], "1,4"), ([3], "3"), ([0, 1, 2, 3, 7, 9, 10], "0-3,7,9,10"), ([5, 2, 3, 4], "2-5"),
    ])
    func missingIndicesBecomeASlurmArrayValue(indices: [Int], value: String) {
        #expect(ShardSetError.arrayValue(indices) == value)
    }
}
