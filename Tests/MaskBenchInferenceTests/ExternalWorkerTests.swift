import Foundation
import MaskBenchCore
import MaskBenchInference
import MaskBenchTestSupport
import Testing

/// The external worker protocol against a real process (`Workers/test_worker.py`) that misbehaves on purpose.
@Suite struct ExternalWorkerTests {
    struct Misbehaviour: Sendable, CustomStringConvertible {
        var mode: String
        /// What the failed image's reason must contain.
        var reason: String
        /// Whether the image is retried on a restarted worker before it fails.
        var retried: Bool
        var description: String { mode }
        /// The `--timeout` of the run: short only where the worker hangs on purpose, so that a loaded machine
        /// (a 16 MB line written by Python takes a while) never turns another misbehaviour into a timeout.
        var timeout: Double { mode == "sleep" ? 1 : 60 }
    }

    static let misbehaviours: [Misbehaviour] = [
        Misbehaviour(mode: "exit", reason: "exited with status 3 before answering", retried: true),
        Misbehaviour(mode: "sleep", reason: "gave no answer within 1 s (--timeout)", retried: true),
        Misbehaviour(mode: "garbage", reason: "printed a line that is not JSON: 'this is not JSON'", retried: true),
        // ESC and the one-character CSI U+009B shown escaped, as everything printed from outside is.
        Misbehaviour(
            mode: "escapes", reason: "printed a line that is not JSON: '\\u{1b}[2J\\u{9b}31m not JSON'", retried: true),
        Misbehaviour(mode: "huge", reason: "printed a line longer than 16 MB, starting 'xxxx", retried: true),
        Misbehaviour(mode: "wrong-id", reason: "while id", retried: true),
        Misbehaviour(mode: "close-stdout", reason: "closed its standard output while still running", retried: true),
        Misbehaviour(
            mode: "error", reason: "could not process the image: cannot decode img3.jpg: test error", retried: false),
    ]

    private func configuration(
        _ command: String, _ fixture: RunnerFixture, retries: Int = 1, shell: Bool = false, timeout: Double = 1
    ) -> ExternalPipeline.Configuration {
        ExternalPipeline.Configuration(
            command: command,
            logDirectory: fixture.outPath + "/logs",
            shell: shell,
            timeout: timeout,
            startupTimeout: 10,
            retries: retries
        )
    }

    @Test(arguments: misbehaviours)
    func aMisbehavingWorkerCostsOneImageNeverTheRun(_ case: Misbehaviour) async throws {
        let fixture = try RunnerFixture(count: 6)
        defer { fixture.remove() }
        let pipeline = try ExternalPipeline.start(
            configuration(RunnerFixture.command(`case`.mode, "img3.jpg"), fixture, timeout: `case`.timeout))
        defer { pipeline.shutdown() }
        #expect(pipeline.name == "test-worker")
        let report = try await PipelineRunner(workers: 2).run(pipeline, on: fixture.items)
        #expect(!report.interrupted)
        #expect(report.computedCount == 5)
        #expect(report.failedCount == 1)
        guard case .failed(let reason) = report.outcomes[2] else {
            Issue.record("img3.jpg did not fail: \(String(describing: report.outcomes[2]))")
            return
        }
        #expect(reason.contains(`case`.reason), "\(reason)")
        #expect(reason.hasPrefix("worker "), "the reason names the worker: \(reason)")
        #expect(reason.hasSuffix(" (2 attempts)") == `case`.retried, "\(reason)")
        for (index, outcome) in report.outcomes.enumerated() where index != 2 {
            let face = try #require(outcome?.result?.faces.first)
            #expect(face.box == Box(x: 0, y: 0, width: 10, height: 10))
            #expect(face.maskScore == (fixture.names[index].contains("unmasked") ? 0.2 : 0.8))
        }
        #expect(pipeline.events.all.count == (`case`.retried ? 2 : 0))
    }

    /// A second answer to image 3, sent at once or only when image 4 is asked, is image 3's (and ignored):
    /// image 4 gets its own answer, nothing fails, nothing is retried.
    @Test(arguments: ["twice", "late"])
    func aDuplicateOrLateAnswerBelongsToItsOwnRequestNeverToTheNextImage(_ mode: String) async throws {
        let fixture = try RunnerFixture(count: 6)
        defer { fixture.remove() }
        let pipeline = try ExternalPipeline.start(
            configuration(RunnerFixture.command(mode, "img3.jpg"), fixture, timeout: 60))
        defer { pipeline.shutdown() }
        let report = try await PipelineRunner(workers: 1).run(pipeline, on: fixture.items)
        #expect(report.computedCount == 6)
        #expect(report.failedCount == 0)
        for (index, outcome) in report.outcomes.enumerated() {
            let faces = try #require(outcome?.result?.faces, "\(fixture.names[index]): \(String(describing: outcome))")
            #expect(faces.map(\.box) == [Box(x: 0, y: 0, width: 10, height: 10)], "\(fixture.names[index])")
            #expect(faces.first?.maskScore == (fixture.names[index].contains("unmasked") ? 0.2 : 0.8))
        }
        let events = pipeline.events.all
        #expect(events.count == 1, "\(events)")
        #expect(events.first?.hasPrefix("img4.jpg: worker 1 (pid ") == true, "\(events)")
        #expect(events.first?.contains("answered id 3 again (an earlier request) while id 4 was asked") == true)
        #expect(events.first?.hasSuffix("; that late answer was ignored") == true, "\(events)")
    }

