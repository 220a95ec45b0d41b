import Foundation
internal import MaskBenchCore
import Synchronization

#if canImport(Glibc)
@preconcurrency import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One running worker process: its standard input to write requests to, its standard output read line by
/// line with a deadline, its standard error read from a pipe into its ``WorkerLog`` (capped).
///
/// Standard error is read whenever MaskBench waits for the worker (a line, its exit), and before a line is
/// returned, so the log holds everything the worker wrote before its answer. A worker that writes more than
/// the pipe holds while MaskBench is not waiting for it waits until MaskBench is.
///
/// The process is started with `posix_spawnp` (no shell), in a process group of its own so that a terminal's
/// Ctrl-C reaches MaskBench only and ``kill()`` also ends anything the worker started (`sh -c` children).
/// Pipes are created close-on-exec so one worker never inherits another's pipe. Reads wait in `poll`; nothing
/// spins. Owned by one thread at a time.
final class WorkerProcess {
    /// What reading a line gave.
    enum LineResult {
        /// A complete line, without its `\n`.
        case line([UInt8])
        /// The worker closed its standard output (usually: it exited).
        case endOfFile
        /// Nothing complete before the deadline.
        case timedOut
        /// A line longer than the cap; the start of it.
        case oversized(prefix: [UInt8])
    }

    /// The process id.
    let pid: pid_t
    private let input: Int32
    private let output: Int32
    /// The read end of the worker's standard error, non-blocking; -1 once it reached its end.
    private var errors: Int32
    private let log: WorkerLog
    private var buffer: [UInt8] = []
    /// Where in ``buffer`` the search for `\n` resumes.
    private var scanned = 0
    private var reaped: Int32?
    private var inputOpen = true
    private let maxLineBytes: Int
    private static let spawnLock = NSLock()

