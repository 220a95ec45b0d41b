import Foundation
import MaskBenchTestSupport
import Testing

/// `maskbench run --external` end to end: the built executable, the test worker, the files it writes.
@Suite struct RunnerCommandTests {
    private func arguments(_ fixture: RunnerFixture, _ command: String, _ extra: [String] = []) -> [String] {
        [
            "run", "--external", command, "--ground-truth", fixture.groundTruthURL.path, "--images",
            fixture.imagesPath, "--out", fixture.outPath, "--timeout", "1", "--startup-timeout", "20",
            "--bootstrap", "0", "--quiet",
        ] + extra
    }

    private func json(_ path: String) throws -> [String: Any] {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    @Test func aFailedImageIsReportedAndTheOthersEvaluated() throws {
        let fixture = try RunnerFixture(count: 6)
        defer { fixture.remove() }
        let result = try Command.maskbench(
            arguments(fixture, RunnerFixture.command("exit", "img4.jpg"), ["--workers", "2", "--retries", "0"]))
        #expect(result.status == 1, "\(result.stderr)")
        #expect(result.stderr.contains("1 of 6 images failed (listed in \(fixture.outPath)/failures.jsonl"))
        #expect(result.stderr.contains("failed: img4.jpg: worker "))

        let failures = try String(contentsOfFile: fixture.outPath + "/failures.jsonl", encoding: .utf8)
        #expect(failures.split(separator: "\n").count == 1)
        #expect(failures.hasPrefix("{\"image\":\"img4.jpg\",\"reason\":\"worker "))
        #expect(failures.contains("exited with status 3 before answering"))

        let metrics = try json(fixture.outPath + "/metrics.json")
        let run = try #require(metrics["run"] as? [String: Any])
        #expect(run["failed"] as? Int == 1)
        #expect(run["computed"] as? Int == 5)
        #expect(run["pipeline"] as? String == "test-worker")
        let dataset = try #require(metrics["dataset"] as? [String: Any])
        #expect(dataset["images"] as? Int == 5)
        // The worker answers every other image perfectly: every remaining face is found and called right.
        let pipeline = try #require(metrics["pipeline"] as? [String: Any])
        let tnr = try #require(pipeline["tnr"] as? [String: Any])
        #expect(tnr["count"] as? Int == 2)
        #expect(tnr["total"] as? Int == 2)
        let detector = try #require(metrics["detector"] as? [String: Any])
        #expect(detector["falsePositives"] as? Int == 0)
        #expect(detector["truePositives"] as? Int == 5)
        let classifier = try #require(metrics["classifier"] as? [String: Any])
        #expect(classifier["groundTruthCrops"] == nil)

        let predictions = try String(contentsOfFile: fixture.outPath + "/predictions.jsonl", encoding: .utf8)
        #expect(predictions.split(separator: "\n").count == 5)
        #expect(!predictions.contains("img4.jpg"))
        #expect(FileManager.default.fileExists(atPath: fixture.outPath + "/logs/worker-1.log"))
        #expect(FileManager.default.fileExists(atPath: fixture.outPath + "/index.html"))
    }

    /// A worker that exits right after its handshake is not restarted for every image: the run stops after
    /// the first 8 failures, exits 1 naming the command, the failure and the log, and writes no new set.
    @Test func aWorkerThatExitsAfterItsHandshakeStopsTheRunEarly() throws {
        let fixture = try RunnerFixture(count: 30)
        defer { fixture.remove() }
        let previous = try Command.maskbench(arguments(fixture, RunnerFixture.command("ok"), ["--no-report"]))
        #expect(previous.status == 0, "\(previous.stderr)")
        let metrics = try Data(contentsOf: URL(fileURLWithPath: fixture.outPath + "/metrics.json"))

        let command = RunnerFixture.command("handshake-only")
        let result = try Command.maskbench(
            arguments(fixture, command, ["--workers", "2"]), hangGuard: 600)
        #expect(result.status == 1, "\(result.stderr)")
        #expect(
            result.stderr.contains("stopped: the first 8 images all failed the same way, none succeeding: "),
            "\(result.stderr)")
        #expect(result.stderr.contains("worker command: \(command)"), "\(result.stderr)")
        #expect(result.stderr.contains("see the worker's log, \(fixture.outPath)/logs/worker-"), "\(result.stderr)")
        #expect(result.stderr.contains("no outputs written; \(fixture.outPath) keeps its previous ones"))
        let starts = try FileManager.default.contentsOfDirectory(atPath: fixture.outPath + "/logs")
            .filter { $0.hasPrefix("worker-") }
            .map { try String(contentsOfFile: fixture.outPath + "/logs/" + $0, encoding: .utf8) }
            .map { $0.components(separatedBy: "test worker started").count - 1 }
            .reduce(0, +)
        // At most the 8 images plus one in flight on each of the 2 workers, 2 attempts each, plus each worker's
        // first start: 22, against 61 for 30 images without the early stop. How many of those happen before the
        // stop depends on scheduling, so only the bound is checked.
        #expect(starts <= 2 * (8 + 2) + 2, "\(starts) worker starts")
        // The previous set is left whole.
        #expect(try Data(contentsOf: URL(fileURLWithPath: fixture.outPath + "/metrics.json")) == metrics)
        #expect(FileManager.default.fileExists(atPath: fixture.outPath + "/logs/events.log"))
    }