    /// A worker that cannot answer is found out on the first images: the run stops there, instead of
    /// restarting the worker for every image.
    @Test(arguments: [
        ("handshake-only", "1"), ("exit", "1"), ("error-all", "1"),
    ])
    func aWorkerFailingTheFirstImagesTheSameWayStopsTheRun(_ mode: String, _ target: String) async throws {
        let fixture = try RunnerFixture(count: 30)
        defer { fixture.remove() }
        let command = RunnerFixture.command(mode, target)
        let pipeline = try ExternalPipeline.start(configuration(command, fixture, timeout: 60))
        defer { pipeline.shutdown() }
        let report = try await PipelineRunner(workers: 2).run(pipeline, on: fixture.items)
        let stop = try #require(report.stopped, "the run went on: \(report.failedCount) failed")
        // The 8th failure stops it; the other worker may still finish (and fail) the image it has.
        #expect((8...9).contains(report.failedCount), "\(report.failedCount)")
        #expect(report.computedCount == 0)
        #expect(report.outcomes.contains(nil))
        #expect(stop.hasPrefix("the first 8 images all failed the same way, none succeeding: "), "\(stop)")
        #expect(stop.contains("worker command: \(command)"), "\(stop)")
        #expect(stop.contains("see the worker's log, \(fixture.outPath)/logs/worker-"), "\(stop)")
    }

    @Test func aWorkerFailingMostImagesButNotAllDoesNotStopTheRun() async throws {
        let fixture = try RunnerFixture(count: 12)
        defer { fixture.remove() }
        // It crashes on every image but the 6th: 5 failures, 1 success, then failures again.
        let pipeline = try ExternalPipeline.start(
            configuration(RunnerFixture.command("crash-but", "img6.jpg"), fixture, retries: 0, timeout: 60))
        defer { pipeline.shutdown() }
        let report = try await PipelineRunner(workers: 1).run(pipeline, on: fixture.items)
        #expect(report.stopped == nil)
        #expect(report.failedCount == 11)
        #expect(report.computedCount == 1)
        #expect(report.outcomes[5]?.result != nil)
    }

    /// A worker that writes 20 MiB to standard error leaves a log of its first and last MiB.
    @Test func theWorkersLogKeepsItsHeadAndTail() async throws {
        let fixture = try RunnerFixture(count: 2)
        defer { fixture.remove() }
        let pipeline = try ExternalPipeline.start(
            configuration(RunnerFixture.command("noisy"), fixture, timeout: 60))
        let report = try await PipelineRunner(workers: 1).run(pipeline, on: fixture.items)
        pipeline.shutdown()
        #expect(report.computedCount == 2)
        let written =
            "first line of the noise\n" + String(repeating: "n", count: 20 << 20) + "\nlast line of the noise\n"
            + "test worker started, mode noisy, target 3\n"
        let log = try Data(contentsOf: URL(fileURLWithPath: fixture.outPath + "/logs/worker-1.log"))
        #expect(log.count <= 3 << 20 + 200, "\(log.count) bytes")
        let text = String(decoding: log, as: UTF8.self)
        #expect(text.hasPrefix("first line of the noise\n"))
        #expect(text.hasSuffix("\nlast line of the noise\ntest worker started, mode noisy, target 3\n"))
        let markers = text.split(separator: "\n").filter { $0.hasPrefix("[maskbench: ") }
        #expect(markers.count == 1, "\(markers.count) marker lines")
        // The marker counts exactly the bytes left out between the head and the tail.
        let marker = try #require(markers.first)
        let number = marker.dropFirst("[maskbench: ".count).prefix { $0.isNumber }
        let leftOut = try #require(Int(number), "\(marker)")
        #expect(log.count - (marker.utf8.count + 2) + leftOut == written.utf8.count, "\(marker)")
    }

