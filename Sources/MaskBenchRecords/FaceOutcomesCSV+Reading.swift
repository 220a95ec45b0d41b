import Foundation
import MaskBenchCore
import MaskBenchFiles

/// Reads `faces.csv`, the per-face record `maskbench evaluate` writes beside `metrics.json`.
///
/// The header names the columns (`image,face,truth,call,maskScore,faceScore,iou`; order is free, extra
/// columns are ignored); `call` and `maskScore` are empty for a missed face.
public enum FaceOutcomesReader {
    /// The columns the gate needs.
    static let required = ["image", "face", "truth", "call", "maskScore"]

    /// The faces of the `faces.csv` at `path`, in file order.
    ///
    /// - Throws: ``FormatError`` at `file:line:column` for a missing column, a bad class or number, or a face
    ///   listed twice; `MaskBenchFormats.FormatError` when the file cannot be read or its quoting is broken.
    public static func read(path: String) throws -> [FaceRecord] {
        var columns: [String: Int] = [:]
        var faces: [FaceRecord] = []
        var seen: [FaceRecord.Key: Int] = [:]
        var sawHeader = false
        try CSVReader.forEachRecord(inFile: path) { record in
            guard sawHeader else {
                sawHeader = true
                for index in record.fields.indices { columns[record.field(index)] = index }
                let missing = required.filter { columns[$0] == nil }
                guard missing.isEmpty else {
                    throw FormatError(
                        file: path, line: record.line,
                        "faces.csv header lacks \(missing.joined(separator: ", ")); expected \(required.joined(separator: ","))"
                    )
                }
                return
            }
            let face = try Self.face(record, columns: columns, path: path)
            if let line = seen[face.key] {
                throw FormatError(
                    file: path, line: record.line,
                    "face \(face.face) of image '\(face.image)' is listed twice (first on line \(line))")
            }
            seen[face.key] = record.line
            faces.append(face)
        }
        guard sawHeader else { throw FormatError(file: path, "empty file; expected a faces.csv header") }
        return faces
    }

    private static func face(_ record: CSVRecord, columns: [String: Int], path: String) throws -> FaceRecord {
        func field(_ name: String) -> (String, Int) {
            let index = columns[name] ?? 0
            return (record.field(index), index + 1)
        }
        func fail(_ column: Int, _ message: String) -> FormatError {
            FormatError(file: path, line: record.line, column: column, message)
        }
        let (image, imageColumn) = field("image")
        guard !image.isEmpty else { throw fail(imageColumn, "expected an image name, found an empty field") }
        let (faceText, faceColumn) = field("face")
        guard let face = Int(faceText), face >= 0 else {
            throw fail(faceColumn, "expected a face index (0, 1, …), found '\(faceText)'")
        }
        let (truthText, truthColumn) = field("truth")
        guard let truth = FaceClass(rawValue: truthText) else {
            throw fail(truthColumn, "expected truth masked, unmasked or incorrect, found '\(truthText)'")
        }
        let (callText, callColumn) = field("call")
        let call: FaceClass?
        if callText.isEmpty {
            call = nil
        } else {
            guard let value = FaceClass(rawValue: callText) else {
                throw fail(callColumn, "expected call masked, unmasked, incorrect or empty, found '\(callText)'")
            }
            call = value
        }
        let (scoreText, scoreColumn) = field("maskScore")
        var maskScore: Double?
        if !scoreText.isEmpty {
            guard let value = Double(scoreText), value.isFinite else {
                throw fail(scoreColumn, "expected a number for maskScore, found '\(scoreText)'")
            }
            maskScore = value
        }
        if call != nil, maskScore == nil {
            throw fail(scoreColumn, "a face with a call needs a maskScore")
        }
        var faceScore: Double?
        if columns["faceScore"] != nil, call != nil {
            let (text, column) = field("faceScore")
            if !text.isEmpty {
                guard let value = Double(text), value.isFinite else {
                    throw fail(column, "expected a number for faceScore, found '\(text)'")
                }
                faceScore = value
            }
        }
        return FaceRecord(
            image: image, face: face, truth: truth, detected: call != nil, correct: call == truth,
            maskScore: call == nil ? nil : maskScore, faceScore: faceScore)
    }
}

/// Reads `extras.csv` (the detections that matched no face, written with the report) for the detector's AP.
public enum ExtraDetectionsReader {
    /// The image and faceScore of every row of the `extras.csv` at `path`.
    ///
    /// - Throws: ``FormatError`` at `file:line` for a missing column or a bad number.
    public static func read(path: String) throws -> [DetectionRecord] {
        var columns: [String: Int] = [:]
        var records: [DetectionRecord] = []
        try CSVReader.forEachRecord(inFile: path) { record in
            guard !columns.isEmpty else {
                for index in record.fields.indices { columns[record.field(index)] = index }
                guard columns["image"] != nil, columns["faceScore"] != nil else {
                    throw FormatError(file: path, line: record.line, "extras.csv header lacks image or faceScore")
                }
                return
            }
            let image = record.field(columns["image"] ?? 0)
            let text = record.field(columns["faceScore"] ?? 0)
            guard let score = Double(text), score.isFinite else {
                throw FormatError(file: path, line: record.line, "expected a number for faceScore, found '\(text)'")
            }
            records.append(DetectionRecord(image: image, faceScore: score))
        }
        return records
    }
}
