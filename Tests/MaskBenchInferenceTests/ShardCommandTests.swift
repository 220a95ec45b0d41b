import Foundation
import MaskBenchTestSupport
import Testing

/// `maskbench run --shard` and `maskbench merge` end to end: the shards of a run, merged, are that run.
@Suite struct ShardCommandTests {
    /// The files a merge writes byte for byte as one run does.
    static let sameBytes = ["predictions.jsonl", "faces.csv", "boxes.csv", "extras.csv"]

    /// `text` without the pids an external worker's failure reasons name (`worker 1 (pid 6112) exited …`), which
    /// differ from one run to the next.
    static func withoutPids(_ text: String) -> String {
        text.replacing(/\(pid [0-9]+\)/, with: "(pid)")
    }

    private func run(
        _ fixture: RunnerFixture, out: String, mode: String = "varied", target: String = "none",
        _ extra: [String] = [], environment: [String: String] = [:]
    ) throws -> Command.Result {
        try Command.maskbench(
            [
                "run", "--external", RunnerFixture.command(mode, target), "--ground-truth",
                fixture.groundTruthURL.path, "--images", fixture.imagesPath, "--out", out, "--timeout", "5",
                "--startup-timeout", "20", "--bootstrap", "50", "--workers", "1", "--retries", "0", "--quiet",
            ] + extra,
            environment: environment)
    }

    private func merge(
        _ fixture: RunnerFixture, _ shards: [String], out: String, _ extra: [String] = []
    ) throws
        -> Command.Result
    {
        try Command.maskbench(
            ["merge"] + shards + [
                "--ground-truth", fixture.groundTruthURL.path, "--images", fixture.imagesPath, "--out", out,
                "--bootstrap", "50", "--quiet",
            ] + extra)
    }

    /// metrics.json without what may differ between one run and a merge: paths and cache counts.
    private func comparableMetrics(_ folder: String) throws -> NSDictionary {
        let data = try Data(contentsOf: URL(fileURLWithPath: folder + "/metrics.json"))
        var object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        object["inputs"] = nil
        var run = try #require(object["run"] as? [String: Any])
        run["computed"] = nil
        run["cached"] = nil
        run["failures"] = (run["failures"] as? [[String: String]])?.map { $0.mapValues(Self.withoutPids) }
        object["run"] = run
        return object as NSDictionary
    }

    private func expectSameRun(
        _ single: String, _ merged: String, sourceLocation: SourceLocation = #_sourceLocation
    )
        throws
    {
        for file in Self.sameBytes {
            let one = try Data(contentsOf: URL(fileURLWithPath: single + "/" + file))
            let other = try Data(contentsOf: URL(fileURLWithPath: merged + "/" + file))
            #expect(one == other, "\(file) differs", sourceLocation: sourceLocation)
        }
        let failures = try [single, merged].map {
            Self.withoutPids(try String(contentsOfFile: $0 + "/failures.jsonl", encoding: .utf8))
        }
        #expect(failures[0] == failures[1], sourceLocation: sourceLocation)
        #expect(try comparableMetrics(single) == comparableMetrics(merged), sourceLocation: sourceLocation)
    }

    @Test func threeShardsMergeToTheBytesOfOneRun() throws {
        let fixture = try RunnerFixture(count: 14)
        defer { fixture.remove() }
        let crops = ["MASKBENCH_TEST_CROPS": "1"]
        let single = fixture.folder.appendingPathComponent("single").path
        let one = try run(fixture, out: single, environment: crops)
        #expect(one.status == 0, "\(one.stderr)")

        let shards = (0..<3).map { fixture.folder.appendingPathComponent("shards/\($0)").path }
        for (k, folder) in shards.enumerated() {
            let shard = try run(fixture, out: folder, ["--shard", "\(k)/3"], environment: crops)
            #expect(shard.status == 0, "\(shard.stderr)")
            #expect(FileManager.default.fileExists(atPath: folder + "/shard.json"))
            // A shard computes no metrics.
            #expect(!FileManager.default.fileExists(atPath: folder + "/metrics.json"))
        }
        // Image i of the byte-sorted names (img1, img10, img11-unmasked, img12, …) goes to shard i mod 3.
        let first = try String(contentsOfFile: shards[0] + "/predictions.jsonl", encoding: .utf8)
        #expect(first.contains("\"img1.jpg\"") && first.contains("\"img12.jpg\"") && !first.contains("\"img10.jpg\""))

        let merged = fixture.folder.appendingPathComponent("merged").path
        let result = try merge(fixture, shards.reversed(), out: merged)
        #expect(result.status == 0, "\(result.stderr)")
        try expectSameRun(single, merged)
        let metrics = try comparableMetrics(merged)
        #expect((metrics["classifier"] as? [String: Any])?["groundTruthCrops"] != nil)
    }

