import Foundation
internal import MaskBenchCore

/// The JSON Lines protocol spoken with an external worker, version 1 (documented in `Docs/worker-protocol.md`).
package enum WorkerProtocol {
    /// The protocol version this MaskBench speaks.
    package static let version = 1
    /// The value of the handshake's `protocol` field.
    package static let name = "maskbench-worker"

    /// The worker's first line: `{"protocol": "maskbench-worker", "version": 1, "name": …, "fingerprint": …,
    /// "crops": true}`.
    package struct Handshake: Sendable, Hashable {
        /// The pipeline's name, for reports.
        package var name: String
        /// Identifies the worker's models and settings; part of the cache key. Optional.
        package var fingerprint: String?
        /// Whether the worker classifies ground-truth crops (answers `cropMaskScores`).
        package var crops: Bool

        /// Creates a handshake.
        package init(name: String, fingerprint: String? = nil, crops: Bool = false) {
            self.name = name
            self.fingerprint = fingerprint
            self.crops = crops
        }
    }

    /// What a worker answered for one request.
    enum Answer {
        /// The faces (and crop scores) of the image.
        case result(PipelineResult)
        /// The worker could not process the image.
        case error(String)
    }

    /// A line's start, for error messages: at most 120 characters, quoted, control characters escaped as
    /// ``MaskBenchCore/TerminalText`` shows them.
    static func excerpt(_ bytes: some Collection<UInt8>) -> String {
        let shown = TerminalText.escaped(String(decoding: bytes.prefix(120), as: UTF8.self))
        return bytes.count > 120 ? "'\(shown)…' (\(bytes.count) bytes)" : "'\(shown)'"
    }

    // MARK: - Handshake

    /// Reads a handshake line.
    ///
    /// - Throws: ``ExternalWorkerError`` (``ExternalWorkerError/Kind/badHandshake``) saying what is wrong,
    ///   with `worker` and the line in the message.
    static func decodeHandshake(_ line: [UInt8], worker: String) throws -> Handshake {
        func bad(_ why: String) -> ExternalWorkerError {
            ExternalWorkerError(.badHandshake, "\(worker): bad handshake line \(excerpt(line)): \(why)")
        }
        guard let object = try? JSONSerialization.jsonObject(with: Data(line)) as? [String: Any] else {
            throw bad(
                "not a JSON object; the first line must be {\"protocol\": \"\(name)\", \"version\": \(version), \"name\": …}"
            )
        }
        guard object["protocol"] as? String == name else { throw bad("field 'protocol' must be \"\(name)\"") }
        guard let number = object["version"] as? NSNumber, let workerVersion = Int(exactly: number.doubleValue) else {
            throw bad("field 'version' must be an integer")
        }
        guard workerVersion == version else {
            throw bad("the worker speaks protocol version \(workerVersion); this MaskBench speaks version \(version)")
        }
        guard let workerName = object["name"] as? String, !workerName.isEmpty else {
            throw bad("field 'name' must be a non-empty string")
        }
        var fingerprint: String?
        if let value = object["fingerprint"], !(value is NSNull) {
            guard let text = value as? String else { throw bad("field 'fingerprint' must be a string") }
            fingerprint = text
        }
        var crops = false
        if let value = object["crops"], !(value is NSNull) {
            guard let flag = value as? Bool else { throw bad("field 'crops' must be true or false") }
            crops = flag
        }
        return Handshake(name: workerName, fingerprint: fingerprint, crops: crops)
    }

    // MARK: - Requests

    /// One request line, `\n` included: `{"id": 7, "image": "/abs/a.png"}`, plus `"crops": [[x, y, w, h], …]`
    /// when the worker classifies crops and the image has ground-truth faces.
    static func encodeRequest(id: Int, imagePath: String, crops: [Box]?) throws -> [UInt8] {
        var object: [String: Any] = ["id": id, "image": imagePath]
        if let crops, !crops.isEmpty {
            object["crops"] = crops.map { [$0.x, $0.y, $0.width, $0.height] }
        }
        var data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
        data.append(UInt8(ascii: "\n"))
        return [UInt8](data)
    }

    // MARK: - Answers

    /// The `id` of an answer line, or `nil` when the line is not a JSON object with an integer `id`.
    static func answerID(_ object: [String: Any]) -> Int? {
        guard let number = object["id"] as? NSNumber else { return nil }
        return Int(exactly: number.doubleValue)
    }

    /// Reads an answer line as a JSON object.
    ///
    /// - Throws: ``ExternalWorkerError`` (``ExternalWorkerError/Kind/malformedLine``) naming `worker` and the line.
    static func decodeObject(_ line: [UInt8], worker: String) throws -> [String: Any] {
        let parsed = try? JSONSerialization.jsonObject(with: Data(line))
        guard let object = parsed as? [String: Any] else {
            let what = parsed == nil ? "not JSON" : "not a JSON object"
            throw ExternalWorkerError(
                .malformedLine,
                "\(worker) printed a line that is \(what): \(excerpt(line)); answers must be one JSON object a line"
            )
        }
        return object
    }

    /// Reads the answer object for a request whose id was already checked.
    ///
    /// - Parameter expectedCrops: how many `cropMaskScores` the answer must carry, or `nil` when none were asked.
    /// - Throws: ``ExternalWorkerError`` (``ExternalWorkerError/Kind/invalidAnswer``) naming `worker`, the
    ///   field and the line.
    static func decodeAnswer(
        _ object: [String: Any],
        line: [UInt8],
        worker: String,
        expectedCrops: Int?
    ) throws -> Answer {
        func bad(_ why: String) -> ExternalWorkerError {
            ExternalWorkerError(.invalidAnswer, "\(worker) gave an invalid answer \(excerpt(line)): \(why)")
        }
        if let error = object["error"], !(error is NSNull) {
            return .error((error as? String) ?? "\(error)")
        }
        guard let faces = object["faces"] as? [Any] else {
            throw bad("expected field 'faces' (an array) or 'error' (a string)")
        }
        var detected: [DetectedFace] = []
        for (index, element) in faces.enumerated() {
            guard let face = element as? [String: Any] else { throw bad("faces[\(index)] is not an object") }
            guard let box = face["box"] as? [Any], box.count == 4 else {
                throw bad("faces[\(index)].box must be [x, y, width, height]")
            }
            let numbers = box.compactMap { finite($0) }
            guard numbers.count == 4, numbers[2] >= 0, numbers[3] >= 0 else {
                throw bad("faces[\(index)].box must hold 4 finite numbers with width and height >= 0")
            }
            guard let faceScore = face["faceScore"].flatMap(finite) else {
                throw bad("faces[\(index)].faceScore must be a finite number")
            }
            guard let maskScore = face["maskScore"].flatMap(finite), maskScore >= 0, maskScore <= 1 else {
                throw bad("faces[\(index)].maskScore must be a number in [0, 1]")
            }
            detected.append(
                DetectedFace(
                    box: Box(x: numbers[0], y: numbers[1], width: numbers[2], height: numbers[3]),
                    faceScore: faceScore,
                    maskScore: maskScore
                )
            )
        }
        var cropScores: [Double]?
        if let expectedCrops {
            guard let scores = object["cropMaskScores"] as? [Any] else {
                throw bad("the worker announced \"crops\": true, but the answer has no 'cropMaskScores'")
            }
            let values = scores.compactMap { finite($0) }.filter { $0 >= 0 && $0 <= 1 }
            guard values.count == scores.count, values.count == expectedCrops else {
                throw bad("'cropMaskScores' must hold \(expectedCrops) numbers in [0, 1], one per crop asked")
            }
            cropScores = values
        }
        return .result(PipelineResult(faces: detected, cropMaskScores: cropScores))
    }

    private static func finite(_ value: Any) -> Double? {
        guard let number = value as? NSNumber else { return nil }
        let double = number.doubleValue
        return double.isFinite ? double : nil
    }
}
