import MaskBenchCore
import MaskBenchFiles

extension BoxTables {
    /// The rows of the `boxes.csv` at `path`, which must follow `faces` (the run's `faces.csv`) row for row.
    ///
    /// - Throws: ``MaskBenchFiles/FormatError`` at `file:line:column` for an unreadable or empty file, a
    ///   missing column, a bad number, or a row that is not the face `faces` has at its place.
    public static func readBoxes(
        path: String, following faces: [FaceRecord], limits: ReadLimits = .defaults
    ) throws -> [BoxRecord] {
        var rows: [BoxRecord] = []
        let required = ["image", "face", "x", "y", "width", "height"]
        try TableReader.forEachRow(path: path, table: "boxes.csv", required: required, limits: limits) {
            table, record in
            let face = try table.count(record, "face", expected: "a face index (0, 1, …)")
            let row = rows.count
            guard row < faces.count, faces[row].image == table.text(record, "image"), faces[row].face == face else {
                throw FormatError(
                    file: path, line: record.line,
                    "does not follow faces.csv (row \(row + 1) there is "
                        + (row < faces.count ? "face \(faces[row].face) of '\(faces[row].image)'" : "missing")
                        + "); run evaluate again")
            }
            rows.append(
                BoxRecord(
                    image: faces[row].image, face: faces[row].face,
                    box: try table.box(record, ["x", "y", "width", "height"]),
                    imageWidth: try table.count(record, "imageWidth"),
                    imageHeight: try table.count(record, "imageHeight"),
                    predicted: try table.box(record, ["predX", "predY", "predWidth", "predHeight"]),
                    label: try table.faceClass(record, "label")))
        }
        guard rows.count == faces.count else {
            throw FormatError(file: path, "has \(rows.count) faces, faces.csv \(faces.count); run evaluate again")
        }
        return rows
    }

    /// The rows of the `extras.csv` at `path`, in file order.
    ///
    /// - Throws: ``MaskBenchFiles/FormatError`` at `file:line:column` for an unreadable or empty file, a
    ///   missing column, or a bad number or class.
    public static func readExtras(path: String, limits: ReadLimits = .defaults) throws -> [ExtraRecord] {
        var rows: [ExtraRecord] = []
        let required = ["image", "faceScore", "maskScore", "call"]
        try TableReader.forEachRow(path: path, table: "extras.csv", required: required, limits: limits) {
            table, record in
            func needed<T>(_ value: T?, _ name: String) throws -> T {
                guard let value else { throw table.error(record, name, "expected \(name), found an empty field") }
                return value
            }
            rows.append(
                ExtraRecord(
                    image: try table.required(record, "image"),
                    prediction: try table.count(record, "prediction"),
                    box: try table.box(record, ["x", "y", "width", "height"]),
                    faceScore: try needed(try table.number(record, "faceScore"), "faceScore"),
                    maskScore: try needed(try table.number(record, "maskScore"), "maskScore"),
                    call: try needed(try table.faceClass(record, "call"), "call")))
        }
        return rows
    }
}
