import Foundation
public import MaskBenchCore
import MaskBenchFiles
import MaskBenchRecords

/// Everything a report is drawn from, as saved in a report folder: `metrics.json`, `faces.csv` and, when
/// present, `boxes.csv` and `extras.csv` (see ``BoxTables``).
///
/// `evaluate` writes the files and then renders from them, and `maskbench report` reads the same files, so
/// both give the same report.
public struct ReportData: Sendable {
    /// A ground-truth face and what happened to it.
    public struct Face: Sendable, Hashable {
        /// The image's file name, as in the ground truth.
        public var image: String
        /// The face's index within its image.
        public var face: Int
        /// The class it is evaluated as (after `incorrectAs`).
        public var truth: FaceClass
        /// The label as annotated (before `incorrectAs`), from `boxes.csv`; `nil` when the folder does not
        /// say (runs of older versions).
        public var annotated: FaceClass?
        /// `nil` when the detector missed the face.
        public var call: FaceClass?
        /// The matched prediction's scores and IoU; `nil` when missed.
        public var maskScore: Double?
        /// See ``maskScore``.
        public var faceScore: Double?
        /// See ``maskScore``.
        public var iou: Double?
        /// From `boxes.csv`; `nil` when the folder has none.
        public var box: Box?
        /// The matched prediction's box, from `boxes.csv`.
        public var predicted: Box?
        /// The image size when the annotation gives it, from `boxes.csv`.
        public var imageWidth: Int?
        /// See ``imageWidth``.
        public var imageHeight: Int?

        public init(image: String, face: Int, truth: FaceClass, call: FaceClass? = nil, maskScore: Double? = nil) {
            self.image = image
            self.face = face
            self.truth = truth
            self.call = call
            self.maskScore = maskScore
        }
    }

    /// A detection that matched no face.
    public struct Extra: Sendable, Hashable {
        /// The image's file name.
        public var image: String
        /// The detection's box; `nil` when `extras.csv` leaves it empty.
        public var box: Box?
        /// The detector's confidence.
        public var faceScore: Double
        /// P(masked).
        public var maskScore: Double
        /// What the pipeline called it at the threshold.
        public var call: FaceClass

        public init(image: String, box: Box?, faceScore: Double, maskScore: Double, call: FaceClass) {
            self.image = image
            self.box = box
            self.faceScore = faceScore
            self.maskScore = maskScore
            self.call = call
        }
    }

    /// What a baseline made of each face, for the "changed since the baseline" galleries: per image name, per
    /// face index, whether the face was found and called as its truth.
    public struct BaselineOutcomes: Sendable, Hashable {
        /// The baseline's name.
        public var name: String
        /// `correct[image][face]`.
        public var correct: [String: [Int: Bool]]

        public init(name: String, correct: [String: [Int: Bool]]) {
            self.name = name
            self.correct = correct
        }
    }

    /// The run's `metrics.json`.
    public var document: MetricsDocument
    /// The baseline to show changes against (`maskbench report --baseline`); `nil` otherwise.
    public var baseline: BaselineOutcomes?
    /// Every ground-truth face, in `faces.csv` order.
    public var faces: [Face]
    /// Every extra detection (empty without `extras.csv`).
    public var extras: [Extra]
    /// Whether `boxes.csv` / `extras.csv` were there (runs of older versions have neither).
    public var hasBoxes: Bool
    /// See ``hasBoxes``.
    public var hasExtras: Bool

    public init(document: MetricsDocument, faces: [Face], extras: [Extra], hasBoxes: Bool, hasExtras: Bool) {
        self.document = document
        self.faces = faces
        self.extras = extras
        self.hasBoxes = hasBoxes
        self.hasExtras = hasExtras
    }

