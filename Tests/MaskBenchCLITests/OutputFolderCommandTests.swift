import Foundation
import MaskBenchTestSupport
import Testing

/// `--out` holds one complete set of outputs or the previous one, end to end: a second command into a folder
/// in use, `--wait`, and commands killed with `SIGKILL` before and during the swap
/// (the test-only `maskbench-fault-harness` with `MASKBENCH_INJECT_FAULT=pause:STEP` holds a command at a step
/// until it is killed).
@Suite struct OutputFolderCommandTests {
    static let sample = "Annotations/seed001-table/"
    /// The names of an evaluation's set.
    static let set = ["boxes.csv", "charts", "extras.csv", "faces.csv", "index.html", "metrics.json", "summary.md"]

    static func evaluate(_ out: String, _ extra: [String] = []) -> [String] {
        [
            "evaluate", "--ground-truth", sample + "ground-truth.csv", "--predictions", sample + "predictions.csv",
            "--out", out, "--bootstrap", "0", "--quiet",
        ] + extra
    }

    /// Every file of the folder (charts' too) and its bytes; the lock file left out.
    static func contents(_ folder: String) throws -> [String: Data] {
        var files: [String: Data] = [:]
        let enumerator = FileManager.default.enumerator(atPath: folder)
        while let name = enumerator?.nextObject() as? String {
            var isDirectory: ObjCBool = false
            guard name != ".maskbench-lock",
                FileManager.default.fileExists(atPath: folder + "/" + name, isDirectory: &isDirectory),
                !isDirectory.boolValue
            else { continue }
            files[name] = try Data(contentsOf: URL(fileURLWithPath: folder + "/" + name))
        }
        return files
    }

    @Test func aSecondCommandIntoAFolderInUseExitsWith2NamingTheHolderAndWaitWaits() throws {
        let root = try Command.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let out = root.appendingPathComponent("out").path
        let first = try Paused(Self.evaluate(out), at: "staged", in: root)
        defer { first.kill() }
        try first.waitUntilPaused()

        let second = try Command.maskbench(Self.evaluate(out))
        #expect(second.status == 2, "\(second.stderr)")
        #expect(
            second.stderr.contains(
                "error: \(out): in use: another maskbench (pid \(first.pid)) is writing into this folder"),
            "\(second.stderr)")
        #expect(second.stderr.contains("give --wait to wait"))

        // Without --quiet, which leaves out the notice that it waits.
        let waiting = try Background(
            Self.evaluate(out, ["--wait"]).filter { $0 != "--quiet" }, in: root, log: "waiting.err")
        try waiting.waitForOutput("Waiting for maskbench (pid \(first.pid)), which is writing into \(out)")
        first.kill()
        #expect(waiting.finish() == 0, "\(waiting.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: out).sorted() == [".maskbench-lock"] + Self.set)
    }

    @Test func aCommandKilledBeforeItsSwapLeavesThePreviousSetAsItWas() throws {
        let root = try Command.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let out = root.appendingPathComponent("out").path
        let previous = try Command.maskbench(Self.evaluate(out))
        #expect(previous.status == 0, "\(previous.stderr)")
        let before = try Self.contents(out)

        let killed = try Paused(Self.evaluate(out, ["--iou", "0.3"]), at: "staged", in: root)
        try killed.waitUntilPaused()
        killed.kill()
        #expect(try Self.contents(out).filter { !$0.key.hasPrefix(".maskbench-staging-") } == before)

        // The next command removes the dead one's staging folder and writes its own set.
        let next = try Command.maskbench(Self.evaluate(out, ["--iou", "0.3"]))
        #expect(next.status == 0, "\(next.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: out).sorted() == [".maskbench-lock"] + Self.set)
        #expect(try Self.contents(out)["metrics.json"] != before["metrics.json"])
    }

    @Test func aCommandKilledDuringItsSwapIsCompletedBeforeTheFolderIsReadAgain() throws {
        let root = try Command.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let out = root.appendingPathComponent("out").path
        let reference = root.appendingPathComponent("reference").path
        for (folder, extra) in [(out, [String]()), (reference, ["--iou", "0.3", "--no-report"])] {
            let result = try Command.maskbench(Self.evaluate(folder, extra))
            #expect(result.status == 0, "\(result.stderr)")
        }
        // Killed with boxes.csv, extras.csv and faces.csv of the new set in place, the rest still the old set's.
        let killed = try Paused(
            Self.evaluate(out, ["--iou", "0.3", "--no-report"]), at: "moved faces.csv", in: root)
        try killed.waitUntilPaused()
        killed.kill()
        #expect(try Self.contents(out)["faces.csv"] == Self.contents(reference)["faces.csv"])
        #expect(try Self.contents(out)["metrics.json"] != Self.contents(reference)["metrics.json"])

        // Reading the folder first completes the swap: the new set whole, the old report gone.
        let report = try Command.maskbench(["report", "--metrics", out + "/metrics.json", "--out", root.path + "/r"])
        #expect(report.status == 0, "\(report.stderr)")
        #expect(try Self.contents(out) == Self.contents(reference))
    }

    @Test func anOutFolderThatIsAFileIsAnInputErrorAndALinkToAFolderIsFollowed() throws {
        let root = try Command.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let file = root.appendingPathComponent("file").path
        try Data("mine".utf8).write(to: URL(fileURLWithPath: file))
        let refused = try Command.maskbench(Self.evaluate(file))
        #expect(refused.status == 2, "\(refused.stderr)")
        #expect(refused.stderr.hasPrefix("error: \(file): cannot create the folder: "), "\(refused.stderr)")
        #expect(try String(contentsOfFile: file, encoding: .utf8) == "mine")

        let target = root.appendingPathComponent("dated").path
        let link = root.appendingPathComponent("latest").path
        try FileManager.default.createDirectory(atPath: target, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: target)
        let linked = try Command.maskbench(Self.evaluate(link))
        #expect(linked.status == 0, "\(linked.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: target).sorted() == [".maskbench-lock"] + Self.set)
    }
}

