import Foundation
import MaskBenchTestSupport
import Testing

/// The README's examples that have a recipe run as the README shows them, so the text cannot drift.
@Suite struct ReadmeExampleTests {
    /// The lines of the first fenced block after the README line containing `marker`.
    static func block(after marker: String) throws -> [Substring] {
        let readme = try String(contentsOf: Fixtures.packageRoot.appendingPathComponent("README.md"), encoding: .utf8)
        let lines = readme.split(separator: "\n", omittingEmptySubsequences: false)
        let start = try #require(lines.firstIndex { $0.contains(marker) }, "README has no line with \(marker)")
        let open = try #require(lines[start...].firstIndex { $0.hasPrefix("```") })
        let close = try #require(lines[(open + 1)...].firstIndex { $0.hasPrefix("```") })
        return Array(lines[(open + 1)..<close])
    }

    @Test func theGateExampleIsWhatItsScriptPrints() throws {
        let out = try Command.temporaryDirectory()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = [Fixtures.packageRoot.appendingPathComponent("Scripts/gate-example.sh").path, out.path]
        var environment = ProcessInfo.processInfo.environment
        environment["MASKBENCH"] = Command.productsDirectory.appendingPathComponent("maskbench").path
        process.environment = environment
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let printed = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        // The gate finds the regression.
        #expect(process.terminationStatus == 1, "\(printed)")
        let shown = try Self.block(after: "Scripts/gate-example.sh")
        #expect(shown.count >= 5)
        let lines = printed.split(separator: "\n", omittingEmptySubsequences: false)
        for line in shown {
            #expect(lines.contains(line), "README line not printed by the script: \(line)")
        }
    }

    @Test func theKaggleClaimsAgreeAndQuoteTheReadmeOnTheirLines() throws {
        let result = try Command.maskbench(["claims", "check", "Baselines/claims/maskbench-kaggle.yml"])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.contains("0 of 6 quotes not on their line"))
    }
}