    /// The data of a run still in memory: what ``load(metricsPath:)`` reads back from the `faces.csv`,
    /// `boxes.csv` and `extras.csv` that ``BoxTables`` and ``FaceOutcomesCSV`` write for it (the files hold
    /// every number in full precision, so both give the same report). Used by `evaluate`, so writing a report
    /// never re-parses the tables it has just written.
    public init(document: MetricsDocument, evaluation: Evaluation, dataset: Dataset, predictions: PredictionSet) {
        var faces: [Face] = []
        faces.reserveCapacity(evaluation.outcomes.count)
        for o in evaluation.outcomes {
            let image = dataset.images[o.image]
            var face = Face(image: image.name, face: o.face, truth: o.truth, call: o.call, maskScore: o.maskScore)
            face.faceScore = o.faceScore
            face.iou = o.iou
            face.box = o.face < image.faces.count ? image.faces[o.face].box : nil
            face.annotated = o.face < image.faces.count ? image.faces[o.face].label : nil
            if let k = o.prediction {
                let all = predictions[image.name]
                face.predicted = k < all.count ? all[k].box : nil
            }
            face.imageWidth = image.width
            face.imageHeight = image.height
            faces.append(face)
        }
        let extras = evaluation.extras.map { e in
            let image = dataset.images[e.image]
            let all = predictions[image.name]
            return Extra(
                image: image.name, box: e.prediction < all.count ? all[e.prediction].box : nil,
                faceScore: e.faceScore, maskScore: e.maskScore, call: e.call)
        }
        self.init(document: document, faces: faces, extras: extras, hasBoxes: true, hasExtras: true)
    }

    /// Reads the report folder that holds `metricsPath`.
    ///
    /// - Throws: ``ReportError`` naming the file (and line): a `metrics.json` of another schema version
    ///   (naming both), a missing or malformed `faces.csv`, a `boxes.csv` that does not follow `faces.csv`.
    public static func load(metricsPath: String) throws -> ReportData {
        let document = try MetricsDocument.read(path: metricsPath)
        let folder = URL(fileURLWithPath: metricsPath).deletingLastPathComponent().path
        let manager = FileManager.default
        let facesPath = folder + "/faces.csv"
        guard manager.fileExists(atPath: facesPath) else {
            throw ReportError(path: facesPath, "no faces.csv beside metrics.json; run maskbench evaluate again")
        }
        var faces = try readFaces(facesPath)
        let boxesPath = folder + "/boxes.csv"
        let hasBoxes = manager.fileExists(atPath: boxesPath)
        if hasBoxes { try readBoxes(boxesPath, into: &faces) }
        let extrasPath = folder + "/extras.csv"
        let hasExtras = manager.fileExists(atPath: extrasPath)
        let extras = hasExtras ? try readExtras(extrasPath) : []
        return ReportData(document: document, faces: faces, extras: extras, hasBoxes: hasBoxes, hasExtras: hasExtras)
    }

    // MARK: - Reading the tables

    /// Column positions by header name, checking the required ones are there.
    private struct Columns {
        var index: [String: Int] = [:]
        let path: String

        init(_ record: CSVRecord, path: String, required: [String]) throws {
            self.path = path
            for i in record.fields.indices { index[record.field(i)] = i }
            let missing = required.filter { index[$0] == nil }
            guard missing.isEmpty else {
                throw ReportError(
                    path: "\(path):\(record.line)",
                    "header lacks \(missing.joined(separator: ", ")); expected \(required.joined(separator: ","))")
            }
        }

        func text(_ record: CSVRecord, _ name: String) -> String {
            index[name].map { record.field($0) } ?? ""
        }

        func number(_ record: CSVRecord, _ name: String) throws -> Double? {
            let text = text(record, name)
            guard !text.isEmpty else { return nil }
            guard let value = Double(text), value.isFinite else {
                throw ReportError(path: "\(path):\(record.line)", "expected a number for \(name), found '\(text)'")
            }
            return value
        }

        func integer(_ record: CSVRecord, _ name: String) throws -> Int? {
            let text = text(record, name)
            guard !text.isEmpty else { return nil }
            guard let value = Int(text) else {
                throw ReportError(
                    path: "\(path):\(record.line)", "expected a whole number for \(name), found '\(text)'")
            }
            return value
        }

