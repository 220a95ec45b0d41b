import Foundation
import MaskBenchCore
import MaskBenchFiles
import MaskBenchReport
import MaskBenchTestSupport
import Synchronization
import Testing

/// Outputs are written whole or not at all, and never through a symbolic link planted in the output folder.
@Suite struct AtomicFileTests {
    /// `root/out` (the output folder) and `root/outside/victim.txt` holding "secret".
    struct Planted {
        let root: URL
        var out: String { root.appendingPathComponent("out").path }
        var outside: String { root.appendingPathComponent("outside").path }
        var victim: String { outside + "/victim.txt" }

        init() throws {
            root = try Command.temporaryDirectory()
            try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
            try FileManager.default.createDirectory(atPath: outside, withIntermediateDirectories: true)
            try Data("secret".utf8).write(to: URL(fileURLWithPath: victim))
        }

        /// Plants `out/name -> target`.
        func link(_ name: String, to target: String) throws {
            try FileManager.default.createSymbolicLink(atPath: out + "/" + name, withDestinationPath: target)
        }

        func remove() { try? FileManager.default.removeItem(at: root) }
    }

    private func isSymbolicLink(_ path: String) -> Bool {
        (try? FileManager.default.attributesOfItem(atPath: path)[.type] as? FileAttributeType) == .typeSymbolicLink
    }

    @Test func aPlantedLinkIsReplacedAndItsTargetUntouched() throws {
        let planted = try Planted()
        defer { planted.remove() }
        try planted.link("metrics.json", to: planted.victim)
        try AtomicFile.write(Data("{}\n".utf8), to: planted.out + "/metrics.json")

        #expect(!isSymbolicLink(planted.out + "/metrics.json"))
        #expect(try String(contentsOfFile: planted.out + "/metrics.json", encoding: .utf8) == "{}\n")
        #expect(try String(contentsOfFile: planted.victim, encoding: .utf8) == "secret")
    }

    @Test func aDanglingLinkIsReplacedWithoutCreatingItsTarget() throws {
        let planted = try Planted()
        defer { planted.remove() }
        let target = planted.outside + "/created-by-mistake.txt"
        try planted.link("summary.md", to: target)
        try AtomicFile.write(Data("# Summary\n".utf8), to: planted.out + "/summary.md")
        #expect(!FileManager.default.fileExists(atPath: target))
        #expect(try String(contentsOfFile: planted.out + "/summary.md", encoding: .utf8) == "# Summary\n")
    }

    @Test func writingLeavesNoTemporaryFileAndReplacesOldContent() throws {
        let planted = try Planted()
        defer { planted.remove() }
        let path = planted.out + "/faces.csv"
        try AtomicFile.write(Data("old\n".utf8), to: path)
        try AtomicFile.write(Data("new\n".utf8), to: path)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "new\n")
        #expect(try FileManager.default.contentsOfDirectory(atPath: planted.out) == ["faces.csv"])
    }

    @Test func aFailedWriteLeavesNothingBehind() throws {
        let planted = try Planted()
        defer { planted.remove() }
        // The final name is a folder: the rename fails, and the temporary file is removed.
        try FileManager.default.createDirectory(atPath: planted.out + "/index.html", withIntermediateDirectories: true)
        let error = #expect(throws: OutputError.self) {
            try AtomicFile.write(Data("<html/>".utf8), to: planted.out + "/index.html")
        }
        #expect(error?.message.contains("cannot move the finished file into place") == true)
        #expect(try FileManager.default.contentsOfDirectory(atPath: planted.out) == ["index.html"])
    }

    @Test func aPlantedLinkAsASubfolderIsRefused() throws {
        let planted = try Planted()
        defer { planted.remove() }
        try planted.link("charts", to: planted.outside)
        let error = #expect(throws: OutputError.self) { try AtomicFile.makeSubdirectory("charts", in: planted.out) }
        #expect(error?.path == planted.out + "/charts")
        #expect(error?.message.contains("is a symbolic link; refusing to write through it") == true)

        #expect(try AtomicFile.makeSubdirectory("logs", in: planted.out) == planted.out + "/logs")
        #expect(try AtomicFile.makeSubdirectory("logs", in: planted.out) == planted.out + "/logs")
    }

    @Test func theReportRefusesAPlantedChartsLinkAndWritesNothingThere() throws {
        let metrics = try ReportFixture.writeRun()
        let folder = URL(fileURLWithPath: metrics).deletingLastPathComponent().path
        let outside = try Command.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: outside) }
        try FileManager.default.createSymbolicLink(atPath: folder + "/charts", withDestinationPath: outside.path)
        try FileManager.default.createSymbolicLink(
            atPath: folder + "/index.html", withDestinationPath: outside.appendingPathComponent("index.html").path)

        #expect(throws: OutputError.self) {
            try ReportWriter.render(metricsPath: metrics, images: nil, thumbnails: nil)
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: outside.path).isEmpty)

        // Without the planted folder link the page replaces the planted file link.
        try FileManager.default.removeItem(atPath: folder + "/charts")
        try ReportWriter.render(metricsPath: metrics, images: nil, thumbnails: nil)
        #expect(!isSymbolicLink(folder + "/index.html"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: outside.path).isEmpty)
    }

    @Test func thumbnailsAreNotCutFromImagesOutsideTheFolder() throws {
        let data = try ReportData.load(metricsPath: try ReportFixture.writeRun())
        let root = try Command.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let images = root.appendingPathComponent("images").path
        let outside = root.appendingPathComponent("outside").path
        try FileManager.default.createDirectory(atPath: images, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: outside, withIntermediateDirectories: true)
        try Data([1, 2, 3]).write(to: URL(fileURLWithPath: outside + "/plain.jpg"))
        // The fixture's plain.jpg is a link out of the images folder.
        try FileManager.default.createSymbolicLink(
            atPath: images + "/plain.jpg", withDestinationPath: outside + "/plain.jpg")
        let opened = OpenedPaths()
        let fake = Thumbnails { path, regions, _ in
            opened.paths.withLock { $0.append(path) }
            return regions.map { .success(Thumbnails.Thumbnail(jpeg: [0xFF, 0xD8, 0xFF], region: $0)) }
        }

        let refused = try #require(ReportWriter.render(data, images: images, thumbnails: fake).last?.1)
        #expect(opened.paths.withLock { $0 }.isEmpty)
        #expect(refused.contains("plain.jpg: outside the image folder, not read"))

        let allowed = try #require(
            ReportWriter.render(data, images: images, thumbnails: fake, allowOutsideRoot: true).last?.1)
        #expect(opened.paths.withLock { $0 }.allSatisfy { $0.hasSuffix("images/plain.jpg") })
        #expect(!opened.paths.withLock { $0 }.isEmpty)
        #expect(!allowed.contains("plain.jpg: outside the image folder"))
    }
}

/// The paths a fake thumbnail maker was asked for; a class, so the escaping closure shares it.
private final class OpenedPaths: Sendable {
    let paths = Mutex([String]())
}
