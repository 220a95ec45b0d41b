import Dispatch
import Foundation
internal import MaskBenchCore
import Synchronization

#if canImport(Glibc)
@preconcurrency import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Turns the first Ctrl-C (`SIGINT`) into a ``RunStop`` request, so that a run stops after the images in
/// progress and keeps what is done; a second Ctrl-C kills the external workers and exits at once with status
/// 130 (what is cached stays).
package final class InterruptTrap {
    private let source: any DispatchSourceSignal
    /// How many times Ctrl-C was pressed; a class, so the signal handler shares it.
    private final class Presses: Sendable {
        let count = Mutex(0)
    }

    private let presses = Presses()

    /// Starts catching `SIGINT` for `stop`.
    ///
    /// - Parameter notice: printed on standard error at the first Ctrl-C.
    package init(stop: RunStop, notice: String) {
        signal(SIGINT, SIG_IGN)
        source = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
        let presses = self.presses
        source.setEventHandler {
            let count = presses.count.withLock { count in
                count += 1
                return count
            }
            if count == 1 {
                stop.request()
                FileHandle.standardError.write(Data("\n\(notice)\n".utf8))
            } else {
                WorkerProcess.killAll()
                _exit(130)
            }
        }
        source.resume()
    }

    /// Stops catching `SIGINT`; it terminates the process again.
    package func cancel() {
        source.cancel()
        signal(SIGINT, SIG_DFL)
    }
}
