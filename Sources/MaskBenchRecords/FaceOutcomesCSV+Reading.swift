import MaskBenchCore
import MaskBenchFiles

extension FaceOutcomesCSV {
    /// The columns a `faces.csv` must have; `faceScore` and `iou` are read when present.
    static let requiredColumns = ["image", "face", "truth", "call", "maskScore"]

    /// The rows of the `faces.csv` at `path`, in file order: the one reader of the table, for the report, the
    /// baseline and the gate alike.
    ///
    /// A missed face has `call` and the numbers empty; a found face has a `call` and a `maskScore`; an ignore
    /// region has truth `ignored` (``FaceRecord/ignored``).
    ///
    /// - Throws: ``MaskBenchFiles/FormatError`` at `file:line:column` for an unreadable or empty file, a
    ///   missing column, an empty image name, a bad face index, class or number, a call without a maskScore,
    ///   or a face listed twice.
    public static func read(path: String, limits: ReadLimits = .defaults) throws -> [FaceRecord] {
        var faces: [FaceRecord] = []
        var seen: [FaceRecord.Key: Int] = [:]
        try TableReader.forEachRow(path: path, table: "faces.csv", required: requiredColumns, limits: limits) {
            table, record in
            let image = try table.required(record, "image")
            guard let face = try table.count(record, "face", expected: "a face index (0, 1, …)") else {
                throw table.error(record, "face", "expected a face index (0, 1, …), found an empty field")
            }
            let ignored = table.text(record, "truth") == FaceRecord.ignoredTruth
            guard let truth = ignored ? .masked : try table.faceClass(record, "truth", orIgnored: true) else {
                throw table.error(
                    record, "truth", "expected truth masked, unmasked, incorrect or ignored, found an empty field")
            }
            let call = try table.faceClass(record, "call")
            let maskScore = try table.number(record, "maskScore")
            if call != nil, maskScore == nil {
                throw table.error(record, "maskScore", "a face with a call needs a maskScore")
            }
            let row = FaceRecord(
                image: image, face: face, truth: truth, call: call, maskScore: call == nil ? nil : maskScore,
                faceScore: call == nil ? nil : try table.number(record, "faceScore"),
                iou: call == nil ? nil : try table.number(record, "iou"), ignored: ignored)
            if let line = seen[row.key] {
                throw FormatError(
                    file: path, line: record.line,
                    "face \(face) of image '\(image)' is listed twice (first on line \(line))")
            }
            seen[row.key] = record.line
            faces.append(row)
        }
        return faces
    }
}
