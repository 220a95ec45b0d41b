import Foundation
import MaskBenchTestSupport
import Testing

/// A wrong `--images` for `evaluate`: said once, with the fix, instead of a missing thumbnail per image
/// (`run`'s case is in RunnerCommandTests).
@Suite struct ImagesFolderTests {
    static let sample = "Annotations/seed001-table/"

    @Test func evaluateWithAFolderHoldingNoneOfTheImagesWarnsOnce() throws {
        let out = try Command.temporaryDirectory()
        let empty = try Command.temporaryDirectory()
        let result = try Command.maskbench([
            "evaluate", "--ground-truth", Self.sample + "ground-truth.csv", "--predictions",
            Self.sample + "predictions.csv", "--images", empty.path, "--out", out.path, "--bootstrap", "0",
        ])
        #expect(result.status == 0)
        let warnings = result.stderr.split(separator: "\n").filter { $0.contains(empty.path) }
        #expect(warnings.count == 1)
        #expect(warnings.first?.hasPrefix("warning: none of the 125 images is in \(empty.path)") == true)
        let html = try String(contentsOf: out.appendingPathComponent("index.html"), encoding: .utf8)
        #expect(html.contains("images with a mistake is in \(empty.path): boxes are drawn on a grey placeholder."))
        #expect(!html.contains("not found in"))
    }
}