    @Test func cropScoresGiveTheGroundTruthCropsNumbers() throws {
        let fixture = try RunnerFixture(count: 3)
        defer { fixture.remove() }
        let command = "MASKBENCH_TEST_CROPS=1 " + RunnerFixture.command("ok")
        let result = try Command.maskbench(arguments(fixture, command, ["--shell", "--workers", "1"]))
        #expect(result.status == 0, "\(result.stderr)")
        let metrics = try json(fixture.outPath + "/metrics.json")
        let classifier = try #require(metrics["classifier"] as? [String: Any])
        let crops = try #require(classifier["groundTruthCrops"] as? [String: Any])
        // Every crop scores 0.9: the two masked faces are right, the unmasked one wrong.
        #expect(crops["faces"] as? Int == 3)
        let accuracy = try #require(crops["accuracy"] as? [String: Any])
        #expect(accuracy["count"] as? Int == 2)
        let confusion = try #require(crops["confusion"] as? [String: [String: Int]])
        #expect(confusion["unmasked"]?["masked"] == 1)
    }

    @Test func anInterruptedRunResumesWithOnlyTheMissingImages() throws {
        let fixture = try RunnerFixture(count: 12)
        defer { fixture.remove() }
        let countFile = fixture.folder.appendingPathComponent("calls.txt").path
        // The worker writes one line per image to the count file; the environment goes through --shell.
        let command = "MASKBENCH_TEST_COUNT_FILE='\(countFile)' " + RunnerFixture.command("slow")
        let process = Process()
        process.executableURL = Command.productsDirectory.appendingPathComponent("maskbench")
        process.arguments = arguments(fixture, command, ["--shell", "--workers", "2"])
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        // Wait until a few images are cached, then press Ctrl-C.
        let cacheFolder = fixture.outPath + "/cache"
        var cachedLines = 0
        for _ in 0..<600 where cachedLines < 4 {
            usleep(50_000)
            let files = (try? FileManager.default.contentsOfDirectory(atPath: cacheFolder)) ?? []
            cachedLines =
                files.first.map {
                    ((try? String(contentsOfFile: cacheFolder + "/" + $0, encoding: .utf8)) ?? "").split(
                        separator: "\n"
                    )
                    .count
                } ?? 0
        }
        process.interrupt()
        process.waitUntilExit()
        #expect(process.terminationStatus == 130)
        let firstCalls = try String(contentsOfFile: countFile, encoding: .utf8).split(separator: "\n")
        #expect(firstCalls.count >= 3)
        #expect(firstCalls.count < 12)
        #expect(!FileManager.default.fileExists(atPath: fixture.outPath + "/metrics.json"))

        let result = try Command.maskbench(arguments(fixture, command, ["--shell", "--workers", "2"]))
        #expect(result.status == 0, "\(result.stderr)")
        let allCalls = try String(contentsOfFile: countFile, encoding: .utf8).split(separator: "\n")
        let secondCalls = allCalls.dropFirst(firstCalls.count)
        #expect(secondCalls.count == 12 - firstCalls.count)
        #expect(Set(firstCalls).isDisjoint(with: Set(secondCalls)))
        #expect(Set(allCalls).count == 12)
        let metrics = try json(fixture.outPath + "/metrics.json")
        let run = try #require(metrics["run"] as? [String: Any])
        #expect(run["cached"] as? Int == firstCalls.count)
        #expect(run["computed"] as? Int == 12 - firstCalls.count)

        // A third run: everything cached, nothing asked.
        let third = try Command.maskbench(arguments(fixture, command, ["--shell"]))
        #expect(third.status == 0)
        #expect(try String(contentsOfFile: countFile, encoding: .utf8).split(separator: "\n").count == 12)
    }