        func faceClass(_ record: CSVRecord, _ name: String) throws -> FaceClass? {
            let text = text(record, name)
            guard !text.isEmpty else { return nil }
            guard let value = FaceClass(rawValue: text) else {
                throw ReportError(
                    path: "\(path):\(record.line)", "expected \(name) masked, unmasked or incorrect, found '\(text)'")
            }
            return value
        }

        func box(_ record: CSVRecord, _ names: [String]) throws -> Box? {
            let values = try names.map { try number(record, $0) }
            guard let x = values[0], let y = values[1], let w = values[2], let h = values[3] else { return nil }
            return Box(x: x, y: y, width: w, height: h)
        }
    }

    /// Calls `row` for each record after the header.
    private static func forEachRow(
        _ path: String, required: [String], _ row: (Columns, CSVRecord) throws -> Void
    ) throws {
        var columns: Columns?
        do {
            try CSVReader.forEachRecord(inFile: path) { record in
                guard let columns else {
                    columns = try Columns(record, path: path, required: required)
                    return
                }
                try row(columns, record)
            }
        } catch let error as FormatError {
            throw ReportError(path: path, "\(error)")
        }
        guard columns != nil else { throw ReportError(path: path, "empty file; expected a header") }
    }

    private static func readFaces(_ path: String) throws -> [Face] {
        var faces: [Face] = []
        try forEachRow(path, required: ["image", "face", "truth", "call", "maskScore"]) { c, record in
            guard let truth = try c.faceClass(record, "truth") else {
                throw ReportError(path: "\(path):\(record.line)", "expected truth masked, unmasked or incorrect")
            }
            var face = Face(
                image: c.text(record, "image"),
                face: try c.integer(record, "face") ?? 0,
                truth: truth,
                call: try c.faceClass(record, "call"),
                maskScore: try c.number(record, "maskScore")
            )
            face.faceScore = try c.number(record, "faceScore")
            face.iou = try c.number(record, "iou")
            faces.append(face)
        }
        return faces
    }

    private static func readBoxes(_ path: String, into faces: inout [Face]) throws {
        var row = 0
        try forEachRow(path, required: ["image", "face", "x", "y", "width", "height"]) { c, record in
            guard row < faces.count, faces[row].image == c.text(record, "image"),
                faces[row].face == (try c.integer(record, "face"))
            else {
                throw ReportError(
                    path: "\(path):\(record.line)", "does not follow faces.csv (row \(row + 1)); run evaluate again")
            }
            faces[row].box = try c.box(record, ["x", "y", "width", "height"])
            faces[row].predicted = try c.box(record, ["predX", "predY", "predWidth", "predHeight"])
            faces[row].imageWidth = try c.integer(record, "imageWidth")
            faces[row].imageHeight = try c.integer(record, "imageHeight")
            faces[row].annotated = try c.faceClass(record, "label")
            row += 1
        }
        guard row == faces.count else {
            throw ReportError(path: path, "has \(row) faces, faces.csv \(faces.count); run evaluate again")
        }
    }

    private static func readExtras(_ path: String) throws -> [Extra] {
        var extras: [Extra] = []
        let required = ["image", "x", "y", "width", "height", "faceScore", "maskScore", "call"]
        try forEachRow(path, required: required) { c, record in
            guard let call = try c.faceClass(record, "call"), let faceScore = try c.number(record, "faceScore"),
                let maskScore = try c.number(record, "maskScore")
            else {
                throw ReportError(path: "\(path):\(record.line)", "expected faceScore, maskScore and call")
            }
            extras.append(
                Extra(
                    image: c.text(record, "image"), box: try c.box(record, ["x", "y", "width", "height"]),
                    faceScore: faceScore, maskScore: maskScore, call: call))
        }
        return extras
    }
}