    @Test func aCrashOnTheThirdImageIsRetriedOnARestartedWorker() async throws {
        let fixture = try RunnerFixture(count: 6)
        defer { fixture.remove() }
        let pipeline = try ExternalPipeline.start(configuration(RunnerFixture.command("exit", "3"), fixture))
        defer { pipeline.shutdown() }
        let report = try await PipelineRunner(workers: 1).run(pipeline, on: fixture.items)
        #expect(report.computedCount == 6)
        // Worker 1 died on its 3rd image (img3) and the restarted one on its 3rd (img5-unmasked).
        let events = pipeline.events.all
        #expect(events.count == 2)
        #expect(events.first?.hasPrefix("img3.jpg: worker 1 (pid ") == true)
        #expect(
            events.first?.hasSuffix("exited with status 3 before answering; worker restarted, retrying the image")
                == true)
        #expect(events.last?.hasPrefix("img5-unmasked.jpg: worker 1 (pid ") == true)
        let log = try String(contentsOfFile: fixture.outPath + "/logs/worker-1.log", encoding: .utf8)
        #expect(log.components(separatedBy: "test worker started").count == 4)
    }

    @Test func aWorkerThatExitsBetweenImagesIsRestarted() async throws {
        let fixture = try RunnerFixture(count: 6)
        defer { fixture.remove() }
        let pipeline = try ExternalPipeline.start(configuration(RunnerFixture.command("exit-after", "2"), fixture))
        defer { pipeline.shutdown() }
        let report = try await PipelineRunner(workers: 1).run(pipeline, on: fixture.items)
        #expect(report.computedCount == 6)
        // It answers its 2nd image and exits; the 3rd request finds it gone (EPIPE, or end of output).
        let events = pipeline.events.all
        #expect(events.count == 2)
        #expect(events.first?.hasPrefix("img3.jpg: worker 1 (pid ") == true, "\(events)")
        #expect(events.last?.hasPrefix("img5-unmasked.jpg: worker 1 (pid ") == true, "\(events)")
    }

    @Test func withoutRetriesTheThirdImageFails() async throws {
        let fixture = try RunnerFixture(count: 4)
        defer { fixture.remove() }
        let pipeline = try ExternalPipeline.start(
            configuration(RunnerFixture.command("exit", "3"), fixture, retries: 0))
        defer { pipeline.shutdown() }
        let report = try await PipelineRunner(workers: 1).run(pipeline, on: fixture.items)
        #expect(report.failedCount == 1)
        guard case .failed(let reason) = report.outcomes[2] else {
            Issue.record("the 3rd image did not fail")
            return
        }
        #expect(reason.hasPrefix("worker 1 (pid "))
        #expect(reason.hasSuffix("exited with status 3 before answering"))
    }

    @Test func cropsAreAskedOnlyOfAWorkerThatAnnouncesThem() async throws {
        let fixture = try RunnerFixture(count: 3)
        defer { fixture.remove() }
        let plain = try ExternalPipeline.start(configuration(RunnerFixture.command("ok"), fixture))
        defer { plain.shutdown() }
        let plainReport = try await PipelineRunner(workers: 1).run(plain, on: fixture.items)
        #expect(plainReport.outcomes.allSatisfy { $0?.result?.cropMaskScores == nil })

        // The environment variable needs a shell: this also runs --shell.
        let command = "MASKBENCH_TEST_CROPS=1 " + RunnerFixture.command("ok")
        let crops = try ExternalPipeline.start(configuration(command, fixture, shell: true))
        defer { crops.shutdown() }
        #expect(crops.handshake.crops)
        let report = try await PipelineRunner(workers: 1).run(crops, on: fixture.items)
        #expect(report.outcomes.allSatisfy { $0?.result?.cropMaskScores == [0.9] })
    }

    @Test func theFingerprintComesFromTheHandshake() throws {
        let fixture = try RunnerFixture(count: 1)
        defer { fixture.remove() }
        let pipeline = try ExternalPipeline.start(configuration(RunnerFixture.command("ok"), fixture))
        defer { pipeline.shutdown() }
        #expect(pipeline.fingerprint == "external:test-worker:test-ok")
    }

    @Test func aWrongProtocolVersionIsRefusedBeforeAnyImage() throws {
        let fixture = try RunnerFixture(count: 1)
        defer { fixture.remove() }
        #expect {
            try ExternalPipeline.start(configuration(RunnerFixture.command("bad-handshake"), fixture))
        } throws: { error in
            "\(error)".contains("the worker speaks protocol version 99; this MaskBench speaks version 1")
        }
    }

    @Test func aWorkerThatExitsBeforeItsHandshakeIsAnError() throws {
        let fixture = try RunnerFixture(count: 1)
        defer { fixture.remove() }
        #expect {
            try ExternalPipeline.start(configuration(RunnerFixture.command("no-handshake"), fixture))
        } throws: { error in
            "\(error)".contains(
                "exited with status 4 before sending its handshake; see \(fixture.outPath)/logs/worker-1.log")
        }
    }

    @Test func aMissingProgramIsAnError() throws {
        let fixture = try RunnerFixture(count: 1)
        defer { fixture.remove() }
        #expect {
            try ExternalPipeline.start(configuration("no-such-program-maskbench --flag", fixture))
        } throws: { error in
            "\(error)" == "cannot start 'no-such-program-maskbench': posix_spawnp: No such file or directory"
        }
    }
}
