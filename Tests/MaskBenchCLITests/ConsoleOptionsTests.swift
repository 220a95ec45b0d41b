import Foundation
import MaskBenchTestSupport
import Testing

/// `--quiet`, `--timings` and `--out`: declared once, offered by every command that prints or writes a folder.
@Suite struct ConsoleOptionsTests {
    static let sample = "Annotations/seed001-table/"

    @Test(arguments: [
        (["evaluate"], true), (["run"], true), (["sweep"], true), (["merge"], true), (["report"], true),
        (["gate"], false), (["validate"], false), (["baseline", "record"], false), (["claims", "check"], false),
    ])
    func everyCommandTakesTheSameConsoleFlags(_ command: [String], writesAFolder: Bool) throws {
        let help = try Command.maskbench(command + ["--help"])
        #expect(help.status == 0)
        #expect(help.stdout.contains("--quiet"), "\(command)")
        #expect(help.stdout.contains("--timings"), "\(command)")
        #expect(help.stdout.contains("--out <DIR>") == writesAFolder, "\(command)")
    }

    @Test func quietCommandsPrintNothingButKeepTheirExitCode() throws {
        let folder = try Command.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let run = folder.appendingPathComponent("run").path
        let evaluate = try Command.maskbench([
            "evaluate", "--ground-truth", Self.sample + "ground-truth.csv", "--predictions",
            Self.sample + "predictions.csv", "--out", run, "--bootstrap", "0", "--quiet", "--timings",
        ])
        #expect(evaluate.status == 0)
        #expect(evaluate.stdout.isEmpty)
        #expect(evaluate.stderr.contains("timing: evaluate: "))
        let record = try Command.maskbench([
            "baseline", "record", "--from", run, "--name", "b", "--baselines", folder.path, "--quiet",
        ])
        #expect(record.status == 0 && record.stdout.isEmpty, "\(record.stderr)")
        let gate = try Command.maskbench([
            "gate", "--baseline", folder.path + "/b.json", "--metrics", run + "/metrics.json", "--quiet", "--timings",
        ])
        #expect(gate.status == 0, "\(gate.stderr)")
        #expect(gate.stdout.isEmpty)
        #expect(gate.stderr.contains("timing: judge 4 rules: "))
        let claims = try Command.maskbench(["claims", "check", "Baselines/claims/seed001.yml", "--quiet"])
        #expect(claims.status == 1)
        #expect(claims.stdout.isEmpty)
        let validate = try Command.maskbench([
            "validate", "--ground-truth", Self.sample + "ground-truth.csv", "--quiet",
        ])
        #expect(validate.stdout.isEmpty)
    }
}
