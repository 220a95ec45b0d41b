import Foundation
import MaskBenchCore
import MaskBenchInference
import MaskBenchTestSupport
import Testing

/// `maskbench run` never reads images outside `--images` unless told, and never appends through a planted link.
@Suite struct RunnerSafetyTests {
    private func arguments(_ fixture: RunnerFixture, _ extra: [String] = []) -> [String] {
        [
            "run", "--external", RunnerFixture.command("ok"), "--ground-truth", fixture.groundTruthURL.path,
            "--images", fixture.imagesPath, "--out", fixture.outPath, "--timeout", "5", "--startup-timeout", "20",
            "--bootstrap", "0", "--workers", "1", "--quiet",
        ] + extra
    }

    /// Moves `images/img1.jpg` to `outside/img1.jpg` and leaves a link to it in its place.
    private func linkFirstImageOut(_ fixture: RunnerFixture) throws -> String {
        let outside = fixture.folder.appendingPathComponent("outside").path
        try FileManager.default.createDirectory(atPath: outside, withIntermediateDirectories: true)
        try FileManager.default.moveItem(atPath: fixture.imagesPath + "/img1.jpg", toPath: outside + "/img1.jpg")
        try FileManager.default.createSymbolicLink(
            atPath: fixture.imagesPath + "/img1.jpg", withDestinationPath: outside + "/img1.jpg")
        return outside
    }

    @Test func aCacheFileThatIsALinkIsRefusedAndItsTargetUntouched() throws {
        let fixture = try RunnerFixture(count: 1)
        defer { fixture.remove() }
        let directory = fixture.folder.appendingPathComponent("cache").path
        let cache = try PredictionCache(directory: directory, fingerprint: "test/1")
        try cache.store(PipelineResult(faces: []), for: ImageKey(imageAt: fixture.items[0].path, boxes: []))
        let name = try #require(try FileManager.default.contentsOfDirectory(atPath: directory).first)
        let path = directory + "/" + name
        let victim = fixture.folder.appendingPathComponent("victim.txt").path
        try Data("secret\n".utf8).write(to: URL(fileURLWithPath: victim))
        try FileManager.default.removeItem(atPath: path)
        try FileManager.default.createSymbolicLink(atPath: path, withDestinationPath: victim)

        let error = #expect(throws: RunnerError.self) {
            try PredictionCache(directory: directory, fingerprint: "test/1")
        }
        #expect(error?.description.contains("a symbolic link in the cache folder; refusing to read through it") == true)
        #expect(error?.description.contains(path) == true)
        #expect(try String(contentsOfFile: victim, encoding: .utf8) == "secret\n")
    }

    @Test func aFIFOInTheCacheFolderIsRefusedWithoutBlocking() throws {
        let fixture = try RunnerFixture(count: 1)
        defer { fixture.remove() }
        let directory = fixture.folder.appendingPathComponent("cache").path
        let cache = try PredictionCache(directory: directory, fingerprint: "test/1")
        try cache.store(PipelineResult(faces: []), for: ImageKey(imageAt: fixture.items[0].path, boxes: []))
        let name = try #require(try FileManager.default.contentsOfDirectory(atPath: directory).first)
        let fifo = directory + "/" + name.prefix(32) + ".fifo.jsonl"
        #expect(mkfifo(fifo, 0o644) == 0)
        let error = #expect(throws: RunnerError.self) {
            try PredictionCache(directory: directory, fingerprint: "test/1")
        }
        #expect(error?.description == "\(fifo): not a regular file; move it out of the cache folder")
    }

    /// A FIFO (or socket, or device) named as an image is a failed image saying what it is, never read: with
    /// the cache, whose key hashes the image's bytes, and without it, where the worker would open it.
    @Test(arguments: [[], ["--no-cache"]])
    func aFIFOAmongTheImagesIsAFailedImageNeverBlockedOn(_ extra: [String]) throws {
        let fixture = try RunnerFixture(count: 3)
        defer { fixture.remove() }
        let fifo = fixture.imagesPath + "/img1.jpg"
        try FileManager.default.removeItem(atPath: fifo)
        #expect(mkfifo(fifo, 0o644) == 0)
        let result = try Command.maskbench(arguments(fixture, extra), hangGuard: 600)
        #expect(result.status == 1, "\(result.stderr)")
        #expect(
            result.stderr.contains(
                "failed: img1.jpg: \(fifo): not a regular file but a FIFO (named pipe); give a file saved on disk"),
            "\(result.stderr)")
        #expect(result.stderr.contains("1 of 3 images failed"), "\(result.stderr)")
    }

    @Test func anImageLinkedOutOfTheFolderIsRefused() throws {
        let fixture = try RunnerFixture(count: 3)
        defer { fixture.remove() }
        let outside = try linkFirstImageOut(fixture)
        let result = try Command.maskbench(arguments(fixture))
        #expect(result.status == 2, "\(result.stderr)")
        #expect(result.stderr.contains("error: \(fixture.groundTruthURL.path): image path 'img1.jpg' resolves to"))
        #expect(result.stderr.contains(outside + "/img1.jpg"))
        #expect(result.stderr.contains("--allow-outside-root"))
        #expect(!FileManager.default.fileExists(atPath: fixture.outPath + "/predictions.jsonl"))

        let allowed = try Command.maskbench(arguments(fixture, ["--allow-outside-root"]))
        #expect(allowed.status == 0, "\(allowed.stderr)")
        let predictions = try String(contentsOfFile: fixture.outPath + "/predictions.jsonl", encoding: .utf8)
        #expect(predictions.contains("img1.jpg"))
    }

    @Test(arguments: ["../../etc/passwd", "/etc/passwd"])
    func aClimbingOrAbsoluteNameIsRefusedWithItsLine(name: String) throws {
        let fixture = try RunnerFixture(count: 2)
        defer { fixture.remove() }
        let csv = try String(contentsOf: fixture.groundTruthURL, encoding: .utf8)
        try Data((csv + "with_mask,0,0,10,10,\(name),100,100\n").utf8).write(to: fixture.groundTruthURL)
        let result = try Command.maskbench(arguments(fixture))
        #expect(result.status == 2, "\(result.stderr)")
        #expect(result.stderr.contains("error: \(fixture.groundTruthURL.path):3: image path '\(name)'"))
    }

    @Test func aCacheFolderPlantedAsALinkIsRefused() throws {
        let fixture = try RunnerFixture(count: 2)
        defer { fixture.remove() }
        let elsewhere = fixture.folder.appendingPathComponent("elsewhere").path
        try FileManager.default.createDirectory(atPath: elsewhere, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: fixture.outPath, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: fixture.outPath + "/cache", withDestinationPath: elsewhere)
        let result = try Command.maskbench(arguments(fixture))
        #expect(result.status == 2, "\(result.stderr)")
        #expect(result.stderr.contains("\(fixture.outPath)/cache: is a symbolic link; refusing to write through it"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: elsewhere).isEmpty)
    }

    @Test func thePixelBudgetIsChecked() throws {
        let fixture = try RunnerFixture(count: 1)
        defer { fixture.remove() }
        let zero = try Command.maskbench(
            [
                "run", "--pipeline", "ssd-mobilenetv2", "--ground-truth", fixture.groundTruthURL.path, "--pixel-budget",
                "0",
            ])
        #expect(zero.status == 2)
        #expect(zero.stderr.contains("--pixel-budget must be 1 or more, got 0"))
        let external = try Command.maskbench(arguments(fixture, ["--pixel-budget", "1000"]))
        #expect(external.status == 2)
        #expect(external.stderr.contains("an --external worker decodes its own images"))
    }
}
