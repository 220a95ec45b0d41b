// `maskbench` for tests, never shipped: the same entry point, with faults read from `MASKBENCH_INJECT_FAULT`.
//
// - `internal`: the command fails with an internal error (a bug), after its command line is parsed.
// - `fail:STEP`: an internal error at that step of writing the outputs: `staged`, `committed` or `moved NAME`
//   (``OutputFolder/Step``).
// - `pause:STEP`: at that step, prints `maskbench: paused at STEP (pid PID)` on standard error and waits until a
//   signal ends the process; tests kill it there to check what a killed command leaves behind.
import Foundation
import MaskBenchCommands
import MaskBenchFiles

/// An internal error injected at `point`.
struct InjectedFault: Error, CustomStringConvertible {
    var point: String?
    var description: String { "fault injected by MASKBENCH_INJECT_FAULT" + (point.map { " at \($0)" } ?? "") }
}

/// The faults `MASKBENCH_INJECT_FAULT`'s value names; none for an empty or unknown value.
func faults(_ value: String) -> FaultInjection? {
    if value == "internal" { return FaultInjection(beforeCommand: { throw InjectedFault() }) }
    let parts = value.split(separator: ":", maxSplits: 1).map(String.init)
    guard parts.count == 2, ["pause", "fail"].contains(parts[0]) else { return nil }
    let (action, step) = (parts[0], parts[1])
    return FaultInjection(outputStep: { current in
        guard current.description == step else { return }
        if action == "fail" { throw InjectedFault(point: step) }
        FileHandle.standardError.write(Data("maskbench: paused at \(step) (pid \(getpid()))\n".utf8))
        while true { pause() }
    })
}

await MaskBenchProgram.main(faults: faults(ProcessInfo.processInfo.environment["MASKBENCH_INJECT_FAULT"] ?? ""))
