import Foundation
import MaskBenchTestSupport
import Testing

/// Usage errors look like every other error (`error:`, then the usage and a hint to `--help`), exit 2, and
/// point at what was probably meant; `--help` says what values and keys the options take, in one style.
@Suite struct UsageTests {
    static let commands: [[String]] = [
        ["run"], ["merge"], ["evaluate"], ["validate"], ["sweep"], ["gate"], ["baseline", "record"],
        ["claims", "check"], ["report"],
    ]

    // MARK: - Usage errors

    @Test func anOptionParsingErrorLooksLikeTheToolsOwnWithAHintToHelp() throws {
        let result = try Command.maskbench(["evaluate", "--ground-truth", "x.csv", "--predictions", "y.csv", "--iuo"])
        #expect(result.status == 2)
        #expect(
            result.stderr == """
                error: unknown option '--iuo' (did you mean '--iou'?)
                usage: maskbench evaluate [<options>] --ground-truth <PATH> --predictions <PATH>
                hint: see 'maskbench evaluate --help'

                """)
    }

    @Test func aValidationErrorLooksTheSame() throws {
        let result = try Command.maskbench([
            "evaluate", "--ground-truth", "x.csv", "--predictions", "y.csv", "--iou", "2",
        ])
        #expect(result.status == 2)
        #expect(result.stderr.hasPrefix("error: --iou must be between 0 and 1, got 2.0\nusage: maskbench evaluate"))
        #expect(result.stderr.hasSuffix("hint: see 'maskbench evaluate --help'\n"))
    }

    @Test(arguments: [
        (["evalute"], "unknown subcommand 'evalute' of 'maskbench' (did you mean 'evaluate'?)", "maskbench"),
        (
            ["evalute", "--ground-truth", "x.csv", "--predictions", "y.csv"],
            "unknown subcommand 'evalute' of 'maskbench' (did you mean 'evaluate'?)", "maskbench"
        ),
        (
            ["baseline", "recrod", "--from", "x"],
            "unknown subcommand 'recrod' of 'maskbench baseline' (did you mean 'record'?)", "maskbench baseline"
        ),
        (
            ["claims", "chek", "f.yml"], "unknown subcommand 'chek' of 'maskbench claims' (did you mean 'check'?)",
            "maskbench claims"
        ),
        (["baseline"], "'maskbench baseline' needs a subcommand: record", "maskbench baseline"),
        (["claims"], "'maskbench claims' needs a subcommand: check", "maskbench claims"),
    ])
    func aMissingOrMisspelledSubcommandIsAUsageError(
        _ arguments: [String], _ message: String, _ command: String
    )
        throws
    {
        let result = try Command.maskbench(arguments)
        #expect(result.status == 2, "\(arguments)")
        #expect(result.stdout.isEmpty)
        let lines = result.stderr.split(separator: "\n").map(String.init)
        #expect(lines.first == "error: " + message)
        #expect(lines.dropFirst().first?.hasPrefix("usage: \(command) <subcommand>") == true, "\(lines)")
        #expect(lines.last == "hint: see '\(command) --help'")
    }

    @Test func anUnknownSubcommandFarFromAnyListsThem() throws {
        let result = try Command.maskbench(["xyzzy"])
        #expect(result.status == 2)
        #expect(result.stderr.hasPrefix("error: unknown subcommand 'xyzzy' of 'maskbench'; its subcommands: run, "))
    }

    @Test func helpStillWorksBeforeAndAfterASubcommand() throws {
        for arguments in [["--help"], ["help", "baseline"], ["baseline", "--help"], ["claims", "check", "--help"]] {
            let result = try Command.maskbench(arguments)
            #expect(result.status == 0, "\(arguments): \(result.stderr)")
            #expect(result.stdout.contains("USAGE: maskbench"), "\(arguments)")
        }
    }

    // MARK: - --help

    /// The `--help` text of `command`.
    static func help(_ command: [String]) throws -> String {
        let result = try Command.maskbench(command + ["--help"])
        #expect(result.status == 0, "\(command): \(result.stderr)")
        return result.stdout
    }

    @Test func pipelineListsEveryBuiltInPipeline() throws {
        // The names the tool itself knows, from the error for an unknown one.
        let unknown = try Command.maskbench([
            "run", "--pipeline", "no-such-pipeline", "--ground-truth", "Annotations/seed001-table/ground-truth.csv",
            "--out", try Command.temporaryDirectory().path,
        ])
        let known = try #require(unknown.stderr.split(separator: "known pipelines: ").last)
        let names = known.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: ", ")
        #expect(names.count >= 3, "\(unknown.stderr)")
        let pipelineHelp = try Self.optionHelp("--pipeline", in: Self.help(["run"]))
        for name in names {
            #expect(pipelineHelp.contains(name), "\(name) missing from: \(pipelineHelp)")
        }
    }

    @Test func configListsEveryKey() throws {
        // The keys the tool itself knows, from the error for an unknown one.
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
            "maskbench-usage-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let config = folder.appendingPathComponent("pipeline.yml")
        try Data("detector: res10\nno-such-key: 1\n".utf8).write(to: config)
        let unknown = try Command.maskbench([
            "run", "--config", config.path, "--ground-truth", "Annotations/seed001-table/ground-truth.csv",
            "--out", folder.appendingPathComponent("out").path,
        ])
        let known = try #require(unknown.stderr.split(separator: "known keys: ").last)
        let keys = known.prefix { !$0.isNewline && $0 != ")" }.split(separator: ", ")
        #expect(keys.count >= 4, "\(unknown.stderr)")
        let configHelp = try Self.optionHelp("--config", in: Self.help(["run"]))
        for key in keys {
            #expect(configHelp.contains(key), "\(key) missing from: \(configHelp)")
        }
    }

    @Test func workersShowsOneDefault() throws {
        let workers = try Self.optionHelp("--workers", in: Self.help(["run"]))
        #expect(workers.components(separatedBy: "default").count == 2, "\(workers)")
    }

    @Test func quietSaysTheSameOnEveryCommand() throws {
        var texts: Set<String> = []
        for command in Self.commands {
            texts.insert(try Self.optionHelp("--quiet", in: Self.help(command)))
        }
        #expect(texts.count == 1, "\(texts)")
    }

    @Test func placeholdersAreUpperCase() throws {
        for command in Self.commands {
            let help = try Self.help(command)
            // `<X>` after a space or `[`: `fnr<=0.05,falseAlarms<=20` in a text is no placeholder.
            let placeholders = help.matches(of: /[ \[]<([^<>\s]+)>/).map { String($0.output.1) }
            #expect(placeholders.count > 3, "\(command)")
            for placeholder in placeholders where placeholder != "options" && placeholder != "subcommand" {
                #expect(
                    placeholder.allSatisfy { $0.isUppercase || $0.isNumber || "=/_-".contains($0) },
                    "\(command): <\(placeholder)>")
            }
        }
    }

    @Test func noOptionListsItsValuesTwice() throws {
        for command in Self.commands {
            let help = try Self.help(command)
            for option in help.components(separatedBy: "\n  --").dropFirst() {
                let text = option.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
                    .joined(separator: " ")
                guard let values = text.range(of: "(values: ") else { continue }
                let listed = text[values.upperBound...].prefix { $0 != ";" && $0 != ")" }
                let first = try #require(listed.split(separator: ", ").first)
                #expect(
                    text[..<values.lowerBound].components(separatedBy: first + ", ").count == 1,
                    "\(command): --\(text)")
            }
        }
    }

    /// The help of one option: its line and the indented lines after it, joined.
    static func optionHelp(_ option: String, in help: String) throws -> String {
        let lines = help.split(separator: "\n", omittingEmptySubsequences: false)
        let start = try #require(lines.firstIndex { $0.hasPrefix("  \(option) ") || $0 == "  \(option)" })
        var text = [String(lines[start])]
        for line in lines[(start + 1)...] {
            guard line.hasPrefix("      "), !line.trimmingCharacters(in: .whitespaces).hasPrefix("-") else { break }
            text.append(line.trimmingCharacters(in: .whitespaces))
        }
        return text.joined(separator: " ")
    }
}
