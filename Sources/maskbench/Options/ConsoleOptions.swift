import ArgumentParser
import Foundation
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
    /// `MASKBENCH_INJECT_FAULT=pause:STEP` (`staged`, `committed`, `moved NAME`) makes the command stop at that
    /// step of writing its outputs, saying so on standard error, until a signal ends it; `fail:STEP` throws an
    /// internal error there. Tests use them to kill a command at each point of the swap.
    /// - Throws: ``MaskBenchFiles/OutputError`` when another command holds the folder (without `--wait`) or
    ///   the folder cannot be made or locked.
    func claim(default fallback: String = "Reports/latest", quiet: Bool = false) throws -> OutputFolder {
        let path = folder(default: fallback)
        let folder = try OutputFolder.claim(path, waiting: wait) { holder in
            guard !quiet else { return }
            let who = holder.map { "maskbench (pid \($0))" } ?? "another maskbench"
            FileHandle.standardError.write(Data("Waiting for \(who), which is writing into \(path)…\n".utf8))
        }
        if let fault = ProcessInfo.processInfo.environment["MASKBENCH_INJECT_FAULT"] {
            folder.onStep = Self.injecting(fault)
        }
        return folder
    }

    /// The step hook for `MASKBENCH_INJECT_FAULT`'s `pause:STEP` and `fail:STEP`.
    private static func injecting(_ fault: String) -> ((OutputFolder.Step) throws -> Void)? {
        let parts = fault.split(separator: ":", maxSplits: 1).map(String.init)
        guard parts.count == 2, ["pause", "fail"].contains(parts[0]) else { return nil }
        let (action, step) = (parts[0], parts[1])
        return { current in
            guard current.description == step else { return }
            if action == "fail" { throw InjectedStepFault(step: step) }
            FileHandle.standardError.write(Data("maskbench: paused at \(step) (pid \(getpid()))\n".utf8))
            while true { pause() }
        }
    }
}

/// The internal error `MASKBENCH_INJECT_FAULT=fail:STEP` raises at a step of writing the outputs.
private struct InjectedStepFault: Error, CustomStringConvertible {
    var step: String
    var description: String { "fault injected by MASKBENCH_INJECT_FAULT at \(step)" }
}
