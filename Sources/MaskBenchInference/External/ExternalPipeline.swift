internal import Crypto
import Foundation
internal import MaskBenchCore
import Synchronization

/// A pipeline run by an external program that speaks ``WorkerProtocol`` over its standard input and output.
///
/// ``start(_:)`` launches the first worker to read its handshake (name, model fingerprint), so that the
/// pipeline's ``fingerprint`` is known before any image: the cache is consulted first, and that worker is then
/// handed to the runner as worker 0 instead of being started twice.
package struct ExternalPipeline: PipelineDefinition {
    /// How to start and talk to the workers.
    package struct Configuration: Sendable, Hashable {
        /// The command line, split into arguments without a shell (see ``shell``).
        package var command: String
        /// Run the command through `/bin/sh -c`, for pipes, variables or `cd … &&`.
        package var shell: Bool
        /// Seconds a worker may take to answer one image before it is killed and restarted.
        package var timeout: Double
        /// Seconds a worker may take to print its handshake (loading TensorFlow takes a while).
        package var startupTimeout: Double
        /// How many times an image is retried on a restarted worker after a crash, hang or garbled answer.
        package var retries: Int
        /// The folder of the workers' standard-error logs, `worker-1.log`, `worker-2.log`, ….
        package var logDirectory: String
        /// The longest answer line accepted, in bytes.
        package var maxLineBytes: Int

        /// Creates a configuration.
        package init(
            command: String,
            logDirectory: String,
            shell: Bool = false,
            timeout: Double = 60,
            startupTimeout: Double = 300,
            retries: Int = 1,
            maxLineBytes: Int = 16 << 20
        ) {
            self.command = command
            self.logDirectory = logDirectory
            self.shell = shell
            self.timeout = timeout
            self.startupTimeout = startupTimeout
            self.retries = retries
            self.maxLineBytes = maxLineBytes
        }

        /// The program and arguments to start.
        func arguments() throws -> [String] {
            shell ? ["/bin/sh", "-c", command] : try CommandLineSplitter.split(command)
        }
    }

    /// The configuration.
    package let configuration: Configuration
    /// What the first worker announced.
    package let handshake: WorkerProtocol.Handshake
    /// Restarts and other worker incidents, for the run's report.
    package let events: WorkerEvents
    /// Stops the run when the first images all fail the same way.
    private let earlyStop: EarlyStop
    private let spare: SpareConnection

    package var name: String { handshake.name }

    /// `external:NAME:FINGERPRINT` when the worker announces a model fingerprint; otherwise
    /// `external:NAME:command-sha256:…` of the command line, so that changing the command invalidates cached
    /// results (and changing the model behind an unchanged command does not: announce a fingerprint).
    package var fingerprint: String {
        if let model = handshake.fingerprint { return "external:\(handshake.name):\(model)" }
        let digest = SHA256.hash(data: Data("\(configuration.shell ? "sh" : "exec")\u{0}\(configuration.command)".utf8))
        return "external:\(handshake.name):command-sha256:" + digest.map { String(format: "%02x", $0) }.joined()
    }

    /// Starts the first worker and reads its handshake.
    ///
    /// - Throws: ``ExternalWorkerError`` when the command cannot start or its handshake is missing, late or
    ///   invalid; the message points at the worker's log.
    package static func start(_ configuration: Configuration) throws -> ExternalPipeline {
        let first = try WorkerConnection.launch(
            configuration, index: 0, log: try WorkerLog.open(configuration, index: 0), expected: nil)
        return ExternalPipeline(configuration: configuration, handshake: first.handshake, spare: SpareConnection(first))
    }

    private init(configuration: Configuration, handshake: WorkerProtocol.Handshake, spare: SpareConnection) {
        self.configuration = configuration
        self.handshake = handshake
        self.spare = spare
        events = WorkerEvents()
        earlyStop = EarlyStop(command: configuration.command)
    }

    package func makeWorker(index: Int) throws -> any PipelineWorker {
        let connection: WorkerConnection
        if index == 0, let first = spare.take() {
            connection = first
        } else {
            connection = try WorkerConnection.launch(
                configuration, index: index, log: try WorkerLog.open(configuration, index: index), expected: handshake)
        }
        return ExternalWorker(
            configuration: configuration, index: index, connection: connection, events: events, earlyStop: earlyStop)
    }

    /// Ends the first worker if no runner took it (every image was cached).
    package func shutdown() {
        spare.take()?.process.finish(grace: 2)
    }
}

