import Foundation

/// Prints how long each phase of a command took, for `--timings`.
struct PhaseClock {
    let enabled: Bool
    private var last = DispatchTime.now().uptimeNanoseconds

    init(enabled: Bool) {
        self.enabled = enabled
    }

    mutating func lap(_ phase: String) {
        let now = DispatchTime.now().uptimeNanoseconds
        show(phase, nanoseconds: now - last)
        last = now
    }

    /// Prints phases timed elsewhere (a library call's own laps), then restarts the clock.
    mutating func record(_ phases: [(name: String, nanoseconds: UInt64)]) {
        for phase in phases { show(phase.name, nanoseconds: phase.nanoseconds) }
        last = DispatchTime.now().uptimeNanoseconds
    }

    private func show(_ phase: String, nanoseconds: UInt64) {
        guard enabled else { return }
        let ms = Double(nanoseconds) / 1e6
        FileHandle.standardError.write(Data("timing: \(phase): \(Int(ms.rounded())) ms\n".utf8))
    }
}
