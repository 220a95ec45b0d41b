import Foundation
internal import MaskBenchCore

/// One external worker as the runner sees it: asks its process about one image at a time, restarts it after a
/// crash, a hang or a garbled answer, and retries the image a bounded number of times.
final class ExternalWorker: PipelineWorker {
    private let configuration: ExternalPipeline.Configuration
    private let index: Int
    private let events: WorkerEvents
    private let earlyStop: EarlyStop
    private var connection: WorkerConnection?
    /// What the first worker announced; a restarted worker must announce the same.
    private let handshake: WorkerProtocol.Handshake
    /// `logs/worker-K.log`, kept across restarts.
    private let log: WorkerLog
    private var nextID = 1

    init(
        configuration: ExternalPipeline.Configuration,
        index: Int,
        connection: WorkerConnection,
        events: WorkerEvents,
        earlyStop: EarlyStop
    ) {
        self.configuration = configuration
        self.index = index
        self.connection = connection
        self.events = events
        self.earlyStop = earlyStop
        handshake = connection.handshake
        log = connection.log
    }

    deinit {
        connection?.process.finish(grace: 2)
    }

    /// - Throws: ``ExternalWorkerError`` when the image fails; ``PipelineStop`` when its failure is the last of
    ///   the first images that all failed the same way (``EarlyStop``).
    func run(_ request: PipelineRequest) throws -> PipelineResult {
        let attempts = max(0, configuration.retries) + 1
        let image = (request.imagePath as NSString).lastPathComponent
        var attempt = 0
        while true {
            attempt += 1
            let failure: ExternalWorkerError
            do {
                let result = try ask(try connected(), request)
                earlyStop.succeeded()
                return result
            } catch let error as ExternalWorkerError {
                failure = error
            }
            if failure.restartsWorker {
                connection?.process.kill()
                connection = nil
                // A run that is stopping gives no second chance: the worker is known not to work.
                if attempt < attempts, !earlyStop.isStopping {
                    events.record("\(image): \(failure.message); worker restarted, retrying the image")
                    continue
                }
                events.record("\(image): \(failure.message); image failed, worker restarted for the next one")
            }
            let tries = failure.restartsWorker && attempt > 1 ? " (\(attempt) attempts)" : ""
            let final = ExternalWorkerError(failure.kind, failure.message + tries)
            if let reason = earlyStop.failed(final, image: image, log: log.path) {
                throw PipelineStop(imageReason: final.description, reason: reason)
            }
            throw final
        }
    }

    /// The running connection, started anew after a failure.
    private func connected() throws -> WorkerConnection {
        if let connection { return connection }
        let started = try WorkerConnection.launch(configuration, index: index, log: log, expected: handshake)
        connection = started
        return started
    }

    /// Sends one request and reads its answer.
    private func ask(_ connection: WorkerConnection, _ request: PipelineRequest) throws -> PipelineResult {
        let id = nextID
        nextID += 1
        if connection.firstID == nil { connection.firstID = id }
        let label = connection.label
        let process = connection.process
        let crops = connection.handshake.crops && !request.groundTruthBoxes.isEmpty ? request.groundTruthBoxes : nil
        let line: [UInt8]
        do {
            line = try WorkerProtocol.encodeRequest(id: id, imagePath: request.imagePath, crops: crops)
        } catch {
            throw ExternalWorkerError(.invalidAnswer, "cannot encode the request for \(request.imagePath): \(error)")
        }
        if let reason = process.write(line) {
            _ = process.waitForExit(timeout: 0.5)
            let how = process.exitDescription.map { "; it \($0)" } ?? ""
            throw ExternalWorkerError(.cannotWrite, "\(label) no longer reads requests (\(reason))\(how)")
        }
        let deadline = DispatchTime.now() + configuration.timeout
        while true {
            switch process.readLine(deadline: deadline) {
            case .timedOut:
                throw ExternalWorkerError(
                    .timedOut, "\(label) gave no answer within \(formatSeconds(configuration.timeout)) (--timeout)")
            case .endOfFile:
                _ = process.waitForExit(timeout: 0.5)
                let how = process.exitDescription.map { "\($0)" } ?? "closed its standard output while still running"
                throw ExternalWorkerError(.crashed, "\(label) \(how) before answering")
            case .oversized(let prefix):
                throw ExternalWorkerError(
                    .oversizedLine,
                    "\(label) printed a line longer than \(formatBytes(configuration.maxLineBytes)), starting \(WorkerProtocol.excerpt(prefix))"
                )
            case .line(let bytes):
                if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) { continue }
                let object = try WorkerProtocol.decodeObject(bytes, worker: label)
                guard let answered = WorkerProtocol.answerID(object) else {
                    throw ExternalWorkerError(
                        .malformedLine,
                        "\(label) printed a line without an integer 'id': \(WorkerProtocol.excerpt(bytes))")
                }
                if answered < id && answered >= (connection.firstID ?? id) {
                    // An earlier request's answer, late or given twice: that request has its outcome already,
                    // and this one's answer is still to come.
                    events.record(
                        "\((request.imagePath as NSString).lastPathComponent): \(label) answered id \(answered) again "
                            + "(an earlier request) while id \(id) was asked: \(WorkerProtocol.excerpt(bytes)); "
                            + "that late answer was ignored")
                    continue
                }
                guard answered == id else {
                    throw ExternalWorkerError(
                        .wrongID,
                        "\(label) answered id \(answered) while id \(id) was asked: \(WorkerProtocol.excerpt(bytes))")
                }
                let expected = crops.map(\.count)
                let answer = try WorkerProtocol.decodeAnswer(
                    object, line: bytes, worker: label, expectedCrops: expected)
                switch answer {
                case .result(let result): return result
                case .error(let message):
                    throw ExternalWorkerError(
                        .imageFailed, "\(label) could not process the image: \(message)", workerText: message)
                }
            }
        }
    }
}

/// `16 MB`, `1000 bytes`.
func formatBytes(_ count: Int) -> String {
    count % (1 << 20) == 0 ? "\(count >> 20) MB" : "\(count) bytes"
}

/// `1 s`, `0.5 s`.
func formatSeconds(_ seconds: Double) -> String {
    seconds == seconds.rounded() ? "\(Int(seconds)) s" : "\(seconds) s"
}
