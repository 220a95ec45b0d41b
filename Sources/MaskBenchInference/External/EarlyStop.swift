import Foundation
import Synchronization

/// Stops a run whose worker cannot work at all, instead of restarting it for every image: when the first
/// ``imageCount`` images the workers finish all failed the same way and none succeeded.
///
/// The decision is taken once. A success among the first images, or two failures of different kinds, and the
/// run goes on to the end, every failure listed as usual: a worker that fails on some images is not stopped.
/// "The same way" is the failure's kind (a crash, a hang, a line that is not JSON, …; exiting before reading
/// the request and exiting before answering it are one kind, which of the two is seen depends on timing), and
/// for an answer `{"error": …}` also the worker's text.
final class EarlyStop: Sendable {
    /// How many images must fail the same way, with none succeeding, for the run to stop.
    static let imageCount = 8

    private struct State {
        /// How many of the first images failed, all the same way.
        var failures = 0
        /// The first failure: its image, error and the log of its worker.
        var first: (image: String, error: ExternalWorkerError, log: String)?
        /// Whether the first images were decided: a success, a different failure, or the stop.
        var decided = false
        var stopping = false
    }

    private let state = Mutex(State())
    /// The worker command, for the message.
    private let command: String

    /// Watches a run of the workers `command` starts.
    init(command: String) {
        self.command = command
    }

    /// Whether the run is stopping: workers give up retrying.
    var isStopping: Bool { state.withLock { $0.stopping } }

    /// Records that an image succeeded.
    func succeeded() {
        state.withLock { $0.decided = true }
    }

    /// Records that `image` failed with `error` (its final error, retries done) on the worker logging to `log`.
    ///
    /// - Returns: why the run stops, when this failure is the ``imageCount``-th of the first images, all failed
    ///   the same way; otherwise `nil`.
    func failed(_ error: ExternalWorkerError, image: String, log: String) -> String? {
        state.withLock { state in
            guard !state.decided else { return nil }
            if let first = state.first, Self.way(of: first.error) != Self.way(of: error) {
                state.decided = true
                return nil
            }
            if state.first == nil { state.first = (image, error, log) }
            state.failures += 1
            guard state.failures == Self.imageCount, let first = state.first else { return nil }
            state.decided = true
            state.stopping = true
            return "the first \(Self.imageCount) images all failed the same way, none succeeding: \(first.image): "
                + "\(first.error.message); worker command: \(command); see the worker's log, \(first.log)"
        }
    }

    /// What makes two failures the same.
    private static func way(of error: ExternalWorkerError) -> String {
        switch error.kind {
        case .crashed, .cannotWrite: return "exited"
        case .imageFailed: return "error: " + (error.workerText ?? "")
        default: return error.kind.rawValue
        }
    }
}