    @Test func failedImagesAndNoCropsMergeAsOneRunDoes() throws {
        let fixture = try RunnerFixture(count: 7)
        defer { fixture.remove() }
        let single = fixture.folder.appendingPathComponent("single").path
        let one = try run(fixture, out: single, mode: "exit", target: "img5-unmasked.jpg", ["--no-crops"])
        #expect(one.status == 1, "\(one.stderr)")

        let shards = (0..<2).map { fixture.folder.appendingPathComponent("shards/\($0)").path }
        for (k, folder) in shards.enumerated() {
            // A shard that finished exits 0, failed images included: the merge reports them.
            let shard = try run(
                fixture, out: folder, mode: "exit", target: "img5-unmasked.jpg", ["--no-crops", "--shard", "\(k)/2"])
            #expect(shard.status == 0, "\(shard.stderr)")
        }
        let merged = fixture.folder.appendingPathComponent("merged").path
        let result = try merge(fixture, shards, out: merged)
        #expect(result.status == 1, "\(result.stderr)")
        #expect(result.stderr.contains("1 of 7 images failed"))
        try expectSameRun(single, merged)
        #expect(!FileManager.default.fileExists(atPath: shards[0] + "/crops.jsonl"))
    }

    @Test(arguments: [
        (
            ["JOB_COMPLETION_INDEX": "2", "SLURM_ARRAY_TASK_ID": "", "MASKBENCH_SHARD_INDEX": ""], 2,
            "JOB_COMPLETION_INDEX"
        ),
        (
            ["JOB_COMPLETION_INDEX": "2", "SLURM_ARRAY_TASK_ID": "1", "MASKBENCH_SHARD_INDEX": ""], 1,
            "SLURM_ARRAY_TASK_ID"
        ),
        (
            ["JOB_COMPLETION_INDEX": "2", "SLURM_ARRAY_TASK_ID": "1", "MASKBENCH_SHARD_INDEX": "0"], 0,
            "MASKBENCH_SHARD_INDEX"
        ),
    ])
    func autoTakesTheIndexFromTheJobArraysVariable(environment: [String: String], index: Int, variable: String) throws {
        let fixture = try RunnerFixture(count: 6)
        defer { fixture.remove() }
        let out = fixture.folder.appendingPathComponent("shard").path
        let result = try Command.maskbench(
            [
                "run", "--external", RunnerFixture.command("ok"), "--ground-truth", fixture.groundTruthURL.path,
                "--images", fixture.imagesPath, "--out", out, "--startup-timeout", "20", "--shard", "auto/3",
            ],
            environment: environment)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("Shard \(index)/3 (K from \(variable)): 2 of 6 images"))
        let manifest = try JSONSerialization.jsonObject(
            with: Data(contentsOf: URL(fileURLWithPath: out + "/shard.json")))
        let shard = (manifest as? [String: Any])?["shard"] as? [String: Any]
        #expect(shard?["index"] as? Int == index)
        #expect(shard?["count"] as? Int == 3)
    }

    @Test func autoWithoutAVariableOrWithOneOutOfRangeIsAnInputError() throws {
        let fixture = try RunnerFixture(count: 2)
        defer { fixture.remove() }
        let none = try run(
            fixture, out: fixture.outPath, ["--shard", "auto/2"],
            environment: ["JOB_COMPLETION_INDEX": "", "SLURM_ARRAY_TASK_ID": "", "MASKBENCH_SHARD_INDEX": ""])
        #expect(none.status == 2)
        #expect(none.stderr.contains("--shard auto/2: none of MASKBENCH_SHARD_INDEX, SLURM_ARRAY_TASK_ID"))
        let outside = try run(
            fixture, out: fixture.outPath, ["--shard", "auto/2"],
            environment: ["JOB_COMPLETION_INDEX": "", "SLURM_ARRAY_TASK_ID": "2", "MASKBENCH_SHARD_INDEX": ""])
        #expect(outside.status == 2)
        #expect(outside.stderr.contains("SLURM_ARRAY_TASK_ID=2 is not a shard index from 0 to 1"))
    }

    @Test func missingShardsAreListedAsAnArrayValueAndNothingIsWritten() throws {
        let fixture = try RunnerFixture(count: 10)
        defer { fixture.remove() }
        var shards: [String] = []
        for k in [0, 2, 3] {
            let folder = fixture.folder.appendingPathComponent("shards/\(k)").path
            #expect(try run(fixture, out: folder, ["--shard", "\(k)/5"]).status == 0)
            shards.append(folder)
        }
        let merged = fixture.folder.appendingPathComponent("merged").path
        let result = try merge(fixture, shards, out: merged)
        #expect(result.status == 2)
        #expect(result.stderr.contains("missing shards 1, 4 of 5"))
        #expect(result.stderr.contains("--array=1,4"))
        #expect(!FileManager.default.fileExists(atPath: merged + "/metrics.json"))
    }

    @Test func shardsThatDisagreeAreNamed() throws {
        let fixture = try RunnerFixture(count: 6)
        defer { fixture.remove() }
        let folder = { (name: String) in fixture.folder.appendingPathComponent(name).path }
        #expect(try run(fixture, out: folder("ok-0"), mode: "ok", ["--shard", "0/2"]).status == 0)
        #expect(try run(fixture, out: folder("varied-1"), ["--shard", "1/2"]).status == 0)
        #expect(try run(fixture, out: folder("three-1"), ["--shard", "1/3"]).status == 0)
        #expect(try run(fixture, out: folder("nocrops-1"), mode: "ok", ["--shard", "1/2", "--no-crops"]).status == 0)

        let pipelines = try merge(fixture, [folder("ok-0"), folder("varied-1")], out: folder("merged"))
        #expect(pipelines.status == 2)
        #expect(
            pipelines.stderr.contains(
                "the shards differ in their pipeline: \(folder("ok-0")) ran 'external:test-worker:test-ok'; \(folder("varied-1")) ran 'external:test-worker:test-varied'"
            ))
        let counts = try merge(fixture, [folder("ok-0"), folder("three-1")], out: folder("merged"))
        #expect(counts.status == 2)
        #expect(
            counts.stderr.contains(
                "the shards differ in their shard count N: \(folder("ok-0")) have N = 2; \(folder("three-1")) have N = 3"
            ))
        let crops = try merge(fixture, [folder("ok-0"), folder("nocrops-1")], out: folder("merged"))
        #expect(crops.status == 2)
        #expect(crops.stderr.contains("the shards differ in whether they scored ground-truth crops"))
        let twice = try merge(fixture, [folder("ok-0"), folder("ok-0") + "/."], out: folder("merged"))
        #expect(twice.status == 2)
        #expect(twice.stderr.contains("shard 0/2 is given twice"))
        #expect(twice.stderr.contains("missing shard 1 of 2"))
    }

    @Test func aShardOfAnotherGroundTruthIsRefused() throws {
        let fixture = try RunnerFixture(count: 4)
        defer { fixture.remove() }
        let shard = fixture.folder.appendingPathComponent("shard").path
        #expect(try run(fixture, out: shard, ["--shard", "0/1"]).status == 0)
        let csv = try String(contentsOf: fixture.groundTruthURL, encoding: .utf8)
        try Data(csv.replacingOccurrences(of: "0,0,10,10,img3.jpg", with: "1,0,10,10,img3.jpg").utf8)
            .write(to: fixture.groundTruthURL)
        let result = try merge(fixture, [shard], out: fixture.outPath)
        #expect(result.status == 2)
        #expect(result.stderr.contains("\(shard): ran on another ground truth (dataset fingerprint sha256:"))
    }

    @Test func anUnfinishedOrTamperedShardIsRefused() throws {
        let fixture = try RunnerFixture(count: 6)
        defer { fixture.remove() }
        let shards = (0..<2).map { fixture.folder.appendingPathComponent("shards/\($0)").path }
        for (k, folder) in shards.enumerated() {
            #expect(try run(fixture, out: folder, ["--shard", "\(k)/2"]).status == 0)
        }
        // An answer for an image of the other shard.
        let predictions = shards[1] + "/predictions.jsonl"
        let original = try Data(contentsOf: URL(fileURLWithPath: predictions))
        try (original + Data("{\"image\":\"img1.jpg\",\"faces\":[]}\n".utf8)).write(
            to: URL(fileURLWithPath: predictions))
        let tampered = try merge(fixture, shards, out: fixture.outPath)
        #expect(tampered.status == 2)
        #expect(tampered.stderr.contains("\(predictions): image 'img1.jpg' is not one of shard 1/2's images"))

        try original.write(to: URL(fileURLWithPath: predictions))
        try FileManager.default.removeItem(atPath: shards[1] + "/shard.json")
        let unfinished = try merge(fixture, shards, out: fixture.outPath)
        #expect(unfinished.status == 2)
        #expect(unfinished.stderr.contains("\(shards[1]): no shard.json: this shard has not finished"))
        #expect(unfinished.stderr.contains("--array=1"))
    }

    @Test func aShardRunAgainLosesItsOldManifestBeforeItStarts() throws {
        let fixture = try RunnerFixture(count: 4)
        defer { fixture.remove() }
        let shard = fixture.folder.appendingPathComponent("shard").path
        #expect(try run(fixture, out: shard, ["--shard", "0/2"]).status == 0)
        #expect(FileManager.default.fileExists(atPath: shard + "/shard.json"))
        let again = try run(fixture, out: shard, mode: "no-handshake", ["--shard", "0/2"])
        #expect(again.status == 2)
        #expect(!FileManager.default.fileExists(atPath: shard + "/shard.json"))
    }

    @Test func aCacheSharedByTheShardsLeavesNothingForAFullRun() throws {
        let fixture = try RunnerFixture(count: 9)
        defer { fixture.remove() }
        let cache = fixture.folder.appendingPathComponent("cache").path
        for k in 0..<3 {
            let folder = fixture.folder.appendingPathComponent("shards/\(k)").path
            #expect(try run(fixture, out: folder, ["--shard", "\(k)/3", "--cache", cache]).status == 0)
        }
        let count = fixture.folder.appendingPathComponent("count.txt").path
        let full = try Command.maskbench(
            [
                "run", "--external", RunnerFixture.command("varied"), "--ground-truth", fixture.groundTruthURL.path,
                "--images", fixture.imagesPath, "--out", fixture.outPath, "--startup-timeout", "20", "--cache", cache,
                "--bootstrap", "0",
            ],
            environment: ["MASKBENCH_TEST_COUNT_FILE": count])
        #expect(full.status == 0, "\(full.stderr)")
        #expect(full.stdout.contains("Pipeline test-worker: 0 images computed, 9 cached"))
        #expect(((try? String(contentsOfFile: count, encoding: .utf8)) ?? "").isEmpty)
    }

    @Test(
        .enabled(if: TestData.modelsAvailable, "needs the models: run Scripts/fetch-models.sh"),
        .enabled(
            if: FileManager.default.fileExists(atPath: Fixtures.packageRoot.path + "/samples/ground-truth.csv"),
            "needs the default sample: run Scripts/make-sample.sh"))
    func theBuiltInPipelineShardsMergeToTheBytesOfOneRun() throws {
        let folder = try Command.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let samples = Fixtures.packageRoot.path + "/samples"
        let common = [
            "--pipeline", "ssd-mobilenetv2", "--ground-truth", samples + "/ground-truth.csv", "--images",
            samples + "/images", "--bootstrap", "50", "--quiet",
        ]
        let single = folder.appendingPathComponent("single").path
        let one = try Command.maskbench(["run"] + common + ["--out", single])
        #expect(one.status == 0, "\(one.stderr)")
        let shards = (0..<2).map { folder.appendingPathComponent("shards/\($0)").path }
        for (k, shard) in shards.enumerated() {
            let result = try Command.maskbench(["run"] + common + ["--out", shard, "--shard", "\(k)/2"])
            #expect(result.status == 0, "\(result.stderr)")
        }
        let merged = folder.appendingPathComponent("merged").path
        let result = try Command.maskbench(
            ["merge"] + shards + [
                "--ground-truth", samples + "/ground-truth.csv", "--images", samples + "/images", "--bootstrap", "50",
                "--out", merged, "--quiet",
            ])
        #expect(result.status == 0, "\(result.stderr)")
        try expectSameRun(single, merged)
    }
}
