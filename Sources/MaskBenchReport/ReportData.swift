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
    /// A ground-truth face and what happened to it: its row of `faces.csv` (whose fields it answers to,
    /// `face.truth`, `face.call`…) and of `boxes.csv`.
    @dynamicMemberLookup
    public struct Face: Sendable, Hashable {
        /// The face's row of `faces.csv`.
        public var record: FaceRecord
        /// The label as annotated (before `incorrectAs`), from `boxes.csv`; `nil` when the folder does not
        /// say (runs of older versions).
        public var annotated: FaceClass?
        /// From `boxes.csv`; `nil` when the folder has none.
        public var box: Box?
        /// The matched prediction's box, from `boxes.csv`.
        public var predicted: Box?
        /// The image size when the annotation gives it, from `boxes.csv`.
        public var imageWidth: Int?
        /// See ``imageWidth``.
        public var imageHeight: Int?

        /// A face known only by its `faces.csv` row.
        public init(_ record: FaceRecord) {
            self.record = record
        }

        /// A face found (or missed, when `call` is `nil`) with the given maskScore, without boxes.
        public init(image: String, face: Int, truth: FaceClass, call: FaceClass? = nil, maskScore: Double? = nil) {
            self.init(FaceRecord(image: image, face: face, truth: truth, call: call, maskScore: maskScore))
        }

        /// The field of the face's `faces.csv` row.
        public subscript<Value>(dynamicMember field: WritableKeyPath<FaceRecord, Value>) -> Value {
            get { record[keyPath: field] }
            set { record[keyPath: field] = newValue }
        }

        /// A property of the face's `faces.csv` row (`detected`, `correct`).
        public subscript<Value>(dynamicMember property: KeyPath<FaceRecord, Value>) -> Value {
            record[keyPath: property]
        }

        /// Adds the face's `boxes.csv` row.
        mutating func add(_ boxes: BoxRecord) {
            box = boxes.box
            predicted = boxes.predicted
            imageWidth = boxes.imageWidth
            imageHeight = boxes.imageHeight
            annotated = boxes.label
        }
    }

    /// A detection that matched no face: a row of `extras.csv`.
    public typealias Extra = ExtraRecord

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

    /// The rows of a report table, in table order: read from a file, or made one at a time from an evaluation
    /// still in memory (a 500k-image run has millions of faces, which the report reads a few times over and
    /// never needs whole).
    public struct Rows<Row: Sendable & Equatable>: RandomAccessCollection, Sendable, Equatable {
        public let count: Int
        private let row: @Sendable (Int) -> Row

        /// The rows of `array`.
        public init(_ array: [Row]) {
            count = array.count
            row = { array[$0] }
        }

        /// `count` rows, row `i` being `row(i)`.
        init(count: Int, row: @escaping @Sendable (Int) -> Row) {
            self.count = count
            self.row = row
        }

        public var startIndex: Int { 0 }
        public var endIndex: Int { count }
        public subscript(position: Int) -> Row {
            precondition(position >= 0 && position < count, "row \(position) of \(count)")
            return row(position)
        }

        public static func == (a: Rows, b: Rows) -> Bool { a.elementsEqual(b) }
    }

    /// The run's `metrics.json`.
    public var document: MetricsDocument
    /// The baseline to show changes against (`maskbench report --baseline`); `nil` otherwise.
    public var baseline: BaselineOutcomes?
    /// Every ground-truth face, in `faces.csv` order (ignore regions left out: the report draws faces to find).
    public var faces: Rows<Face>
    /// Every extra detection (empty without `extras.csv`).
    public var extras: Rows<Extra>
    /// Whether `boxes.csv` / `extras.csv` were there (runs of older versions have neither).
    public var hasBoxes: Bool
    /// See ``hasBoxes``.
    public var hasExtras: Bool

    public init(document: MetricsDocument, faces: [Face], extras: [Extra], hasBoxes: Bool, hasExtras: Bool) {
        self.init(
            document: document, faces: Rows(faces), extras: Rows(extras), hasBoxes: hasBoxes, hasExtras: hasExtras)
    }

    init(document: MetricsDocument, faces: Rows<Face>, extras: Rows<Extra>, hasBoxes: Bool, hasExtras: Bool) {
        self.document = document
        self.faces = faces
        self.extras = extras
        self.hasBoxes = hasBoxes
        self.hasExtras = hasExtras
    }

    /// The data of a run still in memory: what ``load(metricsPath:)`` reads back from the `faces.csv`,
    /// `boxes.csv` and `extras.csv` that ``BoxTables`` and ``FaceOutcomesCSV`` write for it (the files hold
    /// every number in full precision, so both give the same report). Used by `evaluate`, so writing a report
    /// never re-parses the tables it has just written. Each row is made when it is read, from the evaluation,
    /// the dataset and the predictions, so the report holds no copy of them.
    public init(document: MetricsDocument, evaluation: Evaluation, dataset: Dataset, predictions: PredictionSet) {
        let images = dataset.images
        // Each image's predictions, by image position: one lookup by name per image, not per row.
        let predicted = images.map { predictions[$0.name] }
        let outcomes = evaluation.outcomes
        // The outcomes that are faces (ignore regions left out), when there are ignore regions at all.
        let kept: [Int]? =
            outcomes.contains { $0.ignoreRegion != nil }
            ? outcomes.indices.filter { outcomes[$0].ignoreRegion == nil } : nil
        let faces = Rows<Face>(count: kept?.count ?? outcomes.count) { row in
            let o = outcomes[kept?[row] ?? row]
            let image = images[o.image]
            var face = Face(FaceRecord(o, image: image.name))
            let annotated = o.face < image.faces.count ? image.faces[o.face] : nil
            let all = predicted[o.image]
            face.box = annotated?.box
            face.predicted = o.prediction.flatMap { k in k < all.count ? all[k].box : nil }
            face.imageWidth = image.width
            face.imageHeight = image.height
            face.annotated = annotated?.label
            return face
        }
        let extras = evaluation.extras
        let extraRows = Rows<Extra>(count: extras.count) { row in
            let e = extras[row]
            let all = predicted[e.image]
            return Extra(
                image: images[e.image].name, prediction: e.prediction,
                box: e.prediction < all.count ? all[e.prediction].box : nil,
                faceScore: e.faceScore, maskScore: e.maskScore, call: e.call)
        }
        self.init(document: document, faces: faces, extras: extraRows, hasBoxes: true, hasExtras: true)
    }

    /// Reads the report folder that holds `metricsPath`, through the tables' one reader each.
    ///
    /// - Throws: ``MaskBenchFiles/FormatError`` naming the file (and line): a `metrics.json` of another schema
    ///   version (naming both), a missing or malformed `faces.csv`, a `boxes.csv` that does not follow
    ///   `faces.csv`, a malformed `extras.csv`.
    public static func load(metricsPath: String) throws -> ReportData {
        let document = try MetricsDocument.read(path: metricsPath)
        let folder = URL(fileURLWithPath: metricsPath).deletingLastPathComponent().path
        let manager = FileManager.default
        let facesPath = folder + "/faces.csv"
        guard manager.fileExists(atPath: facesPath) else {
            throw FormatError(file: facesPath, "no faces.csv beside metrics.json; run maskbench evaluate again")
        }
        var faces = try FaceOutcomesCSV.read(path: facesPath).map(Face.init)
        let boxesPath = folder + "/boxes.csv"
        let hasBoxes = manager.fileExists(atPath: boxesPath)
        if hasBoxes {
            let boxes = try BoxTables.readBoxes(path: boxesPath, following: faces.map(\.record))
            for row in faces.indices { faces[row].add(boxes[row]) }
        }
        faces.removeAll { $0.record.ignored }
        let extrasPath = folder + "/extras.csv"
        let hasExtras = manager.fileExists(atPath: extrasPath)
        let extras = hasExtras ? try BoxTables.readExtras(path: extrasPath) : []
        return ReportData(document: document, faces: faces, extras: extras, hasBoxes: hasBoxes, hasExtras: hasExtras)
    }
}
