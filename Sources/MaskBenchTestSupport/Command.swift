import Foundation

/// Runs the built `maskbench` executable, as a user would.
public enum Command {
    /// What a run printed and how it exited.
    public struct Result: Sendable {
        public var status: Int32
        public var stdout: String
        public var stderr: String
    }

    /// The folder the build products (and so `maskbench`) are in: the test bundle's folder.
    public static let productsDirectory: URL = {
        for bundle in Bundle.allBundles where bundle.bundlePath.hasSuffix(".xctest") {
            return bundle.bundleURL.deletingLastPathComponent()
        }
        return Bundle.main.bundleURL
    }()

    /// Runs `maskbench arguments…` in `directory` (default: the package root) and waits for it.
    ///
    /// - Parameters:
    ///   - environment: variables set (or, when empty, removed) on top of this process's environment.
    ///   - executable: the program of the build products to run: `maskbench`, or the test-only
    ///     `maskbench-fault-harness`, which is `maskbench` with `MASKBENCH_INJECT_FAULT` read.
    ///   - hangGuard: seconds after which the command is killed with `SIGKILL` (its status is then 9 and its
    ///     standard error says so); a guard against a test that would hang, never a timing check.
    public static func maskbench(
        _ arguments: [String], in directory: URL? = nil, environment: [String: String] = [:],
        executable: String = "maskbench", hangGuard: Double? = nil
    ) throws -> Result {
        let process = Process()
        process.executableURL = productsDirectory.appendingPathComponent(executable)
        process.arguments = arguments
        process.currentDirectoryURL = directory ?? Fixtures.packageRoot
        if !environment.isEmpty {
            var merged = ProcessInfo.processInfo.environment
            for (name, value) in environment { merged[name] = value.isEmpty ? nil : value }
            process.environment = merged
        }
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let guardTimer = hangGuard.map { seconds in
            let timer = DispatchSource.makeTimerSource(queue: .global())
            let pid = process.processIdentifier
            timer.setEventHandler { kill(pid, SIGKILL) }
            timer.schedule(deadline: .now() + seconds)
            timer.resume()
            return timer
        }
        // Read both pipes before waiting, so a large output cannot fill a pipe and stall the child.
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guardTimer?.cancel()
        var stderr = String(decoding: errData, as: UTF8.self)
        if let hangGuard, process.terminationReason == .uncaughtSignal, process.terminationStatus == SIGKILL {
            stderr += "[killed by the test's hang guard after \(hangGuard) s]\n"
        }
        return Result(
            status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self), stderr: stderr)
    }

    /// A new empty temporary folder, inside the test process's own folder, which goes when the process exits.
    public static func temporaryDirectory() throws -> URL {
        let url = processTemporaryDirectory.appendingPathComponent(UUID().uuidString)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// `maskbench-tests-PID` in the system's temporary folder: every ``temporaryDirectory()`` of this process is
    /// in it, and it is removed at exit, so a test run leaves nothing behind in `/tmp` (a crashed run leaves
    /// its one folder).
    static let processTemporaryDirectory: URL = {
        atexit {
            try? FileManager.default.removeItem(at: Command.processFolder(getpid()))
        }
        return processFolder(getpid())
    }()

    private static func processFolder(_ pid: pid_t) -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("maskbench-tests-\(pid)")
    }
}
