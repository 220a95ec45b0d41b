import Foundation
internal import MaskBenchCore
import Synchronization

#if canImport(Glibc)
@preconcurrency import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Shows how a run advances, on standard error.
///
/// On a terminal: one line redrawn in place (at most ten times a second) with a bar, images done, images per
/// second and the time left. Otherwise (a log, CI): a plain line every tenth of the images or every 10 seconds,
/// whichever comes first, so logs stay short.
package final class RunProgress: Sendable {
    private struct State: Sendable {
        var total = 0
        var done = 0
        var failed = 0
        var started: UInt64 = 0
        var lastDraw: UInt64 = 0
        var lastPlainCount = 0
        var drewBar = false
    }

    private let state = Mutex(State())
    private let isTerminal: Bool
    private let write: @Sendable (String) -> Void

    /// Creates a display.
    ///
    /// - Parameters:
    ///   - isTerminal: redraw one line in place; by default, whether standard error is a terminal.
    ///   - write: where text goes; by default, standard error.
    package init(
        isTerminal: Bool = isatty(STDERR_FILENO) == 1,
        write: @escaping @Sendable (String) -> Void = { FileHandle.standardError.write(Data($0.utf8)) }
    ) {
        self.isTerminal = isTerminal
        self.write = write
    }

    /// Called once before the first image.
    func start(total: Int, cached: Int, failedBefore: Int) {
        state.withLock { state in
            let now = DispatchTime.now().uptimeNanoseconds
            state.total = total
            state.started = now
            state.lastDraw = now
        }
        var line = "Running \(total) image\(total == 1 ? "" : "s")"
        if cached > 0 { line += " (\(cached) already cached)" }
        if failedBefore > 0 { line += " (\(failedBefore) unreadable)" }
        write(line + "\n")
    }

    /// Called when the workers are ready: images per second count from here, not from model loading.
    func workersReady() {
        state.withLock { state in
            let now = DispatchTime.now().uptimeNanoseconds
            state.started = now
            state.lastDraw = now
        }
    }

    /// Called after each image.
    func advance(failed: Bool) {
        let text: String? = state.withLock { state in
            // Read under the lock: a clock read before it could be older than the `lastDraw` another worker
            // set meanwhile, and the unsigned difference would trap.
            let now = DispatchTime.now().uptimeNanoseconds
            state.done += 1
            if failed { state.failed += 1 }
            if isTerminal {
                guard now - state.lastDraw >= 100_000_000 || state.done == state.total else { return nil }
                state.lastDraw = now
                state.drewBar = true
                return "\r" + Self.bar(state, now: now) + "\u{1B}[K"
            }
            let step = max(1, state.total / 10)
            guard
                state.done - state.lastPlainCount >= step || now - state.lastDraw >= 10_000_000_000
                    || state.done == state.total
            else { return nil }
            state.lastDraw = now
            state.lastPlainCount = state.done
            return Self.summary(state, now: now) + "\n"
        }
        if let text { write(text) }
    }

    /// Called once at the end.
    func finish(interrupted: Bool) {
        let text: String = state.withLock { state in
            let now = DispatchTime.now().uptimeNanoseconds
            var text = state.drewBar ? "\n" : ""
            if interrupted { text += "Stopped: " + Self.summary(state, now: now) + "\n" }
            return text
        }
        if !text.isEmpty { write(text) }
    }

    private static func rate(_ state: State, now: UInt64) -> Double {
        let seconds = Double(now - state.started) / 1e9
        return seconds > 0 ? Double(state.done) / seconds : 0
    }

    private static func summary(_ state: State, now: UInt64) -> String {
        let rate = rate(state, now: now)
        var text = "\(state.done)/\(state.total) images, \(String(format: "%.1f", rate)) images/s"
        if state.failed > 0 { text += ", \(state.failed) failed" }
        if rate > 0, state.done < state.total {
            text += ", about \(duration(Double(state.total - state.done) / rate)) left"
        }
        return text
    }

    private static func bar(_ state: State, now: UInt64) -> String {
        let width = 30
        let filled = state.total > 0 ? width * state.done / state.total : width
        return "[" + String(repeating: "#", count: filled) + String(repeating: " ", count: width - filled) + "] "
            + summary(state, now: now)
    }

    /// `42 s`, `3 min 05 s`, `1 h 02 min`.
    static func duration(_ seconds: Double) -> String {
        let total = Int(seconds.rounded(.up))
        if total < 60 { return "\(total) s" }
        if total < 3600 { return "\(total / 60) min \(String(format: "%02d", total % 60)) s" }
        return "\(total / 3600) h \(String(format: "%02d", (total % 3600) / 60)) min"
    }
}
