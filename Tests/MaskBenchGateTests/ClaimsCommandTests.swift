import Foundation
import MaskBenchTestSupport
import Testing

/// `maskbench claims check` end to end: output and exit codes.
@Suite struct ClaimsCommandTests {
    static let seed001 = "Baselines/claims/seed001.yml"

    func write(_ text: String) throws -> String {
        let url = try Command.temporaryDirectory().appendingPathComponent("claims.yml")
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }

    @Test func seed001IsInconsistentExit1() throws {
        let result = try Command.maskbench(["claims", "check", Self.seed001])
        #expect(result.status == 1, "\(result.stderr)")
        #expect(result.stdout.contains("inconsistent ground-truth faces"))
        #expect(result.stdout.contains("10 + 8 = 18  outcome table, missed masked + unmasked (lines 82, 83)"))
        #expect(result.stdout.contains("6 of 14 consistency checks failed"))
        #expect(result.stderr.isEmpty)
    }

    @Test func consistentClaimsExit0() throws {
        let result = try Command.maskbench(["claims", "check", try write(ClaimsCheckTests.table)])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.contains("0 of "))
    }

    @Test func againstTheSampleRun() throws {
        let (_, metrics) = try ClaimsCheckTests.sampleRun()
        let table = try Command.maskbench(["claims", "check", try write(ClaimsCheckTests.table), "--metrics", metrics])
        #expect(table.status == 0, "\(table.stdout)\(table.stderr)")
        let seed = try Command.maskbench(["claims", "check", Self.seed001, "--metrics", metrics])
        #expect(seed.status == 1)
        #expect(seed.stdout.contains("mismatch     detector.faces: claimed 266 (line 94), run 249"))
        #expect(seed.stdout.contains("matches      pipeline.tnr: claimed 88.5% (line 86), run 115/130 = 88.46%"))
        #expect(seed.stdout.contains("7 of 22 claims differ from the run (1 not in the run)"))
    }

    @Test func aMalformedFileExits2NamingFileAndLine() throws {
        let path = try write(
            "claims: 1\nsource: {project: p, file: R}\ncounts:\n  - line: 3\n    text: t\n    values: {faces: 3}\n")
        let result = try Command.maskbench(["claims", "check", path])
        #expect(result.status == 2)
        #expect(result.stderr.hasPrefix("error: \(path):6: unknown count 'faces'"), "\(result.stderr)")
        #expect(result.stdout.isEmpty)
    }

    @Test func unreadableInputsExit2() throws {
        #expect(try Command.maskbench(["claims", "check", "/nonexistent.yml"]).status == 2)
        let missingMetrics = try Command.maskbench([
            "claims", "check", Self.seed001, "--metrics", "/nonexistent/metrics.json",
        ])
        #expect(missingMetrics.status == 2)
        #expect(try Command.maskbench(["claims", "check", Self.seed001, "--tolerance", "-1"]).status == 2)
    }
}
