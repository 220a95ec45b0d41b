import Foundation
import MaskBenchTestSupport
import Testing

/// `maskbench evaluate` writes the report; `maskbench report` re-renders it from the saved files alone.
@Suite struct ReportCommandTests {
    /// Evaluates the shipped seed-001 sample into a new folder.
    func evaluate() throws -> URL {
        let out = try Command.temporaryDirectory()
        let result = try Command.maskbench([
            "evaluate", "--ground-truth", "Annotations/seed001-table/ground-truth.csv", "--predictions",
            "Annotations/seed001-table/predictions.csv", "--out", out.path, "--quiet",
        ])
        #expect(result.status == 0, "\(result.stderr)")
        return out
    }

    @Test func evaluateWritesTheReportAndReportRerendersTheSameBytes() throws {
        let run = try evaluate()
        let files = ["index.html", "charts/roc.svg", "charts/confusion-pipeline.svg", "charts/face-height.svg"]
        for file in files + ["boxes.csv", "extras.csv"] {
            #expect(FileManager.default.fileExists(atPath: run.appendingPathComponent(file).path), "\(file)")
        }
        let again = try Command.temporaryDirectory()
        let result = try Command.maskbench([
            "report", "--metrics", run.appendingPathComponent("metrics.json").path, "--out", again.path,
        ])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == "Wrote \(again.path)/index.html and 8 charts\n")
        for file in files {
            let first = try Data(contentsOf: run.appendingPathComponent(file))
            let second = try Data(contentsOf: again.appendingPathComponent(file))
            #expect(first == second, "\(file) differs between evaluate and report")
        }
        let html = try String(contentsOf: run.appendingPathComponent("index.html"), encoding: .utf8)
        // Seed 001's numbers, in its outcome table.
        #expect(html.contains("<th>unmasked faces</th>\n<td class=\"num\">130</td>\n<td class=\"num\">115</td>"))
    }

    @Test func aNewerMetricsFileIsAUsageError() throws {
        let run = try evaluate()
        let metrics = run.appendingPathComponent("metrics.json")
        let text = try String(contentsOf: metrics, encoding: .utf8)
            .replacingOccurrences(of: "\"schemaVersion\" : 1", with: "\"schemaVersion\" : 7")
        try text.write(to: metrics, atomically: true, encoding: .utf8)
        let result = try Command.maskbench(["report", "--metrics", metrics.path])
        #expect(result.status == 2)
        #expect(
            result.stderr
                == "error: \(metrics.path): metrics.json schema version 7 is not supported; this maskbench reads version 1\n"
        )
    }
}