    /// Starts `arguments[0]` (looked up in `PATH`) with `arguments`.
    ///
    /// - Parameters:
    ///   - arguments: the program and its arguments.
    ///   - environment: the environment, as `NAME=value` strings.
    ///   - log: where standard error goes.
    ///   - maxLineBytes: the longest line ``readLine(deadline:)`` accepts.
    /// - Throws: ``ExternalWorkerError`` (``ExternalWorkerError/Kind/cannotStart``) naming the program and
    ///   the system's reason. The corresponding C function is `posix_spawnp`.
    init(arguments: [String], environment: [String], log: WorkerLog, maxLineBytes: Int) throws {
        self.maxLineBytes = maxLineBytes
        self.log = log
        let program = arguments[0]
        func failure(_ call: String, _ code: Int32) -> ExternalWorkerError {
            ExternalWorkerError(.cannotStart, "cannot start '\(program)': \(call): \(String(cString: strerror(code)))")
        }
        // pipe2 is not visible from Swift here: pipe + FD_CLOEXEC, and no other worker spawns in between, so
        // no child inherits another worker's pipe.
        Self.spawnLock.lock()
        defer { Self.spawnLock.unlock() }
        // A worker that exits makes the next request's `write` fail with EPIPE instead of killing MaskBench.
        signal(SIGPIPE, SIG_IGN)
        var toChild: [Int32] = [-1, -1]
        var fromChild: [Int32] = [-1, -1]
        var errorsFromChild: [Int32] = [-1, -1]
        guard pipe(&toChild) == 0 else { throw failure("pipe", errno) }
        guard pipe(&fromChild) == 0, pipe(&errorsFromChild) == 0 else {
            let code = errno
            for descriptor in toChild + fromChild + errorsFromChild where descriptor >= 0 { close(descriptor) }
            throw failure("pipe", code)
        }
        for descriptor in toChild + fromChild + errorsFromChild { _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC) }
        _ = fcntl(errorsFromChild[0], F_SETFL, fcntl(errorsFromChild[0], F_GETFL) | O_NONBLOCK)
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        // dup2 onto 0, 1, 2 clears close-on-exec on the copies only.
        posix_spawn_file_actions_adddup2(&actions, toChild[0], 0)
        posix_spawn_file_actions_adddup2(&actions, fromChild[1], 1)
        posix_spawn_file_actions_adddup2(&actions, errorsFromChild[1], 2)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // A process group of its own; signals MaskBench ignores (SIGPIPE, SIGINT) back to their defaults.
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGPIPE, SIGINT, SIGTERM, SIGQUIT] { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        posix_spawnattr_setpgroup(&attributes, 0)
        posix_spawnattr_setflags(
            &attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))

        let argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        let envp: [UnsafeMutablePointer<CChar>?] = environment.map { strdup($0) } + [nil]
        defer {
            for pointer in argv { free(pointer) }
            for pointer in envp { free(pointer) }
        }
        var child: pid_t = 0
        let status = posix_spawnp(&child, program, &actions, &attributes, argv, envp)
        close(toChild[0])
        close(fromChild[1])
        close(errorsFromChild[1])
        guard status == 0 else {
            close(toChild[1])
            close(fromChild[0])
            close(errorsFromChild[0])
            throw failure("posix_spawnp", status)
        }
        pid = child
        input = toChild[1]
        output = fromChild[0]
        errors = errorsFromChild[0]
        Self.running.withLock { _ = $0.insert(child) }
    }

    /// Every worker started and not yet reaped, for ``killAll()``.
    private static let running = Mutex(Set<pid_t>())

    /// Kills every running worker's process group: for a second Ctrl-C, which exits without waiting.
    static func killAll() {
        for pid in running.withLock({ $0 }) { Glibc.kill(-pid, SIGKILL) }
    }

    deinit {
        kill()
        closeInput()
        close(output)
        if errors >= 0 { close(errors) }
    }

    private func closeInput() {
        if inputOpen { close(input) }
        inputOpen = false
    }

    // MARK: - Talking

    /// Writes `bytes` (one request line, `\n` included) to the worker's standard input.
    ///
    /// - Returns: `nil`, or the system's reason when the worker no longer reads (it exited: `EPIPE`).
    ///   The corresponding C function is `write`.
    func write(_ bytes: [UInt8]) -> String? {
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { Glibc.write(input, $0.baseAddress, $0.count) }
            if written < 0 {
                if errno == EINTR { continue }
                return String(cString: strerror(errno))
            }
            offset += written
        }
        return nil
    }

    /// Whether a complete line is already buffered (read but not yet returned).
    var hasBufferedLine: Bool {
        buffer[scanned...].contains(UInt8(ascii: "\n"))
    }

    /// Moves what the worker wrote on standard error so far into its log, without waiting.
    ///
    /// The corresponding C function is `read`.
    private func readErrors() {
        guard errors >= 0 else { return }
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = chunk.withUnsafeMutableBytes { Glibc.read(errors, $0.baseAddress, $0.count) }
            if count > 0 {
                chunk.withUnsafeBytes { log.append(UnsafeRawBufferPointer(rebasing: $0[..<count])) }
                continue
            }
            if count < 0 && errno == EINTR { continue }
            if count < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) { return }
            // The end (every writer gone), or an error reading: nothing more comes.
            close(errors)
            errors = -1
            return
        }
    }

    /// The next line of the worker's standard output, waiting at most until `deadline`; meanwhile, what the
    /// worker writes on standard error goes to its log.
    ///
    /// The corresponding C functions are `poll` and `read`.
    func readLine(deadline: DispatchTime) -> LineResult {
        readErrors()
        while true {
            if let newline = buffer[scanned...].firstIndex(of: UInt8(ascii: "\n")) {
                var line = Array(buffer[..<newline])
                buffer.removeSubrange(...newline)
                scanned = 0
                if line.last == UInt8(ascii: "\r") { line.removeLast() }
                return .line(line)
            }
            scanned = buffer.count
            if buffer.count > maxLineBytes { return .oversized(prefix: Array(buffer.prefix(200))) }
            let now = DispatchTime.now().uptimeNanoseconds
            guard deadline.uptimeNanoseconds > now else { return .timedOut }
            let milliseconds = Int32(min(Int64(deadline.uptimeNanoseconds - now) / 1_000_000 + 1, 60_000))
            // A negative descriptor (standard error at its end) is left out by poll.
            var descriptors = [
                pollfd(fd: output, events: Int16(POLLIN), revents: 0),
                pollfd(fd: errors, events: Int16(POLLIN), revents: 0),
            ]
            let ready = poll(&descriptors, 2, milliseconds)
            if ready < 0 {
                if errno == EINTR { continue }
                return .endOfFile
            }
            // Standard error first: what the worker wrote there before its answer is in the log before it.
            if descriptors[1].revents != 0 { readErrors() }
            if descriptors[0].revents == 0 { continue }
            var chunk = [UInt8](repeating: 0, count: 1 << 16)
            let count = chunk.withUnsafeMutableBytes { Glibc.read(output, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR || errno == EAGAIN { continue }
                return .endOfFile
            }
            if count == 0 {
                readErrors()
                if buffer.isEmpty { return .endOfFile }
                // A last line without `\n`: hand it over, then report the end.
                let line = buffer
                buffer = []
                scanned = 0
                return .line(line)
            }
            buffer.append(contentsOf: chunk[..<count])
        }
    }

    // MARK: - Ending

    /// Waits up to `timeout` seconds for the worker to exit by itself; `nil` if it is still running.
    ///
    /// The corresponding C function is `waitpid`.
    func waitForExit(timeout: Double) -> Int32? {
        if let reaped { return reaped }
        let end = DispatchTime.now().uptimeNanoseconds + UInt64(max(0, timeout) * 1e9)
        while true {
            // A worker writing on standard error as it ends must not wait for MaskBench to read it.
            readErrors()
            var status: Int32 = 0
            let result = waitpid(pid, &status, WNOHANG)
            if result == pid || (result < 0 && errno == ECHILD) {
                reaped = status
                Self.running.withLock { _ = $0.remove(pid) }
                readErrors()
                return status
            }
            if DispatchTime.now().uptimeNanoseconds >= end { return nil }
            usleep(10_000)
        }
    }

    /// Closes the worker's standard input (its signal to finish), waits up to `grace` seconds, then kills it.
    func finish(grace: Double) {
        closeInput()
        if waitForExit(timeout: grace) == nil { kill() }
    }

    /// Kills the worker's process group with `SIGKILL`, reaps the worker and logs what it wrote on standard
    /// error.
    func kill() {
        guard reaped == nil else { return }
        Glibc.kill(-pid, SIGKILL)
        Glibc.kill(pid, SIGKILL)
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        reaped = status
        Self.running.withLock { _ = $0.remove(pid) }
        readErrors()
    }

    /// How the worker ended, as `exited with status 3` or `was killed by signal 9 (Killed)`; `nil` while
    /// it runs.
    var exitDescription: String? {
        guard let status = reaped ?? waitForExit(timeout: 0) else { return nil }
        let signal = status & 0x7F
        if signal == 0 { return "exited with status \((status >> 8) & 0xFF)" }
        return "was killed by signal \(signal) (\(String(cString: strsignal(signal))))"
    }
}
