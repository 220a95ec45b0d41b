import ArgumentParser
import Foundation
import MaskBenchCore

/// `maskbench`'s entry point: what the executable runs, and what the test-only `maskbench-fault-harness` runs with
/// its faults.
package enum MaskBenchProgram {
    /// Runs the command line `CommandLine.arguments` and exits with the command's exit code.
    ///
    /// Starts on the main thread (the main actor), so that the allocator is set up before any other thread
    /// allocates; the command itself runs on the concurrent executor.
    ///
    /// - Parameter faults: failures and pauses to inject, for tests; the shipped `maskbench` passes none.
    @MainActor
    package static func main(faults: FaultInjection? = nil) async -> Never {
        AllocatorTuning.apply()
        await FaultInjection.$current.withValue(faults) { await MaskBenchCommand.main() }
        Foundation.exit(0)
    }
}

/// The `maskbench` command.
///
/// `main` is written by hand so that exit codes follow the contract the README states: 0 success, 1 a
/// finding (a regression, failed images, an unmet target), 2 a usage or input error (every ``InputProblem``
/// and every argument-parser usage error), 70 an internal error (a bug in MaskBench; never 1, which would
/// read as a finding), 130 stopped by Ctrl-C. argument-parser alone would exit 64 on usage and 1 on any error.
struct MaskBenchCommand: AsyncParsableCommand {
    static let version = "0.1.0"

    static let configuration = CommandConfiguration(
        commandName: "maskbench",
        abstract: "Evaluate face-mask detection pipelines: detector, classifier and the whole pipeline.",
        version: version,
        subcommands: [
            Run.self, Merge.self, Evaluate.self, Validate.self, Sweep.self, Gate.self, BaselineCommand.self,
            ClaimsCommand.self,
            ReportCommand.self,
        ]
    )

    /// The exit code of an internal error: `EX_SOFTWARE` of `sysexits.h`.
    static let internalErrorCode: Int32 = 70

    static func main() async {
        do {
            if let problem = SubcommandProblem.find(in: CommandLine.arguments.dropFirst()) { throw problem }
            var command = try parseAsRoot()
            try FaultInjection.current?.beforeCommand()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch let problem as any InputProblem where problem.isInputProblem {
            fail(problem.description, code: 2)
        } catch let problem as SubcommandProblem {
            FileHandle.standardError.write(Data((UsageMessage.render(problem) + "\n").utf8))
            Foundation.exit(2)
        } catch {
            let code = exitCode(for: error)
            if code == .success || error is ExitCode {
                // --help, --version, and the findings (1) and Ctrl-C (130) the commands chose.
                exit(withError: error)
            }
            if code == .validationFailure {
                // Usage errors: argument-parser's message in the tool's shape, with the exit code of every
                // input problem.
                let message = UsageMessage.render(error)
                if !message.isEmpty { FileHandle.standardError.write(Data((message + "\n").utf8)) }
                Foundation.exit(2)
            }
            fail(
                "internal error: \(error)\nThis is a bug in maskbench \(version); please report it with the command that"
                    + " gave it.", code: internalErrorCode)
        }
    }

    /// Prints `error: message` on standard error and exits with `code`.
    static func fail(_ message: String, code: Int32) -> Never {
        FileHandle.standardError.write(Data("error: \(TerminalText.escaped(message))\n".utf8))
        Foundation.exit(code)
    }
}

/// An input problem found by the command itself (not by a reader), such as a flag whose value names a file
/// that cannot be used.
struct InputError: InputProblem {
    var location: FileLocation?
    var message: String

    init(_ message: String, location: FileLocation? = nil) {
        self.message = message
        self.location = location
    }
}
