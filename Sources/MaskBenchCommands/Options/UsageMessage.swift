import ArgumentParser
import MaskBenchCore

/// Usage errors in the tool's own shape: `error: message` (lower case, like every other error, with
/// `(did you mean 'x'?)` as the readers write it), the usage line, and a hint to `--help`.
///
/// argument-parser writes `Error: Unknown option '--iuo'. Did you mean '--iou'?`, `Usage: …` and `  See
/// 'maskbench evaluate --help' for more information.`; this keeps its content and changes its look.
enum UsageMessage {
    /// `error: …`, `usage: …`, `hint: see 'maskbench evaluate --help'` for argument-parser's message of
    /// `error` (a usage error found while parsing or by a `validate()`).
    static func render(_ error: any Error) -> String {
        var lines: [String] = []
        for line in MaskBenchCommand.fullMessage(for: error).split(separator: "\n") {
            let text = line.trimmingPrefix(while: { $0 == " " })
            if let rest = text.dropping(prefix: "Error: ") {
                lines.append("error: " + suggestionInParentheses(lowercasingFirst(String(rest))))
            } else if let rest = text.dropping(prefix: "Usage: ") {
                lines.append("usage: " + rest)
            } else if let rest = text.dropping(prefix: "Help: ") {
                lines.append("help: " + rest.trimmingPrefix(while: { $0 == " " }))
            } else if let rest = text.dropping(prefix: "See '"), let end = rest.firstIndex(of: "'") {
                lines.append("hint: see '\(rest[..<end])'")
            } else {
                lines.append(String(line))
            }
        }
        return lines.joined(separator: "\n")
    }

    /// The message of a ``SubcommandProblem``, in the same shape.
    static func render(_ problem: SubcommandProblem) -> String {
        let path = (["maskbench"] + problem.path).joined(separator: " ")
        let names = problem.command.configuration.subcommands.map { $0._commandName }
        let first: String
        if let given = problem.given {
            if let meant = ClosestName.closest(to: given, in: names) {
                first = "unknown subcommand '\(given)' of '\(path)' (did you mean '\(meant)'?)"
            } else {
                first = "unknown subcommand '\(given)' of '\(path)'; its subcommands: \(names.joined(separator: ", "))"
            }
        } else {
            first = "'\(path)' needs a subcommand: \(names.joined(separator: ", "))"
        }
        return """
            error: \(first)
            usage: \(MaskBenchCommand.usageString(for: problem.command))
            hint: see '\(path) --help'
            """
    }

    /// `Unknown option` → `unknown option`; an acronym or a flag stays as it is.
    private static func lowercasingFirst(_ text: String) -> String {
        let characters = Array(text.prefix(2))
        guard characters.count == 2, characters[0].isUppercase, characters[1].isLowercase else { return text }
        return text.prefix(1).lowercased() + text.dropFirst()
    }

    /// `unknown option '--iuo'. Did you mean '--iou'?` → `unknown option '--iuo' (did you mean '--iou'?)`.
    private static func suggestionInParentheses(_ text: String) -> String {
        guard let range = text.firstRange(of: ". Did you mean "), text.hasSuffix("?") else { return text }
        return text[..<range.lowerBound] + " (did you mean " + text[range.upperBound...] + ")"
    }
}

/// A command that only groups subcommands (`maskbench`, `baseline`, `claims`) was given none, or one it does
/// not have: a usage error (exit 2), not help with exit 0, and for a misspelling the subcommand it most likely
/// meant.
///
/// Found before argument-parser parses, because it reads `maskbench evalute --ground-truth x.csv` as an unknown
/// option `--ground-truth` of `maskbench`, not as a misspelled subcommand.
struct SubcommandProblem: Error {
    /// The command that groups the subcommands.
    var command: any ParsableCommand.Type
    /// The subcommand names from the root to ``command``.
    var path: [String]
    /// The name given where a subcommand was expected, or `nil` when none was given.
    var given: String?

    /// Follows subcommand names in `arguments` (without the program's name) from the root: the problem when
    /// a grouping command is reached with no subcommand or an unknown one; `nil` when the arguments reach a
    /// command that runs, or an option (`--help`, `--version`) or argument-parser's `help` comes first.
    static func find(in arguments: some Sequence<String>) -> SubcommandProblem? {
        var command: any ParsableCommand.Type = MaskBenchCommand.self
        var path: [String] = []
        for argument in arguments {
            let subcommands = command.configuration.subcommands
            guard !subcommands.isEmpty, !argument.hasPrefix("-"), argument != "help" else { return nil }
            guard let next = subcommands.first(where: { $0._commandName == argument }) else {
                return SubcommandProblem(command: command, path: path, given: argument)
            }
            command = next
            path.append(argument)
        }
        guard !command.configuration.subcommands.isEmpty, command.configuration.defaultSubcommand == nil else {
            return nil
        }
        return SubcommandProblem(command: command, path: path, given: nil)
    }
}

extension StringProtocol {
    /// The rest after `prefix`, or `nil` when the text does not start with it.
    fileprivate func dropping(prefix: String) -> SubSequence? {
        hasPrefix(prefix) ? dropFirst(prefix.count) : nil
    }
}
