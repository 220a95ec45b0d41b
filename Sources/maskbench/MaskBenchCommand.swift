import ArgumentParser
import Foundation
import MaskBenchFiles
import MaskBenchFormats
import MaskBenchGate
import MaskBenchImaging
import MaskBenchInference
import MaskBenchReport

/// The `maskbench` command.
///
/// `main` is written by hand so that exit codes follow the gate's contract: 0 success, 1 a finding
/// (a regression, failed images), 2 a usage or input error. argument-parser alone would exit 64 on usage.
@main
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

    static func main() async {
        AllocatorTuning.apply()
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch let error as FormatError {
            Self.fail(error.description)
        } catch let error as GateError {
            Self.fail(error.description)
        } catch let error as ReportError {
            Self.fail(error.description)
        } catch let error as InputError {
            Self.fail(error.description)
        } catch let error as ClaimsError {
            Self.fail(error.description)
        } catch let error as InferenceError {
            // A missing or altered model, a network that cannot be loaded: before any image is read.
            Self.fail(error.description)
        } catch let error as ImagingError {
            Self.fail(error.description)
        } catch {
            let code = exitCode(for: error)
            if code == .success || code.rawValue == 1 {
                exit(withError: error)
            }
            // Usage errors: argument-parser's message, but the gate's exit code 2.
            let message = fullMessage(for: error)
            if !message.isEmpty { FileHandle.standardError.write(Data((message + "\n").utf8)) }
            Foundation.exit(2)
        }
    }

    static func fail(_ message: String) -> Never {
        FileHandle.standardError.write(Data("error: \(message)\n".utf8))
        Foundation.exit(2)
    }
}

/// An input problem found by the command itself (not by a reader).
struct InputError: Error, CustomStringConvertible {
    var description: String

    init(_ description: String) {
        self.description = description
    }
}
