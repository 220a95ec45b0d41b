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
        if enabled {
            let ms = Double(now - last) / 1e6
            FileHandle.standardError.write(Data("timing: \(phase): \(Int(ms.rounded())) ms\n".utf8))
        }
        last = now
    }
}