    @Test(arguments: [
        (["--pipeline", "no-such-pipeline"], "unknown pipeline 'no-such-pipeline'"),
        (
            ["--external", "python3 x.py", "--pipeline", "p"],
            "give exactly one of --pipeline NAME, --config FILE or --external CMD"
        ),
        (
            ["--external", "no-such-program-maskbench"],
            "cannot start the external worker: cannot start 'no-such-program-maskbench'"
        ),
    ])
    func usageAndInputErrorsExitWith2(_ extra: [String], _ message: String) throws {
        let fixture = try RunnerFixture(count: 1)
        defer { fixture.remove() }
        let result = try Command.maskbench(
            ["run", "--ground-truth", fixture.groundTruthURL.path, "--out", fixture.outPath] + extra)
        #expect(result.status == 2)
        #expect(result.stderr.contains(message), "\(result.stderr)")
    }

    @Test func aFolderHoldingNoneOfTheImagesIsOneInputErrorNotAFailurePerImage() throws {
        let fixture = try RunnerFixture(count: 4)
        defer { fixture.remove() }
        let empty = fixture.folder.appendingPathComponent("empty").path
        try FileManager.default.createDirectory(atPath: empty, withIntermediateDirectories: true)
        let result = try Command.maskbench([
            "run", "--external", RunnerFixture.command("ok"), "--ground-truth", fixture.groundTruthURL.path,
            "--images", empty, "--out", fixture.outPath, "--startup-timeout", "20",
        ])
        #expect(result.status == 2)
        #expect(
            result.stderr
                == "error: none of the 4 images of \(fixture.groundTruthURL.path) is in \(empty) (looked for "
                + "\(empty)/\(fixture.names[0]), …); pass --images with the folder that holds them\n")
        #expect(!FileManager.default.fileExists(atPath: fixture.outPath + "/metrics.json"))
    }

    @Test func noReportWritesTheRecordsButNotTheReport() throws {
        let fixture = try RunnerFixture(count: 3)
        defer { fixture.remove() }
        let result = try Command.maskbench(arguments(fixture, RunnerFixture.command("ok"), ["--no-report"]))
        #expect(result.status == 0, "\(result.stderr)")
        let manager = FileManager.default
        for name in ["metrics.json", "summary.md", "faces.csv", "predictions.jsonl"] {
            #expect(manager.fileExists(atPath: fixture.outPath + "/" + name), "\(name)")
        }
        for name in ["index.html", "charts", "boxes.csv", "extras.csv"] {
            #expect(!manager.fileExists(atPath: fixture.outPath + "/" + name), "\(name)")
        }
    }

    @Test(.enabled(if: TestData.modelsAvailable, "needs the models: run Scripts/fetch-models.sh"))
    func aClassifierThatIsNotASoftmaxIsRefusedBeforeAnyImage() throws {
        let fixture = try RunnerFixture(count: 2)
        defer { fixture.remove() }
        let model = TestData.fixtures.appendingPathComponent("logits_head.h5").path
        // The config sets the crop size the fixture takes; --classifier names the model.
        let config = fixture.folder.appendingPathComponent("pipeline.yml")
        try Data("pipeline: ssd-mobilenetv2\nclassifier: {inputSize: 16}\n".utf8).write(to: config)
        let result = try Command.maskbench([
            "run", "--config", config.path, "--classifier", model, "--ground-truth",
            fixture.groundTruthURL.path, "--images", fixture.imagesPath, "--out", fixture.outPath, "--quiet",
        ])
        #expect(result.status == 2, "\(result.stderr)")
        #expect(result.stderr.contains(model), "\(result.stderr)")
        #expect(result.stderr.contains("not a 2-way softmax"), "\(result.stderr)")
        // The images are dummy bytes: had one been read, it would have failed as an image, not as the model.
        #expect(!result.stderr.contains("img1.jpg"))
        #expect(!FileManager.default.fileExists(atPath: fixture.outPath + "/predictions.jsonl"))
    }

    @Test func classifierAndDetectorWeightsAreRefusedWithAnExternalWorker() throws {
        let fixture = try RunnerFixture(count: 1)
        defer { fixture.remove() }
        let result = try Command.maskbench([
            "run", "--external", "python3 x.py", "--classifier", "x.h5", "--ground-truth",
            fixture.groundTruthURL.path, "--out", fixture.outPath,
        ])
        #expect(result.status == 2)
        #expect(result.stderr.contains("--classifier and --detector-weights go with --pipeline or --config"))
    }
}
