import Foundation
import MaskBenchTestSupport
import Testing

/// Every file a command cannot read gives one shape of message, `error: FILE: cannot read: REASON` in the C
/// library's words, whichever module read it: no Foundation sentence ("The operation could not be
/// completed"), no place in MaskBench's sources (`ModelFiles.swift:66`).
@Suite struct ReadingErrorTests {
    static let sample = "Annotations/seed001-table/"
    static let metrics = "Reports/seed001-table/metrics.json"

    /// A command, and the file in it that is missing (`M`) or a folder (`D`), relative to a scratch folder.
    static let readers:
        [(name: String, arguments: @Sendable (String) -> [String], file: @Sendable (String) -> String)] =
            [
                ("ground truth", { ["validate", "--ground-truth", $0 + ".csv"] }, { $0 + ".csv" }),
                (
                    "predictions",
                    {
                        [
                            "evaluate", "--ground-truth", sample + "ground-truth.csv", "--predictions", $0 + ".jsonl",
                            "--out", $0 + "-out",
                        ]
                    },
                    { $0 + ".jsonl" }
                ),
                (
                    "predictions CSV",
                    {
                        [
                            "evaluate", "--ground-truth", sample + "ground-truth.csv", "--predictions", $0 + ".csv",
                            "--out", $0 + "-out",
                        ]
                    },
                    { $0 + ".csv" }
                ),
                ("baseline", { ["gate", "--baseline", $0 + ".json", "--metrics", metrics] }, { $0 + ".json" }),
                (
                    "rules",
                    {
                        [
                            "gate", "--baseline", "Baselines/kaggle-ssd-mobilenetv2.json", "--metrics", metrics,
                            "--rules",
                            $0 + ".yml",
                        ]
                    },
                    { $0 + ".yml" }
                ),
                ("claims", { ["claims", "check", $0 + ".yml"] }, { $0 + ".yml" }),
                ("metrics", { ["report", "--metrics", $0 + ".json", "--out", $0 + "-out"] }, { $0 + ".json" }),
                (
                    "pipeline config",
                    {
                        [
                            "run", "--config", $0 + ".yml", "--ground-truth", sample + "ground-truth.csv", "--out",
                            $0 + "-out",
                        ]
                    },
                    { $0 + ".yml" }
                ),
            ]

    @Test(arguments: readers.indices)
    func aMissingFileIsNamedWithTheSystemsReason(_ index: Int) throws {
        let reader = Self.readers[index]
        let scratch = try Command.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: scratch) }
        let base = scratch.path + "/missing"
        let result = try Command.maskbench(reader.arguments(base))
        #expect(result.status == 2, "\(reader.name): \(result.stderr)")
        #expect(
            result.stderr == "error: \(reader.file(base)): cannot read: no such file or directory\n",
            "\(reader.name)")
    }

    @Test(arguments: readers.indices)
    func aFolderWhereAFileBelongsIsNamedWithTheSystemsReason(_ index: Int) throws {
        let reader = Self.readers[index]
        let scratch = try Command.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: scratch) }
        let base = scratch.path + "/folder"
        try FileManager.default.createDirectory(atPath: reader.file(base), withIntermediateDirectories: true)
        let result = try Command.maskbench(reader.arguments(base))
        #expect(result.status == 2, "\(reader.name): \(result.stderr)")
        #expect(result.stderr.hasPrefix("error: \(reader.file(base)): "), "\(reader.name): \(result.stderr)")
        #expect(!result.stderr.contains("could not be completed"), "\(reader.name): \(result.stderr)")
        #expect(!result.stderr.contains(".swift:"), "\(reader.name): \(result.stderr)")
    }

    @Test func aMissingModelNamesTheFileAndNotMaskBenchsSources() throws {
        let scratch = try Command.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: scratch) }
        let result = try Command.maskbench([
            "run", "--pipeline", "ssd-mobilenetv2", "--models", scratch.path + "/models", "--ground-truth",
            Self.sample + "ground-truth.csv", "--out", scratch.path + "/out",
        ])
        #expect(result.status == 2)
        #expect(result.stderr.hasPrefix("error: \(scratch.path)/models/deploy.prototxt: cannot read: no such file"))
        #expect(!result.stderr.contains(".swift:"), "\(result.stderr)")
    }
}
