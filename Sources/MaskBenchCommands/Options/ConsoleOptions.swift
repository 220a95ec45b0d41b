import ArgumentParser
import Foundation
import MaskBenchCore
import MaskBenchFiles

/// What a command prints on the terminal, the same flags for every command: `--quiet` and `--timings`.
struct ConsoleOptions: ParsableArguments {
    @Flag(help: "Print nothing but errors (sweep still prints the points its targets chose).")
    var quiet = false

    @Flag(help: "Print how long each phase took, on standard error.")
    var timings = false

    /// A clock that laps phases when `--timings` is given.
    func clock() -> PhaseClock { PhaseClock(enabled: timings) }
}

/// `--no-report`, for the commands that write an evaluation's set (`evaluate`, `run`, `merge`).
struct ReportOptions: ParsableArguments {
    @Flag(
        name: .customLong("no-report"),
        help: "Skip the report (index.html, charts, boxes.csv, extras.csv); `maskbench report` cannot re-render it.")
    var noReport = false

    /// Whether to write the report.
    var wanted: Bool { !noReport }
}

/// Where a command writes its outputs: `--out`, for every command that writes a folder, and `--wait`.
struct OutputFolderOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "Output folder (default: Reports/latest; for `report`, the folder of --metrics).", valueName: "DIR"))
    var out: String?

    @Flag(help: "When another maskbench is writing into the output folder, wait for it instead of exiting with 2.")
    var wait = false

    /// The folder `--out` names, or `fallback`.
    func folder(default fallback: String = "Reports/latest") -> String { out ?? fallback }

    /// Claims the output folder (``folder(default:)``) for this command: see ``MaskBenchFiles/OutputFolder``.
    ///
    /// The folder's steps of writing a set go to ``FaultInjection/outputStep``, when a test injects faults.
    /// - Throws: ``MaskBenchFiles/OutputError`` when another command holds the folder (without `--wait`) or
    ///   the folder cannot be made or locked.
    func claim(default fallback: String = "Reports/latest", quiet: Bool = false) throws -> OutputFolder {
        let path = folder(default: fallback)
        let folder = try OutputFolder.claim(path, waiting: wait) { holder in
            guard !quiet else { return }
            let who = holder.map { "maskbench (pid \($0))" } ?? "another maskbench"
            FileHandle.standardError.write(Data("Waiting for \(who), which is writing into \(path)…\n".utf8))
        }
        folder.onStep = FaultInjection.current?.outputStep
        return folder
    }
}

/// Prints `text` on standard output as `print` does, with control characters escaped (``TerminalText``):
/// what a command prints may quote its inputs (image and file names, labels, pipeline names, values from a
/// baseline or a metrics.json), and none of it may drive the terminal.
func printEscaped(_ text: String, terminator: String = "\n") {
    print(TerminalText.escaped(text), terminator: terminator)
}