/// Incidents of a run's workers (restarts and their reasons, late answers), gathered from every worker thread.
///
/// At most ``limit`` are kept, then only counted: a worker that repeats an old answer without end costs no
/// memory.
package final class WorkerEvents: Sendable {
    /// The most incidents kept.
    static let limit = 100_000
    private let entries = Mutex<(kept: [String], dropped: Int)>(([], 0))

    /// Creates an empty log.
    package init() {}

    /// Adds one incident.
    func record(_ message: String) {
        entries.withLock {
            if $0.kept.count < Self.limit { $0.kept.append(message) } else { $0.dropped += 1 }
        }
    }

    /// Every incident kept so far, in the order recorded, and a last line counting those not kept.
    package var all: [String] {
        entries.withLock { $0.kept + ($0.dropped > 0 ? ["… \($0.dropped) more incidents, not kept"] : []) }
    }
}

/// The first worker, kept between ``ExternalPipeline/start(_:)`` and the runner's `makeWorker(index: 0)`.
///
/// `@unchecked Sendable` is safe: the connection is only reached through `lock`, and it is handed out once,
/// after which only the thread that took it uses it.
private final class SpareConnection: @unchecked Sendable {
    private let lock = NSLock()
    private var connection: WorkerConnection?

    init(_ connection: WorkerConnection) {
        self.connection = connection
    }

    @discardableResult
    func take() -> WorkerConnection? {
        lock.lock()
        defer { lock.unlock() }
        let taken = connection
        connection = nil
        return taken
    }
}

/// A started worker process that has sent a valid handshake.
final class WorkerConnection {
    let process: WorkerProcess
    let handshake: WorkerProtocol.Handshake
    /// `worker 2 (pid 4711)`, for messages.
    let label: String
    /// The log its standard error goes to.
    let log: WorkerLog
    /// The first request id sent to this process; an answer below it is from nothing this process was asked.
    var firstID: Int?

    private init(process: WorkerProcess, handshake: WorkerProtocol.Handshake, label: String, log: WorkerLog) {
        self.process = process
        self.handshake = handshake
        self.label = label
        self.log = log
    }

    /// Starts worker number `index`, its standard error going to `log`, and reads its handshake.
    ///
    /// - Parameter expected: the handshake the first worker gave; every worker must give the same.
    static func launch(
        _ configuration: ExternalPipeline.Configuration,
        index: Int,
        log: WorkerLog,
        expected: WorkerProtocol.Handshake?
    ) throws -> WorkerConnection {
        let logPath = log.path
        var environment = ProcessInfo.processInfo.environment
        environment["PYTHONUNBUFFERED"] = "1"
        environment["MASKBENCH_WORKER_INDEX"] = String(index + 1)
        environment["MASKBENCH_PROTOCOL_VERSION"] = String(WorkerProtocol.version)
        let process = try WorkerProcess(
            arguments: try configuration.arguments(),
            environment: environment.map { "\($0.key)=\($0.value)" }.sorted(),
            log: log,
            maxLineBytes: configuration.maxLineBytes
        )
        let label = "worker \(index + 1) (pid \(process.pid))"
        let seeLog = "; see \(logPath)"
        let deadline = DispatchTime.now() + configuration.startupTimeout
        let line: [UInt8]
        switch process.readLine(deadline: deadline) {
        case .line(let bytes):
            line = bytes
        case .timedOut:
            process.kill()
            throw ExternalWorkerError(
                .badHandshake,
                "\(label) sent no handshake within \(configuration.startupTimeout) s (--startup-timeout)\(seeLog)")
        case .endOfFile:
            _ = process.waitForExit(timeout: 1)
            let how = process.exitDescription ?? "closed its standard output"
            process.kill()
            throw ExternalWorkerError(.badHandshake, "\(label) \(how) before sending its handshake\(seeLog)")
        case .oversized(let prefix):
            process.kill()
            throw ExternalWorkerError(
                .badHandshake,
                "\(label): handshake line longer than \(formatBytes(configuration.maxLineBytes)), starting \(WorkerProtocol.excerpt(prefix))"
            )
        }
        let handshake: WorkerProtocol.Handshake
        do {
            handshake = try WorkerProtocol.decodeHandshake(line, worker: label)
        } catch let error as ExternalWorkerError {
            process.kill()
            throw ExternalWorkerError(error.kind, error.message + seeLog)
        }
        if let expected, expected != handshake {
            process.kill()
            throw ExternalWorkerError(
                .badHandshake,
                "\(label) announced \(handshake), but worker 1 announced \(expected); every worker must be the same pipeline"
            )
        }
        return WorkerConnection(process: process, handshake: handshake, label: label, log: log)
    }
}
