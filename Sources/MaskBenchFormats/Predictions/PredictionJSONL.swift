import Foundation
public import MaskBenchCore
import MaskBenchFiles

/// Predictions as JSON Lines (format ``PredictionFormat/jsonl``).
///
/// Two line shapes are read, and may be mixed in one file:
/// - one face a line: `{"image": "a.png", "box": [x, y, w, h], "faceScore": 0.9, "maskScore": 0.2}`,
///   optionally `"label": "masked"` (a one-stage detector's class, mapped through the label map; then
///   `maskScore` may be left out and is 1 for `masked`, 0 otherwise);
/// - one image a line, the external worker's answer: `{"image": "a.png", "faces": [{"box", "faceScore",
///   "maskScore"}, …]}`; an empty `faces` records an image where nothing was found. Such a line must be
///   the only line of its image.
///
/// `box` is `[x, y, width, height]` in pixels with non-negative sizes; `maskScore` lies in `[0, 1]`. Blank
/// lines are skipped; other keys are ignored. Errors name the file, the line and, where it helps, the
/// column.
///
/// The writer is deterministic: images in byte order of their names, faces in stored order, keys in the
/// order above, numbers in the shortest form that reads back to the same `Double` (integral values
/// without a fraction), `\n` line ends. An image with no face gets a `{"image": …, "faces": []}` line, so a
/// written set reads back equal.
public enum PredictionJSONL {
    /// One image's faces, as one per-image line carries them.
    public struct Record: Sendable, Hashable {
        public var image: String
        public var faces: [Prediction]

        public init(image: String, faces: [Prediction]) {
            self.image = image
            self.faces = faces
        }
    }

    // MARK: - Reading