/// A `maskbench` started in the background, its standard error in a file.
private final class Background {
    let process = Process()
    let log: URL

    init(
        _ arguments: [String], in root: URL, log name: String, environment: [String: String] = [:],
        executable: String = "maskbench"
    ) throws {
        log = root.appendingPathComponent(name)
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        process.executableURL = Command.productsDirectory.appendingPathComponent(executable)
        process.arguments = arguments
        process.currentDirectoryURL = Fixtures.packageRoot
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        process.standardOutput = FileHandle.nullDevice
        process.standardError = try FileHandle(forWritingTo: log)
        try process.run()
    }

    var pid: Int32 { process.processIdentifier }
    var stderr: String { (try? String(contentsOf: log, encoding: .utf8)) ?? "" }

    /// Waits until standard error holds `text`; fails when the process ends first, or has not printed it
    /// after ten minutes (a guard against a hung test, not a timing check).
    func waitForOutput(_ text: String) throws {
        for _ in 0..<30_000 {
            if stderr.contains(text) { return }
            guard process.isRunning else {
                throw Failure(
                    message: "maskbench ended (\(process.terminationStatus)) before printing '\(text)': \(stderr)")
            }
            usleep(20_000)
        }
        kill()
        throw Failure(message: "maskbench did not print '\(text)' in ten minutes: \(stderr)")
    }

    /// Waits for the exit; its status.
    func finish() -> Int32 {
        process.waitUntilExit()
        return process.terminationStatus
    }

    /// `SIGKILL`, then waits for the process to be gone.
    func kill() {
        if process.isRunning { _ = Foundation.kill(pid, SIGKILL) }
        process.waitUntilExit()
    }

    struct Failure: Error, CustomStringConvertible {
        var message: String
        var description: String { message }
    }
}

/// A `maskbench` held at a step of writing its outputs: `maskbench-fault-harness` with
/// `MASKBENCH_INJECT_FAULT=pause:STEP`.
private final class Paused {
    let command: Background
    let step: String

    init(_ arguments: [String], at step: String, in root: URL) throws {
        self.step = step
        command = try Background(
            arguments, in: root, log: "paused-\(UUID().uuidString).err",
            environment: ["MASKBENCH_INJECT_FAULT": "pause:\(step)"], executable: "maskbench-fault-harness")
    }

    var pid: Int32 { command.pid }

    func waitUntilPaused() throws { try command.waitForOutput("maskbench: paused at \(step) (pid \(pid))") }

    func kill() { command.kill() }
}
