import Foundation
internal import MaskBenchCore
import Synchronization

#if canImport(Glibc)
@preconcurrency import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One running worker process: its standard input to write requests to, its standard output read line by
/// line with a deadline, its standard error appended to a log file.
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
    ///   - logPath: the file standard error is appended to (created when missing).
    ///   - maxLineBytes: the longest line ``readLine(deadline:)`` accepts.
    /// - Throws: ``ExternalWorkerError`` (``ExternalWorkerError/Kind/cannotStart``) naming the program and
    ///   the system's reason. The corresponding C function is `posix_spawnp`.
    init(arguments: [String], environment: [String], logPath: String, maxLineBytes: Int) throws {
        self.maxLineBytes = maxLineBytes
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
        let log = open(logPath, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOFOLLOW, 0o644)
        guard log >= 0 else { throw failure("cannot open the log \(logPath)", errno) }
        defer { close(log) }
        var toChild: [Int32] = [-1, -1]
        var fromChild: [Int32] = [-1, -1]
        guard pipe(&toChild) == 0 else { throw failure("pipe", errno) }
        guard pipe(&fromChild) == 0 else {
            let code = errno
            close(toChild[0])
            close(toChild[1])
            throw failure("pipe", code)
        }
        for descriptor in toChild + fromChild { _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        // dup2 onto 0, 1, 2 clears close-on-exec on the copies only.
        posix_spawn_file_actions_adddup2(&actions, toChild[0], 0)
        posix_spawn_file_actions_adddup2(&actions, fromChild[1], 1)
        posix_spawn_file_actions_adddup2(&actions, log, 2)
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
        guard status == 0 else {
            close(toChild[1])
            close(fromChild[0])
            throw failure("posix_spawnp", status)
        }
        pid = child
        input = toChild[1]
        output = fromChild[0]
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

    /// The next line of the worker's standard output, waiting at most until `deadline`.
    ///
    /// The corresponding C functions are `poll` and `read`.
    func readLine(deadline: DispatchTime) -> LineResult {
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
            var descriptor = pollfd(fd: output, events: Int16(POLLIN), revents: 0)
            let ready = poll(&descriptor, 1, milliseconds)
            if ready < 0 {
                if errno == EINTR { continue }
                return .endOfFile
            }
            if ready == 0 { continue }
            var chunk = [UInt8](repeating: 0, count: 1 << 16)
            let count = chunk.withUnsafeMutableBytes { Glibc.read(output, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR || errno == EAGAIN { continue }
                return .endOfFile
            }
            if count == 0 {
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
            var status: Int32 = 0
            let result = waitpid(pid, &status, WNOHANG)
            if result == pid || (result < 0 && errno == ECHILD) {
                reaped = status
                Self.running.withLock { _ = $0.remove(pid) }
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

    /// Kills the worker's process group with `SIGKILL` and reaps the worker.
    func kill() {
        guard reaped == nil else { return }
        Glibc.kill(-pid, SIGKILL)
        Glibc.kill(pid, SIGKILL)
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        reaped = status
        Self.running.withLock { _ = $0.remove(pid) }
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