    /// Reads a JSON Lines predictions file.
    ///
    /// - Parameters:
    ///   - path: the file, as named in error messages.
    ///   - labelMap: maps `label` values to ``FaceClass``.
    ///   - limits: the largest file and the longest line accepted.
    /// - Throws: ``FormatError`` naming the file, line and column.
    public static func read(
        path: String, labelMap: LabelMap = .defaults, limits: ReadLimits = .defaults
    ) throws -> LoadedPredictions {
        try limits.checkFileSize(path)
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw FormatError(file: path, "cannot read: \(FileErrorReason.describe(error))")
        }
        return try data.withUnsafeBytes { bytes in
            try decode(bytes, source: path, labelMap: labelMap, maxLineBytes: limits.maxLineBytes)
        }
    }

    /// Reads JSON Lines predictions from a string.
    ///
    /// - Parameters:
    ///   - text: the lines.
    ///   - source: what to call the input in error messages.
    ///   - labelMap: maps `label` values to ``FaceClass``.
    /// - Throws: ``FormatError`` naming `source`, the line and column.
    public static func decode(
        _ text: String,
        source: String = "<input>",
        labelMap: LabelMap = .defaults
    ) throws -> LoadedPredictions {
        var text = text
        return try text.withUTF8 { buffer in
            try decode(UnsafeRawBufferPointer(buffer), source: source, labelMap: labelMap)
        }
    }

    /// Reads one line of either shape (e.g. one answer of an external worker) as the record of its image.
    ///
    /// - Parameters:
    ///   - line: one JSON object.
    ///   - source: what to call the input in error messages.
    ///   - lineNumber: the line's number, for error messages.
    ///   - labelMap: maps `label` values to ``FaceClass``.
    /// - Throws: ``FormatError`` naming `source`, the line and column.
    public static func decodeRecord(
        _ line: String,
        source: String,
        lineNumber: Int = 1,
        labelMap: LabelMap = .defaults
    ) throws -> Record {
        let parser = try JSONLineParser(source: source)
        var line = line
        return try line.withUTF8 { buffer in
            let bytes = UnsafeRawBufferPointer(buffer)
            return try parser.parse(bytes, line: lineNumber) { root in
                try parseRecord(root, bytes: bytes, source: source, line: lineNumber, labelMap: labelMap).record
            }
        }
    }

    static func decode(
        _ bytes: UnsafeRawBufferPointer, source: String, labelMap: LabelMap,
        maxLineBytes: Int = ReadLimits.defaults.maxLineBytes
    ) throws -> LoadedPredictions {
        let parser = try JSONLineParser(source: source)
        var byImage: [String: [Prediction]] = [:]
        var perImageLine: [String: Int] = [:]
        var faceLine: [String: Int] = [:]
        var lineNumber = 0
        // A UTF-8 byte-order mark before the first line is skipped where every JSON document is parsed
        // (CMaskBenchJSON's loader).
        var start = 0
        while start < bytes.count {
            lineNumber += 1
            var end = start
            while end < bytes.count && bytes[end] != UInt8(ascii: "\n") { end += 1 }
            let next = end + 1
            if end - start > maxLineBytes {
                try ReadLimits(maxLineBytes: maxLineBytes).checkLine(
                    length: end - start, file: source, line: lineNumber)
            }
            if end > start && bytes[end - 1] == UInt8(ascii: "\r") { end -= 1 }
            let line = UnsafeRawBufferPointer(rebasing: bytes[start..<end])
            start = next
            if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) { continue }
            let (record, isPerImage) = try parser.parse(line, line: lineNumber) { root in
                try parseRecord(root, bytes: line, source: source, line: lineNumber, labelMap: labelMap)
            }
            if isPerImage {
                if let first = perImageLine[record.image] ?? faceLine[record.image] {
                    throw FormatError(
                        file: source,
                        line: lineNumber,
                        "image '\(record.image)' already has predictions on line \(first); a per-image line must be its only line"
                    )
                }
                perImageLine[record.image] = lineNumber
            } else {
                if let first = perImageLine[record.image] {
                    throw FormatError(
                        file: source,
                        line: lineNumber,
                        "image '\(record.image)' already has a per-image line (line \(first)); a per-image line must be its only line"
                    )
                }
                if faceLine[record.image] == nil { faceLine[record.image] = lineNumber }
            }
            byImage[record.image, default: []].append(contentsOf: record.faces)
        }
        return LoadedPredictions(predictions: PredictionSet(byImage: byImage), format: .jsonl)
    }

    /// Reads one line's object: the record and whether it was the per-image shape.
    private static func parseRecord(
        _ root: JSONValue,
        bytes: UnsafeRawBufferPointer,
        source: String,
        line: Int,
        labelMap: LabelMap
    ) throws -> (record: Record, isPerImage: Bool) {
        do {
            guard root.isObject else {
                throw JSONValueError(
                    "expected an object {\"image\", \"box\", \"faceScore\", \"maskScore\"}, found \(root.kind.rawValue)"
                )
            }
            var image: String?
            var faces: [Prediction]?
            var face = FaceFields()
            var members = try root.members()
            while let (key, value) = try members.next() {
                if key.spells("image") {
                    image = try value.field("image") { try $0.string() }
                } else if key.spells("faces") {
                    faces = try value.field("faces") { try readFaces($0, labelMap: labelMap) }
                } else {
                    try face.take(key, value, labelMap: labelMap)
                }
            }
            guard let image else { throw JSONValueError("missing field 'image'") }
            if image.isEmpty { throw JSONValueError(path: [.key("image")], "field 'image' is empty") }
            if let faces { return (Record(image: image, faces: faces), true) }
            return (Record(image: image, faces: [try face.prediction()]), false)
        } catch let error as JSONValueError {
            let column = JSONSyntaxScanner.offset(of: error.path, in: bytes).map {
                JSONSyntaxScanner.lineAndColumn(of: $0, in: bytes).column
            }
            throw FormatError(file: source, line: line, column: column, error.message)
        }
    }

    /// The `faces` array of a per-image line.
    private static func readFaces(_ value: JSONValue, labelMap: LabelMap) throws -> [Prediction] {
        var predictions: [Prediction] = []
        var elements = try value.elements()
        var index = -1
        while let element = try elements.next() {
            index += 1
            do {
                guard element.isObject else {
                    throw JSONValueError(
                        "expected an object {\"box\", \"faceScore\", \"maskScore\"}, found \(element.kind.rawValue)")
                }
                var face = FaceFields()
                var members = try element.members()
                while let (key, member) = try members.next() { try face.take(key, member, labelMap: labelMap) }
                predictions.append(try face.prediction())
            } catch var error as JSONValueError {
                error.path.insert(.index(index), at: 0)
                error.message = "[\(index)]: \(error.message)"
                throw error
            }
        }
        return predictions
    }

    /// The members of one face, collected in any order.
    private struct FaceFields {
        var box: Box?
        var faceScore: Double?
        var maskScore: Double?
        var label: FaceClass?

        /// Takes `key` when it is a face field; other keys are ignored.
        mutating func take(_ key: UnsafeRawBufferPointer, _ value: JSONValue, labelMap: LabelMap) throws {
            if key.spells("box") {
                box = try value.field("box", COCODatasetReader.readBox)
            } else if key.spells("faceScore") {
                faceScore = try value.field("faceScore") { try $0.double() }
            } else if key.spells("maskScore") {
                maskScore = try value.optionalField("maskScore") { value in
                    let score = try value.double()
                    guard score >= 0, score <= 1 else { throw JSONValueError("\(score) is outside [0, 1]") }
                    return score
                }
            } else if key.spells("label") {
                label = try value.optionalField("label") { value in
                    let raw = try value.string()
                    guard let mapped = labelMap.label(for: raw) else {
                        throw JSONValueError(
                            "'\(raw)' is not a known label; map it with --label '\(raw)=masked' (or =unmasked, =incorrect)"
                        )
                    }
                    return mapped
                }
            }
        }

        func prediction() throws -> Prediction {
            guard let box else { throw JSONValueError("missing field 'box'") }
            guard let faceScore else { throw JSONValueError("missing field 'faceScore'") }
            let score: Double
            if let maskScore {
                score = maskScore
            } else if let label {
                score = label == .masked ? 1 : 0
            } else {
                throw JSONValueError("missing field 'maskScore' (or a 'label')")
            }
            return Prediction(box: box, faceScore: faceScore, maskScore: score, label: label)
        }
    }

    // MARK: - Writing

    /// The predictions as JSON Lines text, deterministic (see ``PredictionJSONL``).
    ///
    /// - Throws: ``FormatError`` (file `<predictions>`) naming the image when a number is NaN or infinite,
    ///   which JSON cannot hold.
    public static func encode(_ predictions: PredictionSet) throws -> String {
        var out = ""
        let images = predictions.byImage.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        for image in images {
            let faces = predictions.byImage[image] ?? []
            let name = quoted(image)
            if faces.isEmpty {
                out += "{\"image\":\(name),\"faces\":[]}\n"
                continue
            }
            for face in faces {
                let numbers = [face.box.x, face.box.y, face.box.width, face.box.height, face.faceScore, face.maskScore]
                guard numbers.allSatisfy(\.isFinite) else {
                    throw FormatError(file: "<predictions>", "image '\(image)': a box or score is NaN or infinite")
                }
                let box = numbers[0..<4].map(number).joined(separator: ",")
                out += "{\"image\":\(name),\"box\":[\(box)],\"faceScore\":\(number(face.faceScore)),"
                out += "\"maskScore\":\(number(face.maskScore))"
                if let label = face.label { out += ",\"label\":\(quoted(label.rawValue))" }
                out += "}\n"
            }
        }
        return out
    }

    /// Writes ``encode(_:)``'s text to `path` atomically (a temporary file renamed into place).
    ///
    /// - Throws: ``FormatError`` naming `path` when a number cannot be written or the file cannot.
    public static func write(_ predictions: PredictionSet, toFile path: String) throws {
        let text: String
        do {
            text = try encode(predictions)
        } catch let error as FormatError {
            throw FormatError(file: path, error.message)
        }
        do {
            try Data(text.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw FormatError(file: path, "cannot write: \(FileErrorReason.describe(error))")
        }
    }

    /// The shortest text that reads back as `value`; integral values below 2^53 without a fraction.
    static func number(_ value: Double) -> String {
        if value == value.rounded(), abs(value) < 9_007_199_254_740_992 {
            return value == 0 ? "0" : String(Int64(value))
        }
        return "\(value)"
    }

    /// A JSON string literal: quotes, backslashes and control characters escaped, other text as UTF-8.
    static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{00}"..."\u{1F}":
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
