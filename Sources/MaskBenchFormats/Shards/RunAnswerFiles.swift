import Foundation
import MaskBenchCore
public import MaskBenchFiles

/// The JSON Lines files `maskbench run` writes beside `predictions.jsonl`, and `maskbench merge` reads back from
/// each shard: `failures.jsonl` (every run) and `crops.jsonl` (shards only).
///
/// - `failures.jsonl`: `{"image": …, "reason": …}` per failed image, in ground-truth order.
/// - `crops.jsonl`: `{"image": …, "maskScores": […]}` per image whose ground-truth faces the classifier scored
///   alone, in byte order of the names, the scores in the order of the image's faces, each number in the shortest
///   form that reads back to the same `Double`.
///
/// Both read back to exactly what was written. Errors name the file, the line and the column.
public enum RunAnswerFiles {
    /// An image the pipeline failed on, and why.
    public struct Failure: Sendable, Hashable, Codable {
        public var image: String
        public var reason: String

        public init(image: String, reason: String) {
            self.image = image
            self.reason = reason
        }
    }

    // MARK: - failures.jsonl

    /// The text of `failures.jsonl`: one line per failure, in the order given, keys sorted.
    public static func encodeFailures(_ failures: [Failure]) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var data = Data()
        for failure in failures {
            data.append(try encoder.encode(failure))
            data.append(UInt8(ascii: "\n"))
        }
        return data
    }

    /// Reads a `failures.jsonl`, in file order.
    ///
    /// - Throws: ``FormatError`` naming the file, line and column.
    public static func readFailures(path: String, limits: ReadLimits = .defaults) throws -> [Failure] {
        var failures: [Failure] = []
        try forEachObject(path: path, limits: limits, expected: "{\"image\", \"reason\"}") { root in
            var image: String?
            var reason: String?
            var members = try root.members()
            while let (key, value) = try members.next() {
                if key.spells("image") {
                    image = try value.field("image") { try $0.string() }
                } else if key.spells("reason") {
                    reason = try value.field("reason") { try $0.string() }
                }
            }
            guard let image, !image.isEmpty else { throw JSONValueError("missing field 'image'") }
            guard let reason else { throw JSONValueError("missing field 'reason'") }
            failures.append(Failure(image: image, reason: reason))
        }
        return failures
    }

    // MARK: - crops.jsonl

    /// The text of `crops.jsonl`.
    ///
    /// - Throws: ``FormatError`` (file `<crops>`) naming the image when a score is NaN or infinite.
    public static func encodeCropScores(_ scores: [String: [Double]]) throws -> Data {
        var out = ""
        for image in scores.keys.sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) }) {
            let values = scores[image] ?? []
            guard values.allSatisfy(\.isFinite) else {
                throw FormatError(file: "<crops>", "image '\(image)': a mask score is NaN or infinite")
            }
            out += "{\"image\":\(PredictionJSONL.quoted(image)),\"maskScores\":["
            out += values.map(PredictionJSONL.number).joined(separator: ",")
            out += "]}\n"
        }
        return Data(out.utf8)
    }

    /// Reads a `crops.jsonl`: each image's ground-truth crop scores.
    ///
    /// - Throws: ``FormatError`` naming the file, line and column, also when an image has two lines.
    public static func readCropScores(path: String, limits: ReadLimits = .defaults) throws -> [String: [Double]] {
        var scores: [String: [Double]] = [:]
        try forEachObject(path: path, limits: limits, expected: "{\"image\", \"maskScores\"}") { root in
            var image: String?
            var values: [Double]?
            var members = try root.members()
            while let (key, value) = try members.next() {
                if key.spells("image") {
                    image = try value.field("image") { try $0.string() }
                } else if key.spells("maskScores") {
                    values = try value.field("maskScores") { array in
                        var values: [Double] = []
                        var elements = try array.elements()
                        while let element = try elements.next() { values.append(try element.double()) }
                        return values
                    }
                }
            }
            guard let image, !image.isEmpty else { throw JSONValueError("missing field 'image'") }
            guard let values else { throw JSONValueError("missing field 'maskScores'") }
            guard scores.updateValue(values, forKey: image) == nil else {
                throw JSONValueError("image '\(image)' has a line already")
            }
        }
        return scores
    }

    // MARK: - Lines

    /// Calls `body` with the root object of every non-blank line of the file at `path`.
    private static func forEachObject(
        path: String, limits: ReadLimits, expected: String, _ body: (JSONValue) throws -> Void
    ) throws {
        try limits.checkFileSize(path)
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw FormatError(file: path, "cannot read: \(FileErrorReason.describe(error))")
        }
        let parser = try JSONLineParser(source: path)
        try data.withUnsafeBytes { bytes in
            var start = 0
            var lineNumber = 0
            while start < bytes.count {
                lineNumber += 1
                var end = start
                while end < bytes.count && bytes[end] != UInt8(ascii: "\n") { end += 1 }
                try limits.checkLine(length: end - start, file: path, line: lineNumber)
                let line = UnsafeRawBufferPointer(rebasing: bytes[start..<end])
                start = end + 1
                if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) { continue }
                try parser.parse(line, line: lineNumber) { root in
                    do {
                        guard root.isObject else {
                            throw JSONValueError("expected an object \(expected), found \(root.kind.rawValue)")
                        }
                        try body(root)
                    } catch let error as JSONValueError {
                        let column = JSONSyntaxScanner.offset(of: error.path, in: line).map {
                            JSONSyntaxScanner.lineAndColumn(of: $0, in: line).column
                        }
                        throw FormatError(file: path, line: lineNumber, column: column, error.message)
                    }
                }
            }
        }
    }
}
