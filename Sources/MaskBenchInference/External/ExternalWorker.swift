import Foundation

/// One external worker as the runner sees it: asks its process about one image at a time, restarts it after a
/// crash, a hang or a garbled answer, and retries the image a bounded number of times.
final class ExternalWorker: PipelineWorker {
    private let configuration: ExternalPipeline.Configuration
    private let index: Int
    private let events: WorkerEvents
    private var connection: WorkerConnection?
    /// What the first worker announced; a restarted worker must announce the same.
    private let handshake: WorkerProtocol.Handshake
    private var nextID = 1

    init(
        configuration: ExternalPipeline.Configuration,
        index: Int,
        connection: WorkerConnection,
        events: WorkerEvents
    ) {
        self.configuration = configuration
        self.index = index
        self.connection = connection
        self.events = events
        handshake = connection.handshake
    }

    deinit {
        connection?.process.finish(grace: 2)
    }

    func run(_ request: PipelineRequest) throws -> PipelineResult {
        let attempts = max(0, configuration.retries) + 1
        var attempt = 0
        while true {
            attempt += 1
            do {
                return try ask(try connected(), request)
            } catch let error as ExternalWorkerError {
                guard error.restartsWorker else { throw error }
                connection?.process.kill()
                connection = nil
                let image = (request.imagePath as NSString).lastPathComponent
                guard attempt < attempts else {
                    events.record("\(image): \(error.message); image failed, worker restarted for the next one")
                    let tries = attempts == 1 ? "" : " (\(attempts) attempts)"
                    throw ExternalWorkerError(error.kind, error.message + tries)
                }
                events.record("\(image): \(error.message); worker restarted, retrying the image")
            }
        }
    }

    /// The running connection, started anew after a failure.
    private func connected() throws -> WorkerConnection {
        if let connection { return connection }
        let started = try WorkerConnection.launch(configuration, index: index, expected: handshake)
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
                guard answered == id else {
                    let earlier = answered < id && answered >= (connection.firstID ?? id)
                    let what =
                        earlier ? "answered id \(answered) again (an earlier request)" : "answered id \(answered)"
                    throw ExternalWorkerError(
                        .wrongID, "\(label) \(what) while id \(id) was asked: \(WorkerProtocol.excerpt(bytes))")
                }
                let expected = crops.map(\.count)
                let answer = try WorkerProtocol.decodeAnswer(
                    object, line: bytes, worker: label, expectedCrops: expected)
                try rejectSecondAnswer(to: id, from: connection)
                switch answer {
                case .result(let result): return result
                case .error(let message):
                    throw ExternalWorkerError(.imageFailed, "\(label) could not process the image: \(message)")
                }
            }
        }
    }

    /// A second answer to the same request, already read with the first, makes the image's answer
    /// ambiguous: the image fails and the worker is restarted.
    private func rejectSecondAnswer(to id: Int, from connection: WorkerConnection) throws {
        guard connection.process.hasBufferedLine else { return }
        guard case .line(let next) = connection.process.readLine(deadline: .now()) else { return }
        let object = try WorkerProtocol.decodeObject(next, worker: connection.label)
        let answered = WorkerProtocol.answerID(object)
        throw ExternalWorkerError(
            .wrongID,
            answered == id
                ? "\(connection.label) answered id \(id) twice: \(WorkerProtocol.excerpt(next))"
                : "\(connection.label) printed a line nobody asked for: \(WorkerProtocol.excerpt(next))"
        )
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
