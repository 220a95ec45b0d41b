import Foundation
import MaskBenchTestSupport
import Testing

/// `maskbench evaluate` and `validate` end to end on hostile inputs and a booby-trapped output folder.
@Suite struct SafetyCommandTests {
    static let sample = "Annotations/seed001-table/"

    @Test func evaluateReplacesLinksPlantedInTheOutputFolder() throws {
        let root = try Command.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let out = root.appendingPathComponent("out").path
        let victim = root.appendingPathComponent("victim.txt").path
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        try Data("secret".utf8).write(to: URL(fileURLWithPath: victim))
        let names = ["metrics.json", "summary.md", "faces.csv", "boxes.csv", "extras.csv", "index.html"]
        for name in names {
            try FileManager.default.createSymbolicLink(atPath: out + "/" + name, withDestinationPath: victim)
        }
        let result = try Command.maskbench([
            "evaluate", "--ground-truth", Self.sample + "ground-truth.csv", "--predictions",
            Self.sample + "predictions.csv", "--out", out, "--bootstrap", "0", "--quiet",
        ])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try String(contentsOfFile: victim, encoding: .utf8) == "secret")
        for name in names {
            let type = try FileManager.default.attributesOfItem(atPath: out + "/" + name)[.type] as? FileAttributeType
            #expect(type == .typeRegular, "\(name)")
        }
    }

    @Test func limitsAreSettingsWithClearErrors() throws {
        let path = Self.sample + "ground-truth.csv"
        let line = try Command.maskbench(["validate", "--ground-truth", path, "--max-line-length", "10"])
        #expect(line.status == 2)
        #expect(line.stderr.contains("error: \(path):1: the line is longer than the limit of 10 bytes"))
        #expect(line.stderr.contains("--max-line-length"))

        let size = try Command.maskbench(["validate", "--ground-truth", path, "--max-file-size", "100"])
        #expect(size.status == 2)
        #expect(size.stderr.contains("more than the limit of 100 bytes; raise it with --max-file-size"))

        let faces = try Command.maskbench(["validate", "--ground-truth", path, "--max-faces-per-image", "1"])
        #expect(faces.status == 2)
        #expect(faces.stderr.contains("faces than the limit of 1 per image; raise it with --max-faces-per-image"))

        let zero = try Command.maskbench(["validate", "--ground-truth", path, "--max-faces-per-image", "0"])
        #expect(zero.status == 2)
        #expect(zero.stderr.contains("must be 1 or more"))
    }

    @Test func validateRefusesAClimbingNameUnlessAllowed() throws {
        let root = try Command.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let path = root.appendingPathComponent("gt.csv").path
        try Data("with_mask,1,2,3,4,../../etc/passwd,10,10\n".utf8).write(to: URL(fileURLWithPath: path))
        let refused = try Command.maskbench(["validate", "--ground-truth", path])
        #expect(refused.status == 2)
        #expect(
            refused.stderr.contains(
                "error: \(path):1: image path '../../etc/passwd' climbs out of the folder with '..'"))
        let allowed = try Command.maskbench(["validate", "--ground-truth", path, "--allow-outside-root"])
        #expect(allowed.status == 0, "\(allowed.stderr)")
    }

    /// A label or image name from a file reached the terminal raw: ESC [ 2 J cleared the screen.
    @Test func textFromFilesIsPrintedWithControlCharactersEscaped() throws {
        let root = try Command.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let path = root.appendingPathComponent("gt.csv").path
        try Data("\u{1B}[2J\u{9B}31m,1,2,3,4,a.png,10,10\n".utf8).write(to: URL(fileURLWithPath: path))
        let result = try Command.maskbench([
            "evaluate", "--ground-truth", path, "--predictions", Self.sample + "predictions.csv", "--out",
            root.appendingPathComponent("out").path, "--quiet",
        ])
        #expect(result.status == 2)
        #expect(result.stderr.contains("unknown label '\\u{1b}[2J\\u{9b}31m'"), "\(result.stderr)")
        #expect(!result.stderr.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x9B })
    }

    /// The console summary of `evaluate` quotes its input files' names: a name holding ESC [31m and a carriage
    /// return reached standard output raw.
    @Test func theConsoleSummaryShowsInputNamesEscaped() throws {
        let root = try Command.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let predictions = root.appendingPathComponent("p\u{1B}[31m\r.csv")
        try FileManager.default.copyItem(
            at: Fixtures.packageRoot.appendingPathComponent(Self.sample + "predictions.csv"), to: predictions)
        let result = try Command.maskbench([
            "evaluate", "--ground-truth", Self.sample + "ground-truth.csv", "--predictions", predictions.path,
            "--out", root.appendingPathComponent("out").path, "--bootstrap", "0", "--no-report",
        ])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("p\\u{1b}[31m\\u{d}.csv"), "\(result.stdout)")
        #expect(!result.stdout.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x0D })
    }
}
